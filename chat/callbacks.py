"""What the Douyin and webhook receivers share: the receiving source itself, checking a push's time,
and answering it."""
from __future__ import annotations

import logging
from typing import Callable

from .http_receiver import HttpReceiver, HttpReply, HttpRequest
from .source import Emit, OnceLog, Relay, RelayedSource, ShowTime


def stale(timestamp_s: float, now_s: float, window_s: float) -> bool:
    """True when a signed push is older (or newer) than the window: a captured request replayed later."""
    return abs(now_s - timestamp_s) > window_s


def refuse(status: int, error: str) -> HttpReply:
    return HttpReply(status, {"ok": False, "error": error})


def accepted(delivered: int, duplicates: int, skipped: int = 0) -> HttpReply:
    return HttpReply(200, {"ok": True, "accepted": delivered, "duplicates": duplicates, "skipped": skipped})


class SignedReceiverSource(RelayedSource):
    """What a signed HTTP push source is besides its own check and mapping: a receiver, a relay that
    deduplicates and stamps, problems logged once per kind, refusals counted."""

    what = "pushes"  # for the log line that says where they are received

    def __init__(self, name: str, path: str, host: str, port: int, wall_clock: Callable[[], float],
                 log: logging.Logger) -> None:
        self.name = name
        self._wall_clock = wall_clock  # a push's signed timestamp is wall-clock time
        self._log = log
        self._problems = OnceLog(log, name)
        self._relay: Relay | None = None
        self.receiver = HttpReceiver(self.handle, path, host, port)
        self.refused = 0

    async def start(self, emit: Emit, show_time: ShowTime) -> None:
        self._relay = Relay(emit, show_time, self._log, self.name)
        await self.receiver.start()
        self._log.info("%s: receiving %s at %s", self.name, self.what, self.receiver.url)

    async def stop(self) -> None:
        await self.receiver.close()

    def handle(self, request: HttpRequest) -> HttpReply:
        refusal = self._check(request)
        if refusal is not None:
            self.refused += 1
            self._problems.report(f"refused post ({refusal.body['error'].split(':')[0]})", f"from {request.client}")
            return refusal
        return self._accept(request)

    def _check(self, request: HttpRequest) -> HttpReply | None:
        raise NotImplementedError

    def _accept(self, request: HttpRequest) -> HttpReply:
        raise NotImplementedError
