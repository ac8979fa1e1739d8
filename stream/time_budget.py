"""A time budget around one step of a simulation: a step that never returns (a loop a future
change might bring) becomes an error the caller records, instead of a replay that hangs.

Only on the main thread of a POSIX process (it uses SIGALRM, which Python delivers there and
between bytecodes, so a pure-Python loop is interrupted; a C call is interrupted when it returns).
Elsewhere the budget is not enforced.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class BudgetExceeded(Exception):
    """The step ran past its budget; the message names the step and the budget."""


def enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    if seconds is None or seconds <= 0 or not enforceable():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"{what} took longer than {seconds:g} s and was abandoned")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
