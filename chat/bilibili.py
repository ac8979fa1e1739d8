"""A Bilibili live room's chat, as a ChatSource: the danmaku websocket, kept up.

Connect, send the auth packet, heartbeat every 30 s (and, on the open platform, keep the app
session alive every 20 s), read frames until the connection drops or goes silent, then
reconnect after a jittered, capped backoff, fetching fresh credentials first. Messages are
deduplicated by id across reconnects; malformed or unknown packets are logged once per kind.
Timing runs on the injected clock, so tests drive heartbeats and backoff without waiting.
"""
from __future__ import annotations

import asyncio
import logging
import random
import secrets as _random_tokens
import time
from dataclasses import dataclass, field
from typing import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from . import bilibili_auth as auth
from . import bilibili_wbi as wbi
from .backoff import Backoff, BackoffPolicy, Clock, MinInterval
from .bilibili_commands import CommandError, to_event
from .bilibili_wire import (AUTH_REPLY, COMMAND, HEARTBEAT_REPLY, MAX_FRAME_BYTES, FrameError, auth_packet,
                            decode_frame, heartbeat_packet)
from .credentials import Secret
from .source import Emit, OnceLog, Relay, RelayedSource, ShowTime

log = logging.getLogger("livehost.chat.bilibili")
ROUTES = ("web", "open")


@dataclass(frozen=True)
class BilibiliSettings:
    room_id: int = 0  # the room number in its address (web route; the open platform finds it from the 身份码)
    route: str = "web"  # "web" (cookie optional) or "open" (app keys and the streamer's 身份码)
    url: str | None = None  # a websocket to use instead of the platform's servers (a test server)
    web_api: str = auth.WEB_API
    nav_api: str = wbi.NAV_API  # where the WBI signing keys come from
    open_api: str = auth.OPEN_API
    cookie: Secret | None = field(default=None, repr=False)
    app_id: int = 0
    access_key_id: Secret | None = field(default=None, repr=False)
    access_key_secret: Secret | None = field(default=None, repr=False)
    auth_code: Secret | None = field(default=None, repr=False)  # 主播身份码
    heartbeat_s: float = 30.0
    app_heartbeat_s: float = 20.0  # the open platform ends a session after 60 s without one
    silence_s: float = 75.0  # nothing received this long (two missed heartbeat replies): reconnect
    api_interval_s: float = 5.0  # at most one credentials request this often, whatever the backoff says
    backoff: BackoffPolicy = BackoffPolicy()

    def __post_init__(self) -> None:
        if self.route not in ROUTES:
            raise ValueError(f"bilibili route must be one of {', '.join(ROUTES)}, got {self.route!r}")
        if self.route == "web" and self.room_id <= 0:
            raise ValueError("bilibili room_id must be a positive room number")
        if self.route == "open" and not (self.app_id > 0 and self.access_key_id and self.access_key_secret
                                         and self.auth_code):
            raise ValueError("the bilibili open platform needs app_id, access key id and secret, and the 身份码")


