"""What the Douyin and webhook receivers share: checking a push's time, and answering it."""
from __future__ import annotations

from .http_receiver import HttpReply


def stale(timestamp_s: float, now_s: float, window_s: float) -> bool:
    """True when a signed push is older (or newer) than the window: a captured request replayed later."""
    return abs(now_s - timestamp_s) > window_s


def refuse(status: int, error: str) -> HttpReply:
    return HttpReply(status, {"ok": False, "error": error})


def accepted(delivered: int, duplicates: int, skipped: int = 0) -> HttpReply:
    return HttpReply(200, {"ok": True, "accepted": delivered, "duplicates": duplicates, "skipped": skipped})
