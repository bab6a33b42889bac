"""forked.py: a child's plain value comes back whole, and a child that fails in any way gives None, never a hang."""

from __future__ import annotations

import os
import signal
import time

import pytest

from psmctl import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="a forked child is used on Linux only")


def test_the_childs_value_comes_back() -> None:
    rows = [("Sheet", r, f"35710117089{r:05d}", None, 1.5) for r in range(50_000)]
    child = forked.start(lambda: [tuple(row) for row in rows])
    assert child is not None
    assert child.result() == rows  # 50,000 rows: far more than a pipe holds, read while the child writes


def test_a_child_that_raises_gives_none() -> None:
    child = forked.start(lambda: 1 // 0)
    assert child is not None and child.result() is None


def test_a_value_marshal_cannot_carry_gives_none() -> None:
    child = forked.start(lambda: object())
    assert child is not None and child.result() is None


def test_a_child_killed_by_a_signal_gives_none() -> None:
    child = forked.start(lambda: os.kill(os.getpid(), signal.SIGKILL))
    assert child is not None and child.result() is None


def test_a_child_that_exits_early_gives_none() -> None:
    child = forked.start(lambda: os._exit(0))  # status 0 but no answer written
    assert child is not None and child.result() is None


def test_cancel_stops_a_busy_child_and_reaps_it() -> None:
    child = forked.start(lambda: time.sleep(60))
    assert child is not None
    pid = child._pid
    t0 = time.monotonic()
    child.cancel()
    assert time.monotonic() - t0 < 5
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_the_child_leaves_the_parents_state_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The child must not run atexit handlers or flush buffers it inherited: the parent's file gets its line once.
    out = tmp_path / "out.txt"
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("parent line\n")  # still in the buffer when the child is forked
        child = forked.start(lambda: 42)
        assert child is not None and child.result() == 42
    assert out.read_text(encoding="utf-8") == "parent line\n"


def test_no_fork_where_it_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked.sys, "platform", "darwin")
    assert forked.available() is False
    assert forked.start(lambda: 1) is None
