"""Part of a job on the second core: a forked child computes a plain value and hands it back through a pipe.

Threads cannot help pure-Python work (the GIL); a forked child can, and it starts with everything the parent
already holds, such as the worksheet calamine has parsed, without copying it (pages are shared until written).
The child's answer travels as `marshal` bytes: plain tuples, lists, str, int, float, None only, and about
3x quicker than pickle for 50,000 rows.

A child that fails for any reason (an exception, a signal, a truncated answer) yields None, and the caller
does the same work itself: the result never depends on whether the child succeeded, only the time does.
Linux only: elsewhere (macOS's fork is unsafe with system frameworks, Windows has none) `start` returns None.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

_FAILED = 70  # the child's exit status when its work raised


def available() -> bool:
    """Whether this platform runs work in a forked child."""
    return sys.platform == "linux" and hasattr(os, "fork")


class Child:
    """A running child; `result()` waits for its value, `cancel()` stops it. Use one or the other, once."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid, self._fd = pid, fd

    def result(self) -> Any:
        """The child's value, or None when it failed (the caller then does the work itself)."""
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
        finally:
            self._fd = -1
            status = self._reap()
        if status != 0:
            return None
        try:
            return marshal.loads(data)  # noqa: S302 - bytes from our own forked child, through our own pipe
        except (EOFError, ValueError, TypeError):
            return None

    def cancel(self) -> None:
        """Stop the child (its work is no longer wanted) and release its pipe."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - it had already exited
                pass
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._reap()

    def _reap(self) -> int:
        if not self._pid:
            return -1
        pid, self._pid = self._pid, 0
        _, status = os.waitpid(pid, 0)
        return status


def start(work: Callable[[], Any]) -> Child | None:
    """Run `work()` in a forked child; None when this platform or this moment cannot fork."""
    if not available():
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # out of processes or memory: the caller works alone
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # pragma: no cover - the child's lines run in the child; coverage and the tests see its result
        _child(read_fd, write_fd, work)
    os.close(write_fd)
    return Child(pid, read_fd)


def _child(read_fd: int, write_fd: int, work: Callable[[], Any]) -> None:  # pragma: no cover - runs in the child
    code = _FAILED
    try:
        os.close(read_fd)
        # Ctrl-C reaches the whole process group: the parent reports it, the child just ends.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        data = marshal.dumps(work())
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the parent does the work itself; nothing may print here
        pass
    finally:
        # No atexit, no flushing of the parent's buffered output, no closing of its database: leave at once.
        os._exit(code)
