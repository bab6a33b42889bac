"""psmctl: the register, training and BPJS Ketenagakerjaan coverage of a Dinas Sosial's volunteers."""

__version__ = "0.1.0"
