"""The one source of time. Logic receives a MediaClock; only RealClock touches the OS clock."""
from __future__ import annotations

import asyncio
import threading
import time
from typing import Protocol


class MediaClock(Protocol):
    def now(self) -> float:
        """Seconds since the clock started."""

    async def sleep_until(self, t: float) -> None:
        """Return once now() >= t."""

    def wait_until(self, t: float, stop: threading.Event) -> bool:
        """Block this thread until now() >= t or `stop` is set; True when stopped."""


class RealClock:
    def __init__(self) -> None:
        self._origin = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._origin

    async def sleep_until(self, t: float) -> None:
        delay = t - self.now()
        if delay > 0:
            await asyncio.sleep(delay)

    def wait_until(self, t: float, stop: threading.Event) -> bool:
        delay = t - self.now()
        return stop.wait(delay) if delay > 0 else stop.is_set()


class FakeClock:
    """Advances only when told to, or when someone sleeps on it: tests run faster than real time."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not run backwards")
        self._now += seconds

    async def sleep_until(self, t: float) -> None:
        if t > self._now:
            self._now = t
        await asyncio.sleep(0)

    def wait_until(self, t: float, stop: threading.Event) -> bool:
        if t > self._now:
            self._now = t
        return stop.is_set()
