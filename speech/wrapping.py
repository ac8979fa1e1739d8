"""The part every engine wrapper shares: it names, loads and closes the engine it wraps."""
from __future__ import annotations


class EngineWrapper:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def voice(self) -> str:
        return getattr(self.inner, "voice", "")

    @property
    def speed(self) -> float:
        return getattr(self.inner, "speed", 1.0)

    def load(self) -> None:
        self.inner.load()

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
