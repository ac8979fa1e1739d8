"""What a platform adapter hands on: one viewer action, before it is stamped with show time.

A platform's user id is personal data: it is replaced by a keyed hash before it leaves the
adapter, so logs, metrics and the director only ever see the pseudonym.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from script.chat import EVENT_TYPES, MAX_NICK_CHARS, MAX_TEXT_CHARS, ChatEvent

_PROCESS_SALT = os.urandom(16)  # pseudonyms are stable within one show, unlinkable across shows
# Names Bilibili shows to a connection without a logged-in cookie: "用***", "小*", "***".
_MASKED = re.compile(r"\*{1,}")


@dataclass(frozen=True)
class PlatformEvent:
    platform: str  # bilibili, douyin, webhook
    message_id: str  # the platform's id for this message: duplicates share it
    type: str  # one of script.chat.EVENT_TYPES
    user: str  # pseudonym (see pseudonym())
    nick: str = ""  # "" when the platform masked it
    text: str = ""  # a comment's words; a gift's name
    exact_id: bool = True  # False: message_id was derived from the content (the platform gives none)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"event type {self.type!r} is not one of {', '.join(EVENT_TYPES)}")

    def chat_event(self, t: float) -> ChatEvent:
        return ChatEvent(t=t, type=self.type, user=self.user, text=self.text[:MAX_TEXT_CHARS].strip(),
                         nick=self.nick[:MAX_NICK_CHARS], platform=self.platform)


def pseudonym(platform: str, user_id: object, salt: bytes = _PROCESS_SALT) -> str:
    """`platform:` and 12 hex digits of a keyed hash of the platform's user id."""
    digest = hmac.new(salt, f"{platform}\0{user_id}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{platform[:4]}:{digest[:12]}"


def visible_nick(name: object) -> str:
    """The viewer's name, or "" when the platform masked it (the host then greets without a name)."""
    if not isinstance(name, str):
        return ""
    name = name.strip()
    return "" if not name or _MASKED.search(name) else name[:MAX_NICK_CHARS]
