"""How oversubscribed the machine's CPUs are right now, as a slowdown factor (1.0: idle enough
that work runs at full speed; 4.0: work takes about four times as long).

From the kernel's CPU pressure (the share of the last 10 s in which runnable tasks waited for a
CPU; /proc/pressure/cpu) where it exists, else the 1-minute load average over the CPU count.
Pressure answers within seconds of a load arriving; the load average takes a minute.
"""
from __future__ import annotations

import os
from pathlib import Path

_PRESSURE = Path("/proc/pressure/cpu")
LEVEL_FROM = (1.5, 2.5, 4.0)  # slowdown at which load levels 1 (lean render), 2 (no fillers), 3 (answers only) start
CALM_SAMPLES = 10  # a level is left only after this many samples below it: no flapping
MAX_FACTOR = 8.0  # beyond this the machine is not slow but stuck: a hung engine must still be noticed


def _from_pressure() -> float | None:
    try:
        first = _PRESSURE.read_text(encoding="ascii").splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = dict(part.split("=", 1) for part in first.split()[1:] if "=" in part)
    try:
        waiting = float(fields["avg10"]) / 100.0
    except (KeyError, ValueError):
        return None
    return 1.0 / max(1.0 - waiting, 1.0 / MAX_FACTOR)


def _from_load_average() -> float | None:
    try:
        one_minute = os.getloadavg()[0]
    except OSError:
        return None
    return max(1.0, one_minute / (os.cpu_count() or 1))


def slowdown() -> float:
    """1.0 or more; the larger of what pressure and load average say, capped at MAX_FACTOR."""
    factors = [f for f in (_from_pressure(), _from_load_average()) if f is not None]
    return min(max(factors, default=1.0), MAX_FACTOR)


class LoadLevels:
    """Slowdown samples (one a second) to a load level 0-3: up at once, down one step after
    CALM_SAMPLES calm samples."""

    def __init__(self) -> None:
        self.level = 0
        self._calm = 0

    def sample(self, factor: float) -> int:
        wanted = sum(1 for start in LEVEL_FROM if factor >= start)
        if wanted > self.level:
            self.level, self._calm = wanted, 0
        elif wanted < self.level:
            self._calm += 1
            if self._calm >= CALM_SAMPLES:
                self.level, self._calm = self.level - 1, 0
        else:
            self._calm = 0
        return self.level
