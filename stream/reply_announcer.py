"""Replies go to the chat and the console once their first frame has been sent.

Frames are rendered ahead of air, so a reply is known before it airs; announcing it then would
let a viewer (or a stop right after the announcement) see a reply that never went on air."""
from __future__ import annotations

import threading
from typing import Callable


class ReplyAnnouncer:
    def __init__(self, to_chat: Callable[[dict], None], to_console: Callable[[dict], None]) -> None:
        self._to_chat = to_chat
        self._to_console = to_console
        self._due: list[dict] = []  # reply messages waiting for their first frame to be sent
        self._lock = threading.Lock()  # the producer's thread adds, the pacer's thread announces

    def add(self, message: dict) -> None:
        """A reply message with its `t_on_air` (air seconds)."""
        with self._lock:
            self._due.append(message)

    def announce(self, aired_until: float) -> None:
        """Announce every reply whose first frame airs before `aired_until`."""
        if not self._due:
            return
        with self._lock:
            due = [m for m in self._due if m["t_on_air"] < aired_until]
            if not due:
                return
            self._due = [m for m in self._due if m["t_on_air"] >= aired_until]
        for message in due:
            self._to_chat(message)
            self._to_console({"type": "reply", "user": message["user"], "text": message["text"]})
