"""Every file psmctl writes is whole or absent, private, and never written through a symlink.

A file (backup, pre-migration copy, export, problem report) is written to a private temporary file in the
destination's own folder, flushed to disk (fsync), then renamed over the destination. A process killed at any
moment leaves either the earlier file or the complete new one; a symlink at the destination is replaced by the
new file, never followed. Working files (xlsxwriter's streamed rows and packaging parts) live in a private
folder inside the destination's folder, removed when the write ends.

Whatever a killed run left behind (its temporary file, its working folder) carries its process id in the name;
the next write into that folder removes those whose process is gone, so personal data does not pile up beside
an export that cron re-runs every night.
"""

from __future__ import annotations

import mmap
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from psmctl.errors import InputError

_TAG = "psmctl"
# `.<name>.psmctl-<pid>-<random>.tmp` (plus SQLite's side files of a half-written copy) and
# `.psmctl-kerja-<pid>-<random>`: the names this module gives its temporary files and working folders.
_STALE = re.compile(rf"^\..*\.{_TAG}-(\d+)-[^./]+\.tmp(?:-journal|-wal|-shm)?$|^\.{_TAG}-kerja-(\d+)-[^/]+$")
_SIDE_FILES = ("-journal", "-wal", "-shm")


def _folder(target: Path) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {folder} tidak ada; buat dulu atau pilih tujuan lain")
    return folder


def check_target(target: Path) -> Path:
    """Refuse, before any work, a destination psmctl could not write: no file name, a folder, a folder that does
    not exist or cannot be written, a name too long once the temporary file's prefix and suffix are added. Every
    write (atomic_path) checks it, and an import checks its --report before the first file, so a report that could
    never be written does not wait for an import to commit. Returns the folder."""
    target = Path(target)
    if target.name in ("", ".", "..") or target.is_dir():
        raise InputError(f"{target} adalah folder, bukan nama berkas; beri nama berkas, mis. {target / 'laporan.xlsx'}")
    folder = _folder(target)
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    if len(f".{target.name}.{_TAG}-{os.getpid()}-xxxxxxxx.tmp-journal".encode()) > name_max:
        raise InputError(
            f"{target.name[:40]}...: nama berkas terlalu panjang ({len(target.name)} karakter); pakai nama yang lebih "
            "pendek"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"folder {folder}: izin ditolak (tidak bisa ditulis); periksa hak akses folder itu")
    return folder


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove the temporary files and working folders that killed psmctl runs left in `folder`."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _STALE.match(entry.name)
        if m is None or _alive(int(m.group(1) or m.group(2))):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, (os.O_RDONLY | os.O_DIRECTORY) if directory else os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        if not directory:  # some file systems cannot sync a folder; the file itself must be on disk
            raise
    finally:
        os.close(fd)


def _discard(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    for suffix in _SIDE_FILES:
        Path(str(tmp) + suffix).unlink(missing_ok=True)


@contextmanager
def atomic_path(target: Path, *, mode: int = 0o600) -> Iterator[Path]:
    """Yield a private temporary path beside `target`; when the block ends without error, the file is synced
    and renamed over `target` (a symlink there is replaced, not followed); on any error or kill it is not."""
    target = Path(target)
    folder = check_target(target)
    remove_stale(folder)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.{_TAG}-{os.getpid()}-", suffix=".tmp", dir=folder)
    except OSError as e:  # named by the destination the admin gave, not by the temporary file
        raise OSError(e.errno, e.strerror, str(target)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        _fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        _discard(tmp)
        raise
    _fsync_path(folder, directory=True)


@contextmanager
def work_dir(target: Path) -> Iterator[Path]:
    """A private (0700) working folder inside `target`'s folder for the files a writer needs while it works;
    removed with everything in it when the block ends."""
    folder = _folder(Path(target))
    remove_stale(folder)
    work = Path(tempfile.mkdtemp(prefix=f".{_TAG}-kerja-{os.getpid()}-", dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def copy_database(source: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of an open database at `target` (SQLite's backup API), whole or absent, mode 0600.

    The copy is built in a fresh temporary file without a journal: nothing in it needs rolling back, and a
    kill leaves only a temporary file that the next run removes. An earlier file at `target` stays untouched
    until the complete copy replaces it.
    """
    target = Path(target)
    with atomic_path(target) as tmp:
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            dst.execute("PRAGMA journal_mode = OFF")
            source.backup(dst)
        finally:
            dst.close()
    return target


def holds(path: Path, needles: Sequence[bytes]) -> bool:
    """Whether the bytes of `path` or of SQLite's side files beside it contain any of `needles`."""
    for p in (Path(path), *(Path(f"{path}{s}") for s in _SIDE_FILES)):
        try:
            with open(p, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if any(data.find(n) >= 0 for n in needles):
                    return True
        except (FileNotFoundError, ValueError):  # ValueError: an empty file cannot be mapped
            continue
    return False


def remove_with_side_files(path: Path) -> None:
    """Delete a database file psmctl wrote and SQLite's side files beside it."""
    for p in (Path(path), *(Path(f"{path}{s}") for s in _SIDE_FILES)):
        p.unlink(missing_ok=True)
