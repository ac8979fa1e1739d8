"""Per-persona voice settings and the engine they select."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .espeak import EspeakEngine
from .types import SpeechEngine

ENGINES = ("espeak",)


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "espeak"
    voice: str = "cmn"
    speed: float = 1.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, where: str) -> "VoiceSettings":
        data = data or {}
        engine = str(data.get("engine", "espeak"))
        if engine not in ENGINES:
            raise ValueError(f"{where}: voice.engine: unknown {engine!r}; available: {', '.join(ENGINES)}")
        speed = data.get("speed", 1.0)
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.5 <= speed <= 2.0:
            raise ValueError(f"{where}: voice.speed: must be a number in 0.5..2.0, got {speed!r}")
        return cls(engine=engine, voice=str(data.get("voice", "cmn")), speed=float(speed))


def make_engine(settings: VoiceSettings) -> SpeechEngine:
    return EspeakEngine(voice=settings.voice, speed=settings.speed)
