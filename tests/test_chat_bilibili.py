"""The Bilibili adapter against a loopback server speaking the real binary protocol."""
from __future__ import annotations

import asyncio
import json
import logging
import random

import pytest
from websockets.asyncio.server import serve

from chat.backoff import BackoffPolicy
from chat.bilibili import BilibiliSettings, BilibiliSource
from chat.bilibili_auth import AuthError
from chat.bilibili_wire import AUTH, HEARTBEAT, decode_frame
from chat.credentials import Secret

from tests.chat_fakes import (FakeBiliWebApi, ManualClock, auth_reply, brotli_frame, danmu, gift, heartbeat_reply,
                              interact, interact_v2, like, packet, super_chat, until, zlib_frame)


class FakeDanmakuServer:
    """Each connection runs the next script: a list of frames to send after the auth packet
    (None means: drop the connection here). Records what the client sent."""

    def __init__(self, scripts: list[list]) -> None:
        self.scripts = scripts
        self.connections = 0
        self.received: list[list] = []  # per connection: decoded packets
        self._server = None

    async def _handle(self, ws) -> None:
        script = self.scripts[min(self.connections, len(self.scripts) - 1)]
        self.connections += 1
        got: list = []
        self.received.append(got)
        first = await ws.recv()
        got.extend(decode_frame(first))
        reader = asyncio.create_task(self._read(ws, got))
        try:
            for frame in script:
                if frame is None:
                    await ws.close()
                    return
                if isinstance(frame, str) and frame == "wait-heartbeat":
                    await until(lambda: any(p.operation == HEARTBEAT for p in got), "a heartbeat")
                    await ws.send(heartbeat_reply(4321))
                    continue
                await ws.send(frame)
            await ws.wait_closed()
        finally:
            reader.cancel()

    async def _read(self, ws, got: list) -> None:
        async for message in ws:
            got.extend(decode_frame(message))

    async def __aenter__(self):
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc):
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/sub"


def _source(url: str, clock: ManualClock, **kw) -> BilibiliSource:
    settings = BilibiliSettings(room_id=7734200, url=url, backoff=BackoffPolicy(first_s=1, cap_s=8, jitter=0.5), **kw)
    return BilibiliSource(settings, clock, rng=random.Random(7))


async def _run(server_scripts, check, **kw):
    clock = ManualClock()
    events = []
    async with FakeDanmakuServer(server_scripts) as server:
        source = _source(server.url, clock, **kw)
        await source.start(events.append, lambda: clock.now() - 1000.0)
        try:
            await check(server, source, clock, events)
        finally:
            await source.stop()


def test_compressed_frames_of_several_commands_become_contract_events():
    async def check(server, source, clock, events):
        await until(lambda: len(events) == 6, "six events")
        auth = server.received[0][0]
        assert auth.operation == AUTH and json.loads(auth.body)["roomid"] == 7734200
        assert [e.type for e in events] == ["comment", "gift", "enter", "follow", "like", "comment"]
        assert events[0].text == "这个茶多少钱?" and events[0].nick == "小鹿" and events[0].platform == "bilibili"
        assert events[1].text == "小心心"
        assert events[5].text == "能便宜点吗" and events[5].nick == "阿花"  # a super chat is a paid comment
        assert all(e.user.startswith("bili:") and "8812" not in e.user for e in events)

    asyncio.run(_run([[auth_reply(), zlib_frame(danmu("这个茶多少钱?", 8812, "小鹿", "a1"), gift(8812, "小鹿", "小心心", "t1")),
                       brotli_frame(interact(9001, "老王", 1, 1), interact(9002, "一一", 2, 2), like(9003, "花卷"),
                                    super_chat(55, 9004, "阿花", "能便宜点吗"))]], check))


def test_heartbeat_every_30_seconds_on_the_clock_and_its_reply_read():
    async def check(server, source, clock, events):
        await until(lambda: server.received and server.received[0], "the auth packet")
        assert not any(p.operation == HEARTBEAT for p in server.received[0])
        await until(lambda: 30.0 in clock.waiting(), "the heartbeat timer")
        clock.advance(30)
        await until(lambda: source.popularity == 4321, "the heartbeat reply")
        assert sum(p.operation == HEARTBEAT for p in server.received[0]) == 1

    asyncio.run(_run([[auth_reply(), "wait-heartbeat"]], check))


