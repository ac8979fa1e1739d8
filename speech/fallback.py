"""Keep the show talking: if the chosen engine fails to load or raises mid-show, speak with a
fallback engine (espeak-ng), log the switch once, and try the chosen engine again later."""
from __future__ import annotations

import logging
import threading
from typing import Iterable

from .priority import SynthesisInterrupted
from .types import Utterance

log = logging.getLogger("livehost.speech")
RETRY_AFTER_SENTENCES = 50  # after a mid-show failure, give the primary another go this much later


class FallbackEngine:
    def __init__(self, primary, fallback, retry_after: int = RETRY_AFTER_SENTENCES) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_after = retry_after
        self._load_failed = False
        self._failed_at: int | None = None  # sentence count at the last mid-show failure
        self._count = 0
        self._lock = threading.Lock()
        self.switches = 0

    @property
    def active(self):
        return self.fallback if self._on_fallback() else self.primary

    @property
    def name(self) -> str:
        return self.active.name

    @property
    def voice(self) -> str:
        return getattr(self.active, "voice", "")

    @property
    def speed(self) -> float:
        return getattr(self.active, "speed", 1.0)

    def _on_fallback(self) -> bool:
        return self._load_failed or self._failed_at is not None

    def load(self) -> None:
        try:
            self.primary.load()
        except Exception as exc:
            self._load_failed = True
            self.switches += 1
            log.error("voice: %s engine failed to load (%s: %s); the show speaks with the %s fallback",
                      self.primary.name, type(exc).__name__, exc, self.fallback.name)
        self.fallback.load()

    def synthesize(self, text: str) -> Utterance:
        with self._lock:
            self._count += 1
            if self._failed_at is not None and self._count - self._failed_at >= self.retry_after:
                self._failed_at = None  # give the primary another chance
                retrying = True
            else:
                retrying = False
            use_primary = not self._on_fallback()
        if use_primary:
            try:
                utterance = self.primary.synthesize(text)
                if retrying:
                    log.warning("voice: %s engine is speaking again", self.primary.name)
                return utterance
            except SynthesisInterrupted:
                raise  # made way for an urgent line: the engine is fine
            except Exception as exc:
                with self._lock:
                    first = self._failed_at is None
                    self._failed_at = self._count
                if first and not retrying:
                    self.switches += 1
                    log.error("voice: %s engine failed on %r (%s: %s); switching to the %s fallback",
                              self.primary.name, text[:40], type(exc).__name__, exc, self.fallback.name)
        return self.fallback.synthesize(text)

    def close(self) -> None:
        for engine in (self.primary, self.fallback):
            close = getattr(engine, "close", None)
            if close is not None:
                close()

    def warm(self, texts: Iterable[str]) -> None:
        warm = getattr(self.active, "warm", None)
        if warm is not None:
            warm(texts)
