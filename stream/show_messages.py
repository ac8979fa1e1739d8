"""What the show producer hands to its owners and takes from them: a reply and when it aired,
a persona loaded off the show's thread."""
from __future__ import annotations

from dataclasses import dataclass

from avatar.factory import FrameRenderer
from script.chat import ChatEvent
from speech.types import SpeechEngine

from .persona_bundle import PersonaBundle


@dataclass(frozen=True)
class OnAirRecord:
    """A reply and when it happened, in show seconds (for logs, tests and reports)."""

    event: ChatEvent
    reply_text: str | None
    sku: str | None
    sources: tuple[str, ...]
    t_decided: float
    t_on_air: float | None = None


@dataclass(frozen=True)
class StagedPersona:
    """A persona fully loaded off the show's thread (voice too): swapping it in cannot fail or stall."""

    bundle: PersonaBundle
    engine: SpeechEngine
    renderer: FrameRenderer
    operator: str = ""