def test_a_dropped_connection_reconnects_after_backoff_without_duplicates():
    first = [auth_reply(), zlib_frame(danmu("在吗", 1, "甲", "m1"), danmu("多少钱", 2, "乙", "m2")), None]
    # The platform resends recent messages on the new connection: the repeats are dropped.
    second = [auth_reply(), brotli_frame(danmu("多少钱", 2, "乙", "m2"), danmu("有优惠吗", 3, "丙", "m3"))]

    async def check(server, source, clock, events):
        await until(lambda: len(events) == 2, "the first two comments")
        await until(lambda: any(0.5 <= w <= 1.0 for w in clock.waiting()), "the backoff timer")
        assert server.connections == 1  # nothing reconnects before the backoff has passed
        clock.advance(1.0)
        await until(lambda: len(events) == 3, "the third comment")
        assert [e.text for e in events] == ["在吗", "多少钱", "有优惠吗"]
        assert server.connections == 2 and source.relay.duplicates == 1

    asyncio.run(_run([first, second], check))


def test_backoff_grows_with_jitter_and_is_capped():
    from chat.backoff import Backoff
    backoff = Backoff(BackoffPolicy(first_s=1, cap_s=8, jitter=0.5), random.Random(3))
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 8, 8, 8, 8]
    assert all(c * 0.5 <= d <= c for d, c in zip(delays, ceilings))
    assert len({round(d, 6) for d in delays[3:]}) > 1  # jittered, not lockstep
    backoff.connected_for(30)
    assert backoff.failures == 0


def test_a_silent_connection_is_dropped_and_reopened():
    async def check(server, source, clock, events):
        await until(lambda: server.connections == 1 and 30.0 in clock.waiting(), "the heartbeat timer")
        for _ in range(3):  # heartbeats go out but nothing comes back
            clock.advance(30)
            await asyncio.sleep(0.02)
        await until(lambda: any(w <= 1.0 for w in clock.waiting()) and source._backoff.failures == 1, "a reconnect wait")
        clock.advance(1)
        await until(lambda: server.connections == 2, "a second connection")

    asyncio.run(_run([[auth_reply()]], check))


def test_malformed_and_unknown_packets_are_logged_once_per_kind_and_skipped(caplog):
    junk = [b"\x00\x00", packet(5, b"\x78\x9cnot zlib", version=2), packet(5, b"\x78\x9cnot zlib", version=2),
            packet(5, b"{not json", version=0), packet(5, {"cmd": "NEW_THING"}), packet(5, {"cmd": "NEW_THING"}),
            packet(5, {"cmd": "DANMU_MSG", "info": "x"}), "a text frame", packet(42, b"?"),
            zlib_frame({"cmd": "INTERACT_WORD_V2", "data": {"pb": "CAE"}}),  # a varint key, then nothing
            zlib_frame({"cmd": "INTERACT_WORD_V2", "data": {"pb": "not base64!"}})]

    async def check(server, source, clock, events):
        await until(lambda: len(events) == 2, "the comment and the entry after the junk")
        assert events[0].text == "还在吗" and events[1].type == "enter" and events[1].nick == "老王"
        assert source.problems["bad zlib body"] == 2 and source.problems["unknown command NEW_THING"] == 2
        assert source.problems["malformed INTERACT_WORD_V2"] == 2
        assert {"truncated header", "body not JSON", "malformed DANMU_MSG", "text frame", "operation 42"} <= set(source.problems)
        warnings = [r for r in caplog.records if "skipped" in r.getMessage()]
        assert len(warnings) == len(source.problems)
        assert not any(r.exc_info for r in caplog.records)

    with caplog.at_level(logging.INFO, logger="livehost.chat"):
        asyncio.run(_run([[auth_reply(), *junk, zlib_frame(danmu("还在吗", 5, "丁", "z1"),
                                                             interact_v2(9001, "老王", 1, 1765000000123456789))]], check))


def test_masked_names_without_a_cookie_are_left_out_and_viewers_still_told_apart():
    async def check(server, source, clock, events):
        await until(lambda: len(events) == 2, "two comments")
        assert events[0].nick == "" and events[1].nick == ""
        assert events[0].user != events[1].user

    asyncio.run(_run([[auth_reply(), zlib_frame(danmu("多少钱", 0, "用***", "x1"), danmu("多少钱", 0, "小*", "x2"))]],
                     check))


def test_a_refused_auth_reconnects_with_backoff():
    async def check(server, source, clock, events):
        await until(lambda: source.auth_failures == 1 and clock.waiting(), "the refusal")
        clock.advance(1)
        await until(lambda: len(events) == 1, "the comment after re-auth")

    asyncio.run(_run([[auth_reply(-101)], [auth_reply(), zlib_frame(danmu("好", 1, "甲", "k1"))]], check))


