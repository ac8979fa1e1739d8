"""Platform message ids seen lately, bounded: a redelivered or replayed message is let through once."""
from __future__ import annotations

from collections import OrderedDict


class RecentIds:
    """Most recently seen ids first out when full. An id may expire (`ttl_s`): one derived from a
    message's content (platforms that give likes no id) must not hide the same viewer's next like."""

    def __init__(self, capacity: int = 20_000) -> None:
        if capacity < 1:
            raise ValueError("RecentIds holds at least one id")
        self.capacity = capacity
        self._ids: OrderedDict[str, float] = OrderedDict()  # id -> expiry (inf: never)

    def first_time(self, message_id: str, now: float = 0.0, ttl_s: float | None = None) -> bool:
        """True the first time an id is offered (and remembers it); False for a repeat."""
        expiry = self._ids.get(message_id)
        if expiry is not None and now < expiry:
            self._ids.move_to_end(message_id)
            return False
        self._ids[message_id] = float("inf") if ttl_s is None else now + ttl_s
        self._ids.move_to_end(message_id)
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)