class BilibiliSource(RelayedSource):
    def __init__(self, settings: BilibiliSettings, clock: Clock, http: auth.HttpJson = auth.urllib_json,
                 rng: random.Random | None = None, wall_clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._wall_clock = wall_clock  # the open platform's signed timestamp is wall-clock time
        self.name = f"bilibili room {settings.room_id}" if settings.route == "web" else \
            f"bilibili open-platform app {settings.app_id}"
        self._clock = clock
        self._http = http
        self._wbi = wbi.WbiKeys(http, wall_clock, settings.nav_api)
        self._backoff = Backoff(settings.backoff, rng)
        self._api_pace = MinInterval(settings.api_interval_s)
        self._problems = OnceLog(log, self.name)
        self._task: asyncio.Task | None = None
        self._relay: Relay | None = None
        self._game_id = ""
        self.connects = 0
        self.popularity = 0
        self.auth_failures = 0

    async def start(self, emit: Emit, show_time: ShowTime) -> None:
        self._relay = Relay(emit, show_time, log, self.name)
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        await self._end_app_session()

    async def _run(self) -> None:
        while True:
            try:
                info = await self._connect_info()
                await self._session(info)
                reason = "connection closed"
            except auth.AuthError as exc:
                self.auth_failures += 1
                reason = str(exc)
            except (ConnectionError, OSError, ConnectionClosed, InvalidHandshake, InvalidURI, TimeoutError,
                    FrameError) as exc:
                reason = f"{type(exc).__name__}: {exc}"[:200]
            except Exception as exc:  # a bug here must cost a reconnect, not the show's chat for good
                if "unexpected error" not in self._problems.counts:
                    log.exception("%s: unexpected error; reconnecting", self.name)
                self._problems.report("unexpected error", type(exc).__name__, level=logging.DEBUG)
                reason = f"unexpected {type(exc).__name__}"
            delay = self._backoff.next_delay()
            log.warning("%s: %s; reconnecting in %.1f s (attempt %d)", self.name, reason, delay, self._backoff.failures)
            await self._clock.sleep_until(self._clock.now() + delay)

    async def _connect_info(self) -> auth.ConnectInfo:
        s = self.settings
        if s.route == "web" and s.url:
            return auth.ConnectInfo((s.url,), auth.web_auth_body(s.room_id, "", s.cookie), room_id=s.room_id)
        wait = self._api_pace.wait_s(self._clock.now())
        if wait > 0:
            await self._clock.sleep_until(self._clock.now() + wait)
        self._api_pace.mark(self._clock.now())
        if s.route == "web":
            headers = auth.web_headers(s.cookie)
            room = auth.real_room_id(await self._http("GET", auth.room_init_url(s.room_id, s.web_api), headers, None))
            info = auth.web_connect_info(await self._danmu_info(room, headers), room, s.cookie)
        else:
            await self._end_app_session()  # a stale session would make start refuse the same 身份码
            assert s.auth_code is not None
            reply = await self._open_post("/v2/app/start", {"code": s.auth_code.value, "app_id": s.app_id})
            info = auth.open_connect_info(reply)
            self._game_id = info.game_id
        return auth.ConnectInfo((s.url,), info.auth_body, info.game_id, info.room_id) if s.url else info

    async def _danmu_info(self, room: int, headers: dict) -> dict:
        """getDanmuInfo, WBI-signed; refused as unsigned (-352), once more with freshly fetched keys."""
        params, api = auth.danmu_info_params(room), self.settings.web_api
        reply = await self._http("GET", auth.danmu_info_url(await self._wbi.signed(params), api), headers, None)
        if reply.get("code") == wbi.REFUSED_UNSIGNED:
            log.info("%s: getDanmuInfo refused the signature (%d); fetching fresh WBI keys", self.name,
                     wbi.REFUSED_UNSIGNED)
            self._wbi.forget()
            reply = await self._http("GET", auth.danmu_info_url(await self._wbi.signed(params), api), headers, None)
        return reply

    async def _open_post(self, path: str, payload: dict) -> dict:
        s = self.settings
        assert s.access_key_id is not None and s.access_key_secret is not None
        body = auth.open_body(payload)
        headers = auth.open_headers(body, s.access_key_id, s.access_key_secret, int(self._wall_clock()),
                                    str(_random_tokens.randbelow(10**9)))
        return await self._http("POST", s.open_api + path, headers, body)

    async def _end_app_session(self) -> None:
        game, self._game_id = self._game_id, ""
        if not game:
            return
        try:
            reply = await self._open_post("/v2/app/end", {"app_id": self.settings.app_id, "game_id": game})
            auth.check_open_reply(reply, "app/end")
        except (auth.AuthError, ConnectionError, OSError) as exc:
            log.info("%s: ending the app session failed (%s); the platform ends it within 60 s", self.name, exc)

    async def _session(self, info: auth.ConnectInfo) -> None:
        url = info.urls[self._backoff.failures % len(info.urls)]
        async with connect(url, max_size=MAX_FRAME_BYTES, ping_interval=None, open_timeout=10,
                           user_agent_header=auth.USER_AGENT) as ws:
            self.connects += 1
            connected_at = self._last_heard = self._clock.now()
            await ws.send(auth_packet(info.auth_body))
            keepers = [asyncio.create_task(self._heartbeats(ws))]
            if info.game_id:
                keepers.append(asyncio.create_task(self._app_heartbeats(ws, info.game_id)))
            try:
                async for message in ws:
                    self._last_heard = self._clock.now()
                    self._receive(message)
            finally:
                for task in keepers:
                    task.cancel()
                await asyncio.gather(*keepers, return_exceptions=True)
                self._backoff.connected_for(self._clock.now() - connected_at)

    async def _heartbeats(self, ws: ClientConnection) -> None:
        """Heartbeat on schedule; a connection silent past `silence_s` is closed (then reconnected)."""
        s = self.settings
        beat = self._clock.now()
        while True:
            beat += min(s.heartbeat_s, s.silence_s)
            await self._clock.sleep_until(beat)
            if self._clock.now() - self._last_heard >= s.silence_s:
                log.warning("%s: nothing received for %.0f s; reconnecting", self.name, s.silence_s)
                await ws.close(code=1000, reason="silent")
                return
            try:
                await ws.send(heartbeat_packet())
            except ConnectionClosed:
                return

    async def _app_heartbeats(self, ws: ClientConnection, game_id: str) -> None:
        beat = self._clock.now()
        while True:
            beat += self.settings.app_heartbeat_s
            await self._clock.sleep_until(beat)
            try:
                auth.check_open_reply(await self._open_post("/v2/app/heartbeat", {"game_id": game_id}),
                                      "app/heartbeat")
            except auth.AuthError as exc:
                log.warning("%s: %s; starting a new app session", self.name, exc)
                await ws.close(code=1000, reason="app session ended")
                return
            except (ConnectionError, OSError) as exc:
                self._problems.report("app heartbeat failed", str(exc)[:120])

    def _receive(self, message: str | bytes) -> None:
        if isinstance(message, str):
            self._problems.report("text frame", f"{len(message)} characters")
            return
        try:
            packets = decode_frame(message)
        except FrameError as exc:
            self._problems.report(exc.kind, str(exc)[:160])
            return
        for packet in packets:
            try:
                self._packet(packet)
            except (FrameError, CommandError) as exc:
                self._problems.report(exc.kind, str(exc)[:160])

    def _packet(self, packet) -> None:
        if packet.operation == COMMAND:
            event = to_event(packet.json())
            if event is not None and self._relay is not None:
                self._relay.offer(event)
        elif packet.operation == HEARTBEAT_REPLY:
            self.popularity = int.from_bytes(packet.body[:4], "big") if len(packet.body) >= 4 else 0
        elif packet.operation == AUTH_REPLY:
            reply = packet.json()
            code = reply.get("code") if isinstance(reply, dict) else None
            if code != 0:
                raise auth.AuthError(f"the danmaku server refused the auth packet (code {code})")
            log.info("%s: connected", self.name)
        else:
            self._problems.report(f"operation {packet.operation}", f"{len(packet.body)} body bytes")
