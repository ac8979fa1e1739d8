"""A signed webhook any platform bridge can post chat events to, as a ChatSource.

POST a DESIGN.md chat event, or a JSON list of them, each with an `id` unique per message:

    X-Livehost-Timestamp: 1733600000                     (unix seconds, within 5 minutes of now)
    X-Livehost-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

A wrong or missing signature or a stale timestamp is refused (401); a repeated id is
acknowledged and dropped, so a bridge may retry safely. The bridge's user ids are hashed like
any platform's. `t` is stamped on arrival.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from script.chat import ChatFormatError, parse_chat_event

from .callbacks import SignedReceiverSource, accepted, refuse, stale
from .credentials import Secret
from .events import PlatformEvent, pseudonym, visible_nick
from .http_receiver import HttpReply, HttpRequest

log = logging.getLogger("livehost.chat.webhook")
TIMESTAMP_HEADER = "x-livehost-timestamp"
SIGNATURE_HEADER = "x-livehost-signature"
MAX_BATCH = 500
MAX_ID_CHARS = 128


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                                hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookSettings:
    secret: Secret = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8767
    path: str = "/chat"
    window_s: float = 300.0
    name: str = "webhook"


class WebhookSource(SignedReceiverSource):
    what = "signed chat"

    def __init__(self, settings: WebhookSettings, wall_clock: Callable[[], float] = time.time) -> None:
        super().__init__(settings.name, settings.path, settings.host, settings.port, wall_clock, log)
        self.settings = settings

    def _accept(self, request: HttpRequest) -> HttpReply:
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return refuse(400, "body is not JSON")
        items = data if isinstance(data, list) else [data]
        if len(items) > MAX_BATCH:
            return refuse(413, f"more than {MAX_BATCH} events in one post")
        assert self._relay is not None
        delivered = duplicates = 0
        errors = []
        for i, item in enumerate(items):
            try:
                event = self._event(item)
            except ChatFormatError as exc:
                errors.append(f"event {i}: {exc}")
                self._problems.report("malformed event", str(exc)[:120])
                continue
            if self._relay.offer(event):
                delivered += 1
            else:
                duplicates += 1
        reply = accepted(delivered, duplicates, len(errors))
        if errors:
            reply.body["errors"] = errors[:20]
        return reply

    def _check(self, request: HttpRequest) -> HttpReply | None:
        stamp, given = request.headers.get(TIMESTAMP_HEADER, ""), request.headers.get(SIGNATURE_HEADER, "")
        if not stamp or not given:
            return refuse(401, f"missing header: {TIMESTAMP_HEADER if not stamp else SIGNATURE_HEADER}")
        if not stamp.isdigit():
            return refuse(401, f"bad timestamp: {TIMESTAMP_HEADER} must be unix seconds")
        expected = webhook_signature(self.settings.secret.value, stamp, request.body)
        if not hmac.compare_digest(expected.encode(), given.encode()):
            return refuse(401, "bad signature: HMAC-SHA256 of '<timestamp>.<body>' with the shared secret, as sha256=<hex>")
        if stale(int(stamp), self._wall_clock(), self.settings.window_s):
            return refuse(401, f"stale post: {TIMESTAMP_HEADER} more than {self.settings.window_s:.0f} s from now")
        return None

    def _event(self, item: object) -> PlatformEvent:
        if not isinstance(item, dict):
            raise ChatFormatError("an event must be a JSON object")
        message_id = item.get("id")
        if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_ID_CHARS:
            raise ChatFormatError(f"field 'id' is required: a string of 1 to {MAX_ID_CHARS} characters unique per message")
        event = parse_chat_event(json.dumps(item, ensure_ascii=False), arrived_at=0.0)
        platform = event.platform or "webhook"
        return PlatformEvent(platform, message_id, event.type, pseudonym(platform, event.user), visible_nick(event.nick),
                             event.text)
