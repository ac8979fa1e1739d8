"""The rendered frames waiting for air time: a bounded FIFO between the render stage and the pacer.

Unlike queue.Queue, a producer waiting for room can be woken early (`nudge`) so it can take new
chat between frames, and the newest frames can be taken back (`withdraw`) when a cut makes them
wrong before they air.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class FrameBuffer(Generic[T]):
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a frame buffer holds at least one frame, not {size}")
        self._size = size
        self._items: deque[T] = deque()
        self._changed = threading.Condition()
        self._nudged = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T, timeout: float, accept: Callable[[], bool] = lambda: True) -> bool:
        """Append once there is room and `accept()` (checked under the lock) still holds. False
        when `timeout` passed, `nudge` was called first, or `accept()` said no (the caller still
        holds `item`)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._items) >= self._size:
                if self._nudged:
                    self._nudged = False
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            self._nudged = False
            if not accept():
                return False
            self._items.append(item)
            self._changed.notify_all()
            return True

    def get(self, timeout: float) -> T | None:
        """The oldest item, or None when none arrives within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._items:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            item = self._items.popleft()
            self._changed.notify_all()
            return item

    def wait_full(self, timeout: float) -> bool:
        """Wait until the buffer is full; False when `timeout` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._items) >= self._size, timeout)

    def nudge(self) -> None:
        """Wake a `put` waiting for room (or make the next full `put` return at once)."""
        with self._changed:
            self._nudged = True
            self._changed.notify_all()

    def withdraw(self, count: int, keep: int = 0) -> int:
        """Take back up to `count` of the newest items, leaving at least the oldest `keep`."""
        with self._changed:
            taken = max(0, min(count, len(self._items) - keep))
            for _ in range(taken):
                self._items.pop()
            if taken:
                self._changed.notify_all()
            return taken

    def clear(self) -> None:
        with self._changed:
            self._items.clear()
            self._changed.notify_all()
