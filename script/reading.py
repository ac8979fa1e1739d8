"""What a chat event is, as the director needs it: its kind, flags, and a text safe to log."""
from __future__ import annotations

from dataclasses import dataclass

from .answers import is_question
from .chat import ChatEvent

KINDS = ("question", "greeting", "gift", "spam", "abuse", "other")


@dataclass(frozen=True)
class ChatReading:
    kind: str  # one of KINDS
    redacted_text: str
    flags: tuple[str, ...] = ()


def read_chat(event: ChatEvent) -> ChatReading:
    if event.type in ("enter", "follow"):
        return ChatReading("greeting", event.text)
    if event.type == "gift":
        return ChatReading("gift", event.text)
    if event.type == "comment" and is_question(event.text):
        return ChatReading("question", event.text)
    return ChatReading("other", event.text)