def test_the_cookie_goes_into_the_auth_body_but_never_into_the_log(caplog):
    cookie = Secret("env LIVEHOST_BILI_COOKIE", "SESSDATA=sekrit-sess; DedeUserID=424242; buvid3=BUVID-x")

    async def check(server, source, clock, events):
        await until(lambda: server.received and server.received[0], "the auth packet")
        body = json.loads(server.received[0][0].body)
        assert body["uid"] == 424242 and body["buvid"] == "BUVID-x" and body["protover"] == 3

    with caplog.at_level(logging.DEBUG):
        asyncio.run(_run([[auth_reply(), None]], check, cookie=cookie))
    assert "sekrit" not in caplog.text and "sekrit" not in repr(cookie)


class FakeOpenPlatform:
    """The open platform's HTTP API: checks each request's x-bili-* signature as documented."""

    def __init__(self, ws_url: str, key_id: str, secret: str) -> None:
        self.ws_url, self.key_id, self.secret = ws_url, key_id, secret
        self.calls: list[tuple[str, dict]] = []

    async def __call__(self, method: str, url: str, headers: dict, body: bytes | None) -> dict:
        import hashlib
        import hmac
        signed = {k: v for k, v in headers.items() if k.startswith("x-bili-")}
        text = "\n".join(f"{k}:{signed[k]}" for k in sorted(signed))
        assert headers["Authorization"] == hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).hexdigest()
        assert signed["x-bili-content-md5"] == hashlib.md5(body).hexdigest()
        assert signed["x-bili-accesskeyid"] == self.key_id and method == "POST"
        assert signed["x-bili-timestamp"] == "1765000000" and signed["x-bili-signature-method"] == "HMAC-SHA256"
        payload = json.loads(body)
        path = url.split("/v2/app/", 1)[1]
        self.calls.append((path, payload))
        if path == "start":
            return {"code": 0, "data": {"game_info": {"game_id": "game-1"}, "anchor_info": {"room_id": 7734200},
                                        "websocket_info": {"auth_body": '{"roomid":7734200,"key":"opaque"}',
                                                           "wss_link": [self.ws_url]}}}
        return {"code": 0, "data": {}}


