"""Douyin's live data push (open platform, 直播间数据开放), as a ChatSource: an HTTPS callback receiver.

An approved app starts a push task per room and message type; Douyin then POSTs each batch to
the app's callback with headers x-nonce-str, x-timestamp (ms), x-roomid, x-msg-type and
x-signature = base64(md5("k=v&k=v…" of those four headers sorted by name + body + secret)).
Pushes may repeat and may be lost; repeats are dropped by msg_id. Douyin counts a reply that
is not 2xx within 2 s as a failure and stops pushing after ten in a row, so only a forged or
stale push is refused; a batch we cannot use is acknowledged and logged once per kind.
Put a TLS proxy in front (Douyin calls HTTPS only); this listens on plain HTTP.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from .callbacks import SignedReceiverSource, accepted, refuse, stale
from .credentials import Secret
from .events import PlatformEvent, pseudonym, visible_nick
from .http_receiver import HttpReply, HttpRequest

log = logging.getLogger("livehost.chat.douyin")
PLATFORM = "douyin"
SIGNED_HEADERS = ("x-msg-type", "x-nonce-str", "x-roomid", "x-timestamp")
MESSAGE_TYPES = {"live_comment": "comment", "live_gift": "gift", "live_like": "like", "live_fansclub": "follow"}
MAX_BATCH = 1000


def douyin_signature(headers: dict[str, str], body: bytes, secret: str) -> str:
    signed = "&".join(f"{name}={headers.get(name, '')}" for name in sorted(SIGNED_HEADERS))
    return base64.b64encode(hashlib.md5(signed.encode("utf-8") + body + secret.encode("utf-8")).digest()).decode()


@dataclass(frozen=True)
class DouyinSettings:
    secret: Secret = field(repr=False)  # the push secret from the app's 开发配置
    room_id: str = ""  # when set, pushes for any other room are refused
    host: str = "127.0.0.1"
    port: int = 8766
    path: str = "/douyin/live"
    window_s: float = 600.0  # x-timestamp this far from now is a replay
    gift_names: dict[str, str] = field(default_factory=dict)  # sec_gift_id -> the name the host says


class DouyinSource(SignedReceiverSource):
    what = "pushes"

    def __init__(self, settings: DouyinSettings, wall_clock: Callable[[], float] = time.time) -> None:
        super().__init__(f"douyin room {settings.room_id or '(any)'}", settings.path, settings.host, settings.port,
                         wall_clock, log)
        self.settings = settings

    def _accept(self, request: HttpRequest) -> HttpReply:
        kind = MESSAGE_TYPES.get(request.headers["x-msg-type"])
        if kind is None:
            self._problems.report(f"message type {request.headers['x-msg-type'][:40]}", "not a chat event")
            return accepted(0, 0, 1)
        try:
            items = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._problems.report("body not JSON", f"{len(request.body)} bytes")
            return refuse(400, "body is not JSON")
        items = [items] if isinstance(items, dict) else items
        if not isinstance(items, list) or len(items) > MAX_BATCH:
            self._problems.report("body not a list of messages")
            return refuse(400, f"body must be a JSON list of at most {MAX_BATCH} messages")
        delivered = duplicates = skipped = 0
        assert self._relay is not None
        for item in items:
            event = self._event(kind, item)
            if event is None:
                skipped += 1
            elif self._relay.offer(event):
                delivered += 1
            else:
                duplicates += 1
        return accepted(delivered, duplicates, skipped)

    def _check(self, request: HttpRequest) -> HttpReply | None:
        h = request.headers
        missing = [name for name in (*SIGNED_HEADERS, "x-signature") if not h.get(name)]
        if missing:
            return refuse(401, f"missing header: {', '.join(missing)}")
        expected = douyin_signature(h, request.body, self.settings.secret.value)
        if not hmac.compare_digest(expected.encode(), h["x-signature"].encode()):
            return refuse(401, "bad signature: x-signature does not match the body and the push secret")
        if not h["x-timestamp"].isdigit() or stale(int(h["x-timestamp"]) / 1000, self._wall_clock(),
                                                  self.settings.window_s):
            return refuse(401, f"stale push: x-timestamp more than {self.settings.window_s:.0f} s from now")
        if self.settings.room_id and h["x-roomid"] != self.settings.room_id:
            return refuse(403, "wrong room: x-roomid is not this show's room")
        return None

    def _event(self, kind: str, item: object) -> PlatformEvent | None:
        if not isinstance(item, dict):
            self._problems.report("message not an object")
            return None
        msg_id, user = item.get("msg_id"), item.get("sec_openid")
        if not isinstance(msg_id, str) or not msg_id or not isinstance(user, str) or not user:
            self._problems.report(f"{kind} without msg_id or sec_openid")
            return None
        text = ""
        if kind == "comment":
            text = item.get("content")
            if not isinstance(text, str) or not text.strip():
                self._problems.report("comment without content")
                return None
        elif kind == "gift":
            gift_id = item.get("sec_gift_id")
            text = self.settings.gift_names.get(gift_id, "") if isinstance(gift_id, str) else ""
        return PlatformEvent(PLATFORM, msg_id, kind, pseudonym(PLATFORM, user), visible_nick(item.get("nickname")), text)
