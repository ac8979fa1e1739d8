"""Chat admission: who may put chat into the show, and how much of it waits.

Pure: no sockets, no threads, no clock (times are passed in), so a flood can be replayed in a
test in microseconds.

- `Admission`: a token bucket per client (one websocket connection) and one for the whole room.
  A client that has been quiet (nothing from it for `quiet_s`) may still draw on a reserve of
  the room's bucket that busy clients cannot touch, so a viewer's one question gets in while
  many other connections flood at their limit.
- `ChatQueue`: the chat accepted but not yet read by the director, at most `capacity` events.
  A repeat of a message still waiting (same viewer, same type and text) is merged into it; when
  full, the oldest reaction (gift, enter, like, follow) is shed first, then the oldest comment:
  the freshest questions are the ones worth answering, so a backlog never builds up in front
  of them.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Hashable

from script.chat import ChatEvent

CHAT_QUEUE_EVENTS = 64  # four frames of reading (16 a frame): ~160 ms of chat waiting at most
_REACTIONS = frozenset({"gift", "enter", "like", "follow"})


@dataclass(frozen=True)
class ChatLimits:
    client_rate: float = 1.0  # messages/s one connection may keep up: a viewer typing fast on a phone
    client_burst: float = 3.0  # a few lines in a row ("在吗" "这个多少钱" "有优惠吗")
    room_rate: float = 200.0  # all connections together; the director reads up to 400/s
    room_burst: float = 400.0
    quiet_reserve: float = 0.25  # share of the room's burst only quiet clients may use
    quiet_s: float = 2.0  # a client with nothing accepted for this long is quiet (a viewer, not a flood)

    def __post_init__(self) -> None:
        for name in ("client_rate", "client_burst", "room_rate", "room_burst"):
            if not getattr(self, name) > 0:
                raise ValueError(f"chat limit {name} must be > 0, got {getattr(self, name)!r}")
        if self.client_burst < 1 or self.room_burst < 1:
            raise ValueError("chat bursts must allow at least one message")
        if not 0 <= self.quiet_reserve < 1:
            raise ValueError(f"quiet_reserve must be in [0, 1), got {self.quiet_reserve!r}")
        if not self.quiet_s >= 0:
            raise ValueError(f"quiet_s must be >= 0, got {self.quiet_s!r}")


class TokenBucket:
    """`rate` tokens a second up to `burst`; one message takes one token."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self._last = now
        self.last_taken: float | None = None

    def refill(self, now: float) -> float:
        if now > self._last:  # a clock that steps back never adds tokens
            self.tokens = min(self.burst, self.tokens + (now - self._last) * self.rate)
            self._last = now
        return self.tokens

    def can_take(self, now: float, keep: float = 0.0) -> bool:
        """True when a token is there without going below `keep`."""
        return self.refill(now) - 1 >= keep

    def take(self, now: float) -> None:
        self.tokens -= 1
        self.last_taken = now

    def wait_for(self, keep: float = 0.0) -> float:
        """Seconds until a token is there above `keep` (after the last refill)."""
        return max(0.0, (keep + 1 - self.tokens) / self.rate)


@dataclass(frozen=True)
class Refusal:
    reason: str
    retry_after_s: float
    scope: str  # "client" or "room"

    def reply(self) -> dict:
        """The frame sent back to the client instead of {"ok": true}."""
        return {"ok": False, "error": f"rate limited: {self.reason}; send again in {self.retry_after_s:.1f} s",
                "retry_after_s": round(self.retry_after_s, 3)}


class Admission:
    def __init__(self, limits: ChatLimits | None = None) -> None:
        self.limits = limits or ChatLimits()
        self._clients: dict[Hashable, TokenBucket] = {}
        self._room: TokenBucket | None = None
        self.refused = {"client": 0, "room": 0}

    def admit(self, client: Hashable, now: float, client_limit: tuple[float, float] | None = None) -> Refusal | None:
        """None when the message may go in (its tokens are taken), else why not. `client_limit`
        (rate, burst) replaces the per-connection limit for a client that relays a whole platform
        room (a chat source); the room's limit is shared by every client and source alike."""
        limits = self.limits
        if self._room is None:
            self._room = TokenBucket(limits.room_rate, limits.room_burst, now)
        bucket = self._clients.get(client)
        if bucket is None:
            rate, burst = client_limit or (limits.client_rate, limits.client_burst)
            bucket = self._clients[client] = TokenBucket(rate, burst, now)
        quiet = bucket.last_taken is None or now - bucket.last_taken >= limits.quiet_s
        if not bucket.can_take(now):
            return self._refuse("client", f"more than {bucket.rate:g} messages/s from this "
                                          f"{'source' if client_limit else 'connection'}", bucket.wait_for())
        keep = 0.0 if quiet else limits.quiet_reserve * limits.room_burst
        if not self._room.can_take(now, keep):
            return self._refuse("room", f"the room is over {limits.room_rate:g} messages/s",
                                self._room.wait_for(keep))
        bucket.take(now)
        self._room.take(now)
        return None

    def _refuse(self, scope: str, reason: str, wait: float) -> Refusal:
        self.refused[scope] += 1
        return Refusal(reason, wait, scope)

    def forget(self, client: Hashable) -> None:
        """The client disconnected: its bucket goes (memory stays bounded by open connections)."""
        self._clients.pop(client, None)


def _key(event: ChatEvent) -> tuple[str, str, str]:
    return (event.type, event.user, event.text)


class ChatQueue:
    """Bounded chat waiting for the director, oldest first. Not thread-safe (see stream.inbox)."""

    def __init__(self, capacity: int = CHAT_QUEUE_EVENTS) -> None:
        if capacity < 1:
            raise ValueError("a chat queue holds at least one event")
        self.capacity = capacity
        self._seq = itertools.count()
        self._comments: deque[tuple[int, ChatEvent]] = deque()
        self._reactions: deque[tuple[int, ChatEvent]] = deque()
        self._waiting: set[tuple[str, str, str]] = set()  # keys of the queued events (each at most once)
        self.shed = {"comment": 0, "reaction": 0}  # dropped unread: newer chat needed the room
        self.merged = 0  # folded into the same message still waiting

    def __len__(self) -> int:
        return len(self._comments) + len(self._reactions)

    def put(self, event: ChatEvent) -> None:
        key = _key(event)
        if key in self._waiting:
            self.merged += 1
            return
        if len(self) >= self.capacity:
            self._shed_oldest()
        lane = self._reactions if event.type in _REACTIONS else self._comments
        lane.append((next(self._seq), event))
        self._waiting.add(key)

    def _shed_oldest(self) -> None:
        if self._reactions:
            _, event = self._reactions.popleft()
            self.shed["reaction"] += 1
        else:
            _, event = self._comments.popleft()
            self.shed["comment"] += 1
        self._waiting.discard(_key(event))

    def take(self, limit: int) -> list[ChatEvent]:
        """Up to `limit` events, oldest first (comments and reactions in arrival order)."""
        taken: list[ChatEvent] = []
        while len(taken) < limit and (self._comments or self._reactions):
            if not self._reactions or (self._comments and self._comments[0][0] < self._reactions[0][0]):
                _, event = self._comments.popleft()
            else:
                _, event = self._reactions.popleft()
            self._waiting.discard(_key(event))
            taken.append(event)
        return taken