def test_open_platform_route_signs_requests_keeps_the_session_alive_and_ends_it():
    clock = ManualClock()
    events = []
    secret = "app-secret-value-xyz"

    async def scenario():
        async with FakeDanmakuServer([[auth_reply(), zlib_frame(
                {"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"open_id": "o1", "uname": "小鹿", "msg": "在吗", "msg_id": "d1"}})]]) as server:
            api = FakeOpenPlatform(server.url, "key-id-1", secret)
            settings = BilibiliSettings(route="open", app_id=1650000, access_key_id=Secret("env A", "key-id-1"),
                                        access_key_secret=Secret("env B", secret), auth_code=Secret("env C", "CODE123"),
                                        open_api="https://open.test")
            source = BilibiliSource(settings, clock, http=api, rng=random.Random(1), wall_clock=lambda: 1765000000.4)
            await source.start(events.append, lambda: 1.0)
            await until(lambda: len(events) == 1, "the open-platform comment")
            assert api.calls[0] == ("start", {"code": "CODE123", "app_id": 1650000})
            assert json.loads(server.received[0][0].body) == {"roomid": 7734200, "key": "opaque"}
            await until(lambda: 20.0 in clock.waiting(), "the app heartbeat timer")
            clock.advance(20)
            await until(lambda: ("heartbeat", {"game_id": "game-1"}) in api.calls, "an app heartbeat")
            await source.stop()
            assert api.calls[-1] == ("end", {"app_id": 1650000, "game_id": "game-1"})

    asyncio.run(scenario())
    assert events[0].text == "在吗" and events[0].nick == "小鹿"


def test_web_route_resolves_the_room_and_asks_for_a_token_at_most_every_5_seconds():
    api = FakeBiliWebApi()

    async def scenario():
        clock = ManualClock()
        source = BilibiliSource(BilibiliSettings(room_id=5050), clock, http=api, wall_clock=api.wall_clock)
        info = await source._connect_info()
        assert info.urls == ("wss://zj-cn-live-comet.chat.bilibili.com:2245/sub",)
        body = json.loads(info.auth_body)
        assert body["roomid"] == 21452505 and body["key"] == "tok-abc" and body["uid"] == 0
        assert "id=5050" in api.urls("room_init")[0] and "id=21452505&" in api.urls("getDanmuInfo")[0]
        second = asyncio.create_task(source._connect_info())
        await until(lambda: clock.waiting() == [5.0], "the request pacing")
        assert len(api.urls("getDanmuInfo")) == 1
        clock.advance(5)
        await second
        assert len(api.urls("room_init")) == len(api.urls("getDanmuInfo")) == 2

    asyncio.run(scenario())


def test_get_danmu_info_is_wbi_signed_with_keys_fetched_once_a_day():
    now = [1765000000.0]
    api = FakeBiliWebApi(wall_clock=lambda: now[0])

    async def scenario():
        unsigned = await api("GET", "https://api.live.test/xlive/web-room/v1/index/getDanmuInfo?id=1&type=0", {}, None)
        assert unsigned["code"] == -352  # the fake refuses what the platform refuses
        source = BilibiliSource(BilibiliSettings(room_id=5050, api_interval_s=0), ManualClock(), http=api,
                                wall_clock=lambda: now[0])
        await source._connect_info()
        query = api.urls("getDanmuInfo")[1].split("?", 1)[1]
        assert query.startswith("id=21452505&type=0&web_location=444.8&wts=1765000000&w_rid=")
        now[0] += 3600
        await source._connect_info()
        assert len(api.urls("/nav")) == 1 and api.refused == 1  # only the fake's own unsigned probe
        now[0] += 24 * 3600
        api.rotate()  # the platform's daily change: a day-old key is fetched anew before it is refused
        await source._connect_info()
        assert len(api.urls("/nav")) == 2 and api.refused == 1

    asyncio.run(scenario())


def test_a_352_refusal_fetches_fresh_keys_and_retries_once():
    api = FakeBiliWebApi()

    async def scenario():
        source = BilibiliSource(BilibiliSettings(room_id=5050, api_interval_s=0), ManualClock(), http=api,
                                wall_clock=api.wall_clock)
        await source._connect_info()
        api.rotate()  # keys changed under the cache
        info = await source._connect_info()
        assert json.loads(info.auth_body)["key"] == "tok-abc"
        assert api.refused == 1 and len(api.urls("/nav")) == 2 and len(api.urls("getDanmuInfo")) == 3

        api.signature_ok = lambda query: False  # refused however it is signed: one retry, then an auth error
        with pytest.raises(AuthError, match="-352"):
            await source._connect_info()
        assert len(api.urls("getDanmuInfo")) == 5 and len(api.urls("/nav")) == 3

    asyncio.run(scenario())


def test_the_cookie_goes_to_the_live_api_but_not_to_nav_and_never_into_the_log(caplog):
    api = FakeBiliWebApi()
    cookie = Secret("env LIVEHOST_BILI_COOKIE", "SESSDATA=sekrit-sess; DedeUserID=424242; buvid3=BUVID-x")

    async def scenario():
        source = BilibiliSource(BilibiliSettings(room_id=5050, cookie=cookie), ManualClock(), http=api,
                                wall_clock=api.wall_clock)
        await source._connect_info()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    sent = {url.split("?")[0].rsplit("/", 1)[1]: headers for url, headers in api.calls}
    assert "Cookie" not in sent["nav"] and sent["getDanmuInfo"]["Cookie"] == cookie.value
    assert "sekrit" not in caplog.text


def test_viewers_platform_ids_stay_out_of_the_log(caplog):
    async def check(server, source, clock, events):
        await until(lambda: len(events) == 2, "two events")

    with caplog.at_level(logging.DEBUG):
        asyncio.run(_run([[auth_reply(), zlib_frame(danmu("多少钱", 98765432, "小鹿", "p1"),
                                                    gift(98765432, "小鹿", "辣条", "tid-1"))]], check))
    assert "comment from bili:" in caplog.text and "98765432" not in caplog.text


def test_an_unexpected_error_costs_a_reconnect_not_the_source():
    calls = []
    api = FakeBiliWebApi(host="127.0.0.1", wss_port=9)  # loopback: refused

    async def broken_api(method, url, headers, body):
        calls.append(url)
        if len(calls) == 1:
            raise KeyError("a bug")
        return await api(method, url, headers, body)

    async def scenario():
        clock = ManualClock()
        source = BilibiliSource(BilibiliSettings(room_id=1, api_interval_s=0), clock, http=broken_api,
                                rng=random.Random(2), wall_clock=api.wall_clock)
        await source.start(lambda e: None, lambda: 0.0)
        await until(lambda: source.problems.get("unexpected error") == 1 and clock.waiting(), "the backoff")
        clock.advance(clock.waiting()[0])
        await until(lambda: len(calls) >= 3, "the retry")
        await source.stop()

    asyncio.run(scenario())
