"""What the host remembers of each viewer's last question, so "那三段呢" and "它能退吗" are read
against it. Bounded: the least recently heard viewers are forgotten first."""
from __future__ import annotations

from collections import OrderedDict

from .understanding import ViewerContext


class ViewerMemory:
    def __init__(self, capacity: int = 2000, horizon_s: float = 60.0) -> None:
        self._capacity = capacity
        self._horizon_s = horizon_s  # a question older than this is not what "它" points at any more
        self._last: OrderedDict[str, tuple[float, tuple[str, ...], str, tuple[str, ...]]] = OrderedDict()

    def context(self, user: str, on_screen: str | None, now: float) -> ViewerContext:
        last = self._last.get(user)
        if last is None or now - last[0] > self._horizon_s:
            return ViewerContext(on_screen)
        return ViewerContext(on_screen, last[1], last[2], last[3])

    def remember(self, user: str, skus: tuple[str, ...], text: str, now: float, sources: tuple[str, ...] = ()) -> None:
        """The viewer's question, the products its answer was about and the facts it cited."""
        if not skus:
            return
        self._last[user] = (now, skus, text, sources)
        self._last.move_to_end(user)
        while len(self._last) > self._capacity:
            self._last.popitem(last=False)
