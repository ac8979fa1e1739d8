"""Chat events (DESIGN.md contract) and their validation. Pure: no sockets, no clock."""
from __future__ import annotations

import json
from dataclasses import dataclass

from .bounded_input import JsonLimitError, loads

EVENT_TYPES = ("comment", "gift", "like", "enter", "follow")
MAX_FRAME_CHARS = 4096
MAX_TEXT_CHARS = 300
MAX_NICK_CHARS = 64
MAX_USER_CHARS = 128
MAX_EVENT_T = 48 * 3600.0  # a replay covers at most two days of show: later `t` is a typo or an attack


class ChatFormatError(ValueError):
    """A frame that is not a valid chat event; the message says which field and why."""


@dataclass(frozen=True)
class ChatEvent:
    t: float
    type: str
    user: str
    text: str = ""
    nick: str = ""
    platform: str = ""


def _optional_text(data: dict, key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ChatFormatError(f"field {key!r} must be a string, got {type(value).__name__}")
    return value


def parse_chat_event(frame: str | bytes, arrived_at: float | None = None) -> ChatEvent:
    """Parse one websocket frame or replay line. Live frames are stamped with `arrived_at`."""
    if isinstance(frame, bytes):
        try:
            frame = frame.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ChatFormatError(f"frame is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if len(frame) > MAX_FRAME_CHARS:
        raise ChatFormatError(f"frame too large: {len(frame)} characters, limit {MAX_FRAME_CHARS}")
    try:
        data = loads(frame)
    except json.JSONDecodeError as exc:
        raise ChatFormatError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except JsonLimitError as exc:
        raise ChatFormatError(f"refused JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ChatFormatError(f"a chat event must be a JSON object, got {type(data).__name__}")
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        raise ChatFormatError(f"field 'type' must be one of {', '.join(EVENT_TYPES)}, got {kind!r}")
    user = data.get("user")
    if not isinstance(user, str) or not user.strip():
        raise ChatFormatError("field 'user' is required and must be a non-empty string")
    if len(user) > MAX_USER_CHARS:
        raise ChatFormatError(f"field 'user' too long: {len(user)} characters, limit {MAX_USER_CHARS}")
    text = _optional_text(data, "text")
    if kind == "comment" and not text.strip():
        raise ChatFormatError("a comment needs a non-empty 'text'")
    if len(text) > MAX_TEXT_CHARS:
        raise ChatFormatError(f"field 'text' too long: {len(text)} characters, limit {MAX_TEXT_CHARS}")
    if arrived_at is not None:
        t = arrived_at
    else:
        t = data.get("t")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t <= MAX_EVENT_T:
            raise ChatFormatError(f"field 't' must be seconds since show start, 0 to {MAX_EVENT_T:.0f}, got {t!r}")
    # A nick is only ever shown or filtered, never stored whole: an over-long one is cut, not refused.
    return ChatEvent(t=float(t), type=kind, user=user.strip(), text=text.strip(),
                     nick=_optional_text(data, "nick")[:MAX_NICK_CHARS],
                     platform=_optional_text(data, "platform")[:MAX_NICK_CHARS])
