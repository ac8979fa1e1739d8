"""How much other work on this machine slows the show down, as a factor (1.0: the CPUs are the
show's; 4.0: other processes take about three quarters of them, so the show's work takes about
four times as long).

Measured as the share of all CPU time that went to other processes since the last reading
(/proc/stat minus this process's own time in /proc/self/stat), so the show's own busy threads
never count as overload: on two cores a show synthesizing ahead keeps them busy by design.
Where /proc is missing, the 1-minute load average over the CPU count stands in.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

LEVEL_FROM = (1.5, 2.5, 4.0)  # slowdown at which load levels 1 (lean render), 2 (no fillers), 3 (answers only) start
CALM_SAMPLES = 10  # a level is left only after this many samples below it: no flapping
MAX_FACTOR = 8.0  # beyond this the machine is not slow but stuck: a hung engine must still be noticed
MIN_WINDOW_S = 0.5  # shorter windows are too coarse in clock ticks: the last reading stands


def _machine_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine since boot."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    total = sum(fields[:8])  # guest time is already inside user time
    return total - idle, total


def _own_ticks() -> int | None:
    """CPU ticks this process's threads used (children not included)."""
    try:
        text = Path("/proc/self/stat").read_text(encoding="ascii")
        fields = text[text.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, ValueError, IndexError):
        return None


def _from_load_average() -> float:
    try:
        return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:
        return 1.0


class OthersShare:
    """The slowdown from other processes' CPU use over the window since the last reading."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[float, int, int, int] | None = None
        self._factor = 1.0

    def read(self) -> float:
        machine, own = _machine_ticks(), _own_ticks()
        if machine is None or own is None:
            return min(_from_load_average(), MAX_FACTOR)
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last[0] < MIN_WINDOW_S:
                return self._factor
            if self._last is not None:
                _, busy0, total0, own0 = self._last
                elapsed = machine[1] - total0
                if elapsed > 0:
                    others = max(0, (machine[0] - busy0) - (own - own0)) / elapsed
                    self._factor = min(1.0 / max(1.0 - others, 1.0 / MAX_FACTOR), MAX_FACTOR)
            self._last = (now, machine[0], machine[1], own)
            return self._factor


_SHARED = OthersShare()


def slowdown() -> float:
    """1.0 or more, capped at MAX_FACTOR."""
    return _SHARED.read()


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
