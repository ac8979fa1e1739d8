"""Urgent speech first: an answer to a viewer never waits behind synthesis done ahead of time.

One model instance does one inference at a time (two would only fight over the same two cores).
Each request has a priority: URGENT (a line the room is waiting for: an answer, an operator
line), AHEAD (the next rundown sentences, the default) or WARM (filling the cache for later).
The caller sets it with `speech_priority(...)`, a context variable, so it follows the request
through worker pools that copy the context. A request stops an inference of lower priority in
progress; the stopped request raises SynthesisInterrupted and is asked for again later by its
owner (the playout, the cache warmer). A request never waits behind a lower-priority one.
"""
from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

WARM, AHEAD, URGENT = 0, 1, 2
_PRIORITY: contextvars.ContextVar[int] = contextvars.ContextVar("livehost_speech_priority", default=AHEAD)


class SynthesisInterrupted(Exception):
    """Synthesis made way for a more urgent request; nothing is wrong with the engine."""


@contextmanager
def speech_priority(level: int) -> Iterator[None]:
    token = _PRIORITY.set(level)
    try:
        yield
    finally:
        _PRIORITY.reset(token)


def current_priority() -> int:
    return _PRIORITY.get()


class InferenceGate:
    """A lock around one model where more urgent requests go first and stop less urgent ones.

    `hold(interrupt)` wraps every inference; `interrupt` stops that inference when a more urgent
    request arrives while it runs (for onnxruntime: RunOptions.terminate).
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._holder: int | None = None  # priority of the inference running, if any
        self._holder_interrupt: Callable[[], None] | None = None
        self._waiting = [0, 0, 0]  # requests waiting, per priority

    def _outranked(self, level: int) -> bool:
        return (self._holder is not None and self._holder > level) or any(self._waiting[level + 1:])

    @contextmanager
    def hold(self, interrupt: Callable[[], None] | None = None) -> Iterator[None]:
        level = current_priority()
        with self._condition:
            self._waiting[level] += 1
            try:
                if self._holder is not None and self._holder < level and self._holder_interrupt is not None:
                    self._holder_interrupt()
                self._condition.notify_all()  # less urgent waiters give up
                while self._holder is not None or self._outranked(level):
                    if self._outranked(level):
                        raise SynthesisInterrupted("a more urgent line is being synthesized")
                    self._condition.wait()
            finally:
                self._waiting[level] -= 1
            self._holder, self._holder_interrupt = level, interrupt
        try:
            yield
        finally:
            with self._condition:
                self._holder, self._holder_interrupt = None, None
                self._condition.notify_all()
