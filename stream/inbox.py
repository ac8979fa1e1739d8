"""What reaches the show producer from other threads, in two lanes, and the newest catalog.

Control lane: operator actions (stop, mode, persona, pins, lines) and catalog edits. The show
thread drains it whole before every frame and before it reads any chat, so an action the
console acknowledged never waits behind chat and is never dropped. It holds only what an
operator with the console token or the runtime itself put there; the console refuses new
actions while `pending_controls` is over its limit.

Chat lane: a bounded `ChatQueue` (stream.admission) read a few events a frame; a flood sheds
its oldest chat instead of building a backlog in front of new questions.

Catalog edits are transactions: `commit(edit)` applies `edit` to the newest catalog, which
already holds every edit committed before it (taken by the show thread yet or not), one
commit at a time. The show thread then takes whatever catalog is newest when it gets to it.
So an edit built on a stale copy cannot exist, and none is lost.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from script.catalog import Catalog
from script.chat import ChatEvent

from .admission import CHAT_QUEUE_EVENTS, ChatQueue

if TYPE_CHECKING:
    from script.answers import Answerer

CatalogEdit = Callable[[Catalog], Catalog]


class ShowInbox:
    def __init__(self, catalog: Catalog, answerer: "Answerer", chat_capacity: int = CHAT_QUEUE_EVENTS) -> None:
        self._lock = threading.Lock()  # the lanes and the head; held only briefly
        self._commit_lock = threading.Lock()  # one catalog transaction at a time (held while indexing facts)
        self._chat = ChatQueue(chat_capacity)
        self._controls: list[Callable] = []
        self._head: tuple[Catalog, Answerer] = (catalog, answerer)

    @property
    def head(self) -> "tuple[Catalog, Answerer]":
        """The newest catalog and its answerer (what the next frame will take)."""
        with self._lock:
            return self._head

    def commit(self, edit: CatalogEdit) -> "tuple[Catalog, Answerer]":
        """Apply `edit` to the newest catalog and make the result the newest. Runs on the caller's
        thread: the new facts are indexed here, never on the show thread. Raises what `edit`
        raises, and then nothing has changed."""
        with self._commit_lock:
            catalog, answerer = self.head
            edited = edit(catalog)
            head = (edited, answerer.with_catalog(edited))
            with self._lock:
                self._head = head
        return head

    def put_chat(self, event: ChatEvent) -> bool:
        """Queue chat; True when nothing was waiting before it (the show thread should wake)."""
        with self._lock:
            first = len(self._chat) == 0
            self._chat.put(event)
        return first

    def put_control(self, control: Callable) -> None:
        with self._lock:
            self._controls.append(control)

    def waiting(self, chat_budget: int) -> bool:
        """Controls, or chat this frame may still read, are waiting."""
        with self._lock:
            return bool(self._controls) or (chat_budget > 0 and len(self._chat) > 0)

    def take(self, chat_budget: int) -> tuple[list[Callable], list[ChatEvent]]:
        """Every control, then at most `chat_budget` chat events, oldest first."""
        with self._lock:
            controls, self._controls = self._controls, []
            return controls, self._chat.take(max(0, chat_budget))

    def absorb(self, other: "ShowInbox") -> None:
        """A restarted stage's fresh producer takes this inbox over: whatever reached `other`
        first (the fresh one's own) queues after what waits here. The head stays this one's, the
        newest (a fresh producer starts from a catalog read earlier)."""
        with other._lock:
            controls, other._controls = other._controls, []
            chat = other._chat.take(len(other._chat))
        with self._lock:
            self._controls.extend(controls)
            for event in chat:
                self._chat.put(event)

    @property
    def pending_controls(self) -> int:
        with self._lock:
            return len(self._controls)

    def chat_stats(self) -> tuple[int, dict[str, int], int]:
        """(chat waiting, chat shed by kind, chat merged) for /metrics."""
        with self._lock:
            return len(self._chat), dict(self._chat.shed), self._chat.merged
