"""The seam every chat source fits: started with somewhere to put events, stopped when the show ends.

A source emits DESIGN.md chat events (script.chat.ChatEvent) already stamped with show time,
deduplicated, and with viewers' platform ids replaced by pseudonyms. Several sources may feed
one room; the show applies its room-wide admission to all of them together.
"""
from __future__ import annotations

import logging
from typing import Callable, Protocol

from script.chat import ChatEvent

from .dedup import RecentIds
from .events import PlatformEvent

Emit = Callable[[ChatEvent], None]
ShowTime = Callable[[], float]
CONTENT_ID_TTL_S = 120.0  # an id made from a message's content only stands for a repeat this long
_MAX_KINDS = 256


class ChatSource(Protocol):
    name: str  # "bilibili room 123", for logs and metrics (never a credential)

    async def start(self, emit: Emit, show_time: ShowTime) -> None:
        """Begin delivering events; returns once listening or connecting has begun."""

    async def stop(self) -> None:
        """Stop delivering and release connections and ports; safe to call twice."""


class OnceLog:
    """Logs the first problem of each kind and counts the rest: a broken feed never floods the log."""

    def __init__(self, log: logging.Logger, source: str) -> None:
        self._log = log
        self._source = source
        self.counts: dict[str, int] = {}

    def report(self, kind: str, detail: str = "", level: int = logging.WARNING) -> None:
        if kind not in self.counts and len(self.counts) >= _MAX_KINDS:
            kind = "other"
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] == 1:
            self._log.log(level, "%s: skipped %s%s (logged once per kind)", self._source, kind,
                          f" ({detail})" if detail else "")


class Relay:
    """A source's platform events to chat events: repeats dropped by message id, show time stamped."""

    def __init__(self, emit: Emit, show_time: ShowTime, log: logging.Logger, source: str,
                 capacity: int = 20_000) -> None:
        self._emit = emit
        self._show_time = show_time
        self._seen = RecentIds(capacity)
        self._log = log
        self._source = source
        self.delivered = 0
        self.duplicates = 0

    def offer(self, event: PlatformEvent) -> bool:
        now = self._show_time()
        key = f"{event.platform}\0{event.message_id}"
        if not self._seen.first_time(key, now, None if event.exact_id else CONTENT_ID_TTL_S):
            self.duplicates += 1
            return False
        self.delivered += 1
        if self._log.isEnabledFor(logging.DEBUG):
            self._log.debug("%s: %s from %s", self._source, event.type, event.user)  # pseudonym only
        self._emit(event.chat_event(now))
        return True


class RelayedSource:
    """What a source that relays through a Relay and counts its problems with a OnceLog shows the
    show and its tests: the problem counts, and the relay (None until the source has started)."""

    _problems: OnceLog
    _relay: Relay | None

    @property
    def problems(self) -> dict[str, int]:
        return dict(self._problems.counts)

    @property
    def relay(self) -> Relay | None:
        return self._relay

