"""The one error family of psmctl: every message is one line, in Indonesian, for the admin."""


class PsmctlError(Exception):
    """A failure the admin can act on; the CLI prints it as one line and exits 1."""


class InputError(PsmctlError):
    """A file or value given by the user cannot be used (corrupt file, bad date, unknown option value)."""


class NotFound(PsmctlError):
    """The thing asked for is not in the register."""


class DataError(PsmctlError):
    """A bundled data file (rates, settings, wilayah) is inconsistent."""
