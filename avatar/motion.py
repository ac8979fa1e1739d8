"""Idle motion as pure functions of the frame index: the same frame always looks the same."""
from __future__ import annotations

from enum import IntEnum


class EyeState(IntEnum):
    OPEN = 0
    HALF = 1
    CLOSED = 2


BLINK_PERIOD = 100  # frames (4 s at 25 fps) between blinks on average
BLINK_JITTER = 15  # +- frames, so blinks do not tick like a metronome
FIRST_BLINK = 50
BREATH_PERIOD = 110  # frames (4.4 s)

_SHORT_BLINK = (EyeState.HALF, EyeState.CLOSED, EyeState.HALF)
_LONG_BLINK = (EyeState.HALF, EyeState.CLOSED, EyeState.CLOSED, EyeState.HALF)


def _mix(n: int) -> int:
    """A fixed integer hash (Python's hash() is salted per process)."""
    x = (n * 0x9E3779B1 + 0x7F4A7C15) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    x ^= x >> 13
    return x


def blink_start(n: int) -> int:
    return FIRST_BLINK + n * BLINK_PERIOD + _mix(n) % (2 * BLINK_JITTER + 1) - BLINK_JITTER


def blink_frames(n: int) -> tuple[EyeState, ...]:
    return _LONG_BLINK if _mix(n) & 0x100 else _SHORT_BLINK


def eye_state(index: int) -> EyeState:
    if index < 0:
        return EyeState.OPEN
    guess = (index - FIRST_BLINK) // BLINK_PERIOD
    for n in (guess - 1, guess, guess + 1):
        if n < 0:
            continue
        offset = index - blink_start(n)
        frames = blink_frames(n)
        if 0 <= offset < len(frames):
            return frames[offset]
    return EyeState.OPEN


GAZE_PERIOD = 90  # frames between glances on average
GAZE_HOLD = 22  # frames a glance lasts


def gaze_at(index: int) -> int:
    """-1 / 0 / +1: a short glance to one side now and then, otherwise at the camera."""
    if index < 0:
        return 0
    n = index // GAZE_PERIOD
    start = n * GAZE_PERIOD + 20 + _mix(n + 7919) % (GAZE_PERIOD - GAZE_HOLD - 20)
    if start <= index < start + GAZE_HOLD and _mix(n) % 3:
        return -1 if _mix(n + 104729) & 1 else 1
    return 0


def idle_phase(index: int, phases: int) -> int:
    """Position in the breathing-and-sway cycle, 0 .. phases-1 (cyclic)."""
    return (index % BREATH_PERIOD) * phases // BREATH_PERIOD
