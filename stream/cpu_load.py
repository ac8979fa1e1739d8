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
OVERLOADED = 2.0  # from here the show sheds work ahead of air time so answers get the CPU
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


def overloaded() -> bool:
    return slowdown() >= OVERLOADED
