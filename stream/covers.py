"""Covers: short phrases synthesized ahead, said when the air would otherwise go quiet.

An acknowledgement ("稍等，我看一下。") covers an answer that is slow to synthesize; a filler covers
any sentence the voice has not delivered in time (a slow, crashed or hung engine), so the room
hears the host rather than dead air while the voice recovers. Covers are made when the persona
comes on air, so saying one never waits on the engine.
"""
from __future__ import annotations

from concurrent.futures import Future
from typing import Callable

from speech.types import Utterance

# A line waiting this long for its audio gets a cover (a viewer hears a pause of ~0.5 s as thought,
# a second as a fault); an answer is covered sooner (COVER_AFTER_FRAMES in playout).
STALLED_COVER_FRAMES = 12
MAX_COVERS_PER_SENTENCE = 4  # then quiet: a voice still gone after ~10 s of fillers is not waited out with more


class Covers:
    """The ready cover phrases of the persona on air, handed out in turn."""

    def __init__(self) -> None:
        self._acknowledgements: list[Future] = []
        self._fillers: list[Future] = []
        self._said = 0

    def prepare(self, submit: Callable[[str], Future], acknowledgements: tuple[str, ...],
                fillers: tuple[str, ...] = ()) -> None:
        """Synthesize the phrases (templates with "{...}" need data and are left out)."""
        self._acknowledgements = [submit(text) for text in acknowledgements if "{" not in text]
        self._fillers = [submit(text) for text in fillers if "{" not in text]

    def settle(self, timeout: float) -> None:
        """Wait until every cover is made (for a show that must be able to cover from its first frame)."""
        for made in self._acknowledgements + self._fillers:
            made.exception(timeout=timeout)

    def next(self, answer: bool) -> tuple[int, Utterance] | None:
        """The next ready cover and its number: an acknowledgement for an answer, else a filler
        (an acknowledgement when no filler is ready). None while none is ready."""
        pools = (self._acknowledgements,) if answer else (self._fillers, self._acknowledgements)
        for pool in pools:
            ready = [f.result() for f in pool if f.done() and f.exception() is None]
            if ready:
                self._said += 1
                return self._said, ready[self._said % len(ready)]
        return None
