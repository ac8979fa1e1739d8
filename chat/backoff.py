"""Reconnect delays and request pacing, pure (time and randomness are passed in)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Structurally the show's MediaClock: tests pass a fake one."""

    def now(self) -> float: ...

    async def sleep_until(self, t: float) -> None: ...


@dataclass(frozen=True)
class BackoffPolicy:
    first_s: float = 1.0
    cap_s: float = 60.0
    factor: float = 2.0
    jitter: float = 0.5  # each delay is drawn from [delay * (1 - jitter), delay]
    steady_s: float = 30.0  # a connection that lived this long resets the backoff


class Backoff:
    """Full-ish jitter exponential backoff: many hosts reconnecting after a platform outage spread out."""

    def __init__(self, policy: BackoffPolicy = BackoffPolicy(), rng: random.Random | None = None) -> None:
        self.policy = policy
        self._rng = rng or random.Random()
        self.failures = 0

    def next_delay(self) -> float:
        p = self.policy
        ceiling = min(p.cap_s, p.first_s * p.factor ** min(self.failures, 32))
        self.failures += 1
        return ceiling * (1 - p.jitter * self._rng.random())

    def connected_for(self, seconds: float) -> None:
        if seconds >= self.policy.steady_s:
            self.failures = 0


class MinInterval:
    """At most one call per `interval_s` (a platform API's documented request limit)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._last: float | None = None

    def wait_s(self, now: float) -> float:
        return 0.0 if self._last is None else max(0.0, self._last + self.interval_s - now)

    def mark(self, now: float) -> None:
        self._last = now
