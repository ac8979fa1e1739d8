"""Getting onto a Bilibili room's danmaku websocket: which servers, and what to authenticate with.

Two routes. The web route (a viewer's, optionally with a logged-in cookie; without one names
arrive masked and uids 0): resolve the room's real id, ask getDanmuInfo (WBI-signed, see
bilibili_wbi) for a token and the servers. The open-platform route (what a business should use:
an app's access key id and secret, and the streamer's 身份码): a signed POST to v2/app/start
returns the servers and the auth body, v2/app/heartbeat keeps the session every 20 s, v2/app/end
closes it.

Request building and response reading are pure; HTTP goes through an injected `HttpJson`.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Awaitable, Callable
from urllib.parse import urlencode

from .credentials import Secret, cookie_fields

WEB_API = "https://api.live.bilibili.com"
OPEN_API = "https://live-open.biliapi.com"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) livehost"
MAX_RESPONSE_BYTES = 1 << 20

HttpJson = Callable[[str, str, dict, bytes | None], Awaitable[dict]]  # (method, url, headers, body) -> JSON


class AuthError(RuntimeError):
    """The platform refused us (bad key, bad 身份码, room closed): retrying soon will not help much."""


@dataclass(frozen=True)
class ConnectInfo:
    urls: tuple[str, ...]
    auth_body: str = field(repr=False)  # carries a token
    game_id: str = ""  # open platform session, kept alive by app heartbeats
    room_id: int = 0


async def urllib_json(method: str, url: str, headers: dict, body: bytes | None, timeout_s: float = 10.0) -> dict:
    """The default HttpJson: urllib on a worker thread (no new dependency for two requests a session)."""
    def call() -> dict:
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise ConnectionError(f"{method} {url.split('?')[0]}: HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ConnectionError(f"{method} {url.split('?')[0]}: {getattr(exc, 'reason', exc)}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise ConnectionError(f"{method} {url.split('?')[0]}: response over {MAX_RESPONSE_BYTES} bytes")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ConnectionError(f"{method} {url.split('?')[0]}: response is not JSON") from None
        if not isinstance(data, dict):
            raise ConnectionError(f"{method} {url.split('?')[0]}: response is not a JSON object")
        return data
    return await asyncio.to_thread(call)


def _data(reply: dict, what: str) -> dict:
    code = reply.get("code")
    if code != 0:
        raise AuthError(f"{what} refused: code {code}, {str(reply.get('message') or reply.get('msg') or '')[:120]}")
    data = reply.get("data")
    if not isinstance(data, dict):
        raise ConnectionError(f"{what}: reply has no data object")
    return data


# --- web route ---------------------------------------------------------------------------------

def web_headers(cookie: Secret | None) -> dict:
    headers = {"User-Agent": USER_AGENT, "Referer": "https://live.bilibili.com/"}
    if cookie is not None:
        headers["Cookie"] = cookie.value
    return headers


def room_init_url(room_id: int, api: str = WEB_API) -> str:
    return f"{api}/room/v1/Room/room_init?{urlencode({'id': room_id})}"


def danmu_info_params(real_room_id: int) -> dict:
    # web_location as the room page sends it (bilibili-API-collect docs/live/message_stream.md).
    return {"id": real_room_id, "type": 0, "web_location": "444.8"}


def danmu_info_url(signed_query: str, api: str = WEB_API) -> str:
    """getDanmuInfo with its WBI-signed query (bilibili_wbi.WbiKeys.signed)."""
    return f"{api}/xlive/web-room/v1/index/getDanmuInfo?{signed_query}"


def real_room_id(reply: dict) -> int:
    room = _data(reply, "room_init").get("room_id")
    if isinstance(room, bool) or not isinstance(room, int) or room <= 0:
        raise ConnectionError("room_init: no room_id in the reply")
    return room


def web_auth_body(room_id: int, token: str, cookie: Secret | None) -> str:
    fields = cookie_fields(cookie.value) if cookie is not None else {}
    uid = fields.get("DedeUserID", "0")
    body = {"uid": int(uid) if uid.isdigit() else 0, "roomid": room_id, "protover": 3, "platform": "web", "type": 2,
            "key": token}
    if fields.get("buvid3"):
        body["buvid"] = fields["buvid3"]
    return json.dumps(body, separators=(",", ":"))


def web_connect_info(reply: dict, room_id: int, cookie: Secret | None) -> ConnectInfo:
    data = _data(reply, "getDanmuInfo")
    token = data.get("token")
    if not isinstance(token, str):
        raise ConnectionError("getDanmuInfo: no token in the reply")
    urls = tuple(f"wss://{h['host']}:{h.get('wss_port', 443)}/sub" for h in data.get("host_list") or []
                 if isinstance(h, dict) and isinstance(h.get("host"), str))
    return ConnectInfo(urls or ("wss://broadcastlv.chat.bilibili.com:443/sub",), web_auth_body(room_id, token, cookie),
                       room_id=room_id)


# --- open platform route -----------------------------------------------------------------------

def open_headers(body: bytes, key_id: Secret, key_secret: Secret, timestamp: int, nonce: str) -> dict:
    """The x-bili-* headers and their HMAC-SHA256 signature (hex, in Authorization)."""
    signed = {
        "x-bili-accesskeyid": key_id.value,
        "x-bili-content-md5": hashlib.md5(body).hexdigest(),
        "x-bili-signature-method": "HMAC-SHA256",
        "x-bili-signature-nonce": nonce,
        "x-bili-signature-version": "1.0",
        "x-bili-timestamp": str(timestamp),
    }
    text = "\n".join(f"{k}:{signed[k]}" for k in sorted(signed))
    signature = hmac.new(key_secret.value.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()
    return {**signed, "Authorization": signature, "Content-Type": "application/json", "Accept": "application/json"}


def open_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def open_connect_info(reply: dict) -> ConnectInfo:
    data = _data(reply, "app/start")
    info = data.get("websocket_info") or {}
    auth_body, links = info.get("auth_body"), info.get("wss_link")
    if not isinstance(auth_body, str) or not isinstance(links, list) or not links:
        raise ConnectionError("app/start: no websocket_info.auth_body / wss_link in the reply")
    game = (data.get("game_info") or {}).get("game_id", "")
    room = (data.get("anchor_info") or {}).get("room_id", 0)
    return ConnectInfo(tuple(str(link) for link in links), auth_body, game if isinstance(game, str) else "",
                       room if isinstance(room, int) else 0)


def check_open_reply(reply: dict, what: str) -> None:
    if reply.get("code") != 0:
        raise AuthError(f"{what} refused: code {reply.get('code')}, {str(reply.get('message') or '')[:120]}")
