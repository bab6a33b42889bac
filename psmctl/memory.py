"""Bulk work without the cyclic garbage collector rescanning it (register-wide imports and reports)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while large acyclic results are built.

    A million small tuples or dicts make the collector rescan everything again and again (superlinear time);
    none of these objects can form a cycle, so collection waits until the work is done.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
