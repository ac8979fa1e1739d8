"""Chat sources chosen per show (config and CLI), admitted with the room's limits, recorded for
replay, and feeding a live show end to end."""
from __future__ import annotations

import asyncio
import io
import json
import time

import pytest
from websockets.asyncio.client import connect

from chat.bilibili import BilibiliSettings
from chat.config import SourceSpec, parse_source
from chat.credentials import Secret
from chat.webhook import WebhookSettings, webhook_signature
from script.chat import ChatEvent, parse_chat_event
from stream.admission import Admission, ChatLimits
from stream.chat_sources import ChatRecorder, SourceGate
from stream.chat_test_command import run_chat_test
from stream.cli import build_parser
from stream.chat_test_command import spec_from_args
from stream.jsonlog import SECRETS
from stream.show_config import ConfigError, parse_show_config

from tests.chat_fakes import ManualClock, auth_reply, danmu, post, until, zlib_frame
from tests.test_chat_bilibili import FakeDanmakuServer


def test_a_show_config_picks_bilibili_with_its_keys_beside_source():
    config = parse_show_config({"chat": {"port": 8765, "source": "bilibili", "room_id": 7734200, "rate": 50}})
    [spec] = config.chat_sources
    assert spec.kind == "bilibili" and spec.settings.room_id == 7734200 and spec.settings.route == "web"
    assert spec.rate == 50 and spec.settings.cookie is None


def test_a_list_of_sources_feeds_one_room(monkeypatch, tmp_path):
    monkeypatch.setenv("LIVEHOST_DOUYIN_SECRET", "dy-secret-abcdef")
    (tmp_path / "hook.secret").write_text("webhook-secret-0123456789\n")
    config = parse_show_config({"chat": {"sources": [
        {"source": "websocket"},
        {"source": "bilibili", "room_id": 1, "url": "ws://127.0.0.1:9/sub"},
        {"source": "douyin", "room_id": "7350000001", "listen": "0.0.0.0:9000"},
        {"source": "webhook", "secret_file": "hook.secret", "path": "/bridge"},
    ], "record": "chat.jsonl"}}, base=tmp_path)
    kinds = [s.kind for s in config.chat_sources]
    assert kinds == ["websocket", "bilibili", "douyin", "webhook"]
    douyin, webhook = config.chat_sources[2].settings, config.chat_sources[3].settings
    assert (douyin.host, douyin.port, douyin.secret.value) == ("0.0.0.0", 9000, "dy-secret-abcdef")
    assert webhook.secret.value == "webhook-secret-0123456789" and webhook.path == "/bridge"
    assert "dy-secret" not in repr(config) and config.chat_record == str(tmp_path / "chat.jsonl")


@pytest.mark.parametrize("chat, message", [
    ({"source": "twitch"}, "chat.source: must be one of websocket, bilibili, douyin, webhook, got 'twitch'"),
    ({"source": "bilibili"}, "chat.room_id: must be the room number"),
    ({"source": "bilibili", "room_id": 1, "cookie": "SESSDATA=x"}, "chat.cookie: a secret never goes in the config"),
    ({"source": "bilibili", "room_id": 1, "listen": "x:1"}, "chat.listen: unknown key"),
    ({"sources": [{"source": "bilibili", "room_id": 1, "cookie": "SESSDATA=x"}]},
     "chat.sources[0].cookie: a secret never goes in the config: use cookie_env"),
    ({"sources": [{"source": "douyin", "secret_env": "NOT_SET_ANYWHERE_X"}]},
     "chat.sources[0]: Douyin push secret (chat.sources[0].secret_env or secret_file): not set (environment variable NOT_SET_ANYWHERE_X)"),
    ({"sources": [{"source": "webhook", "listen": "nowhere"}]}, "chat.sources[0].listen: must be HOST:PORT"),
    ({"sources": [{"source": "bilibili", "route": "open"}]}, "chat.sources[0].app_id: the open platform's project id"),
    ({"sources": [{"source": "bilibili", "room_id": 1, "route": "open", "app_id": 5}]},
     "Bilibili access key id (chat.sources[0].access_key_id_env or access_key_id_file): not set"),
    ({"sources": []}, "chat.sources: must be a source name or a non-empty list"),
])
def test_bad_source_config_is_refused_naming_the_key(monkeypatch, chat, message):
    for name in ("LIVEHOST_BILI_ACCESS_KEY_ID", "LIVEHOST_DOUYIN_SECRET", "LIVEHOST_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as error:
        parse_show_config({"chat": chat}, "show.yaml")
    assert message in str(error.value)
    assert str(error.value).startswith("show.yaml: chat")


def test_open_platform_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LIVEHOST_BILI_ACCESS_KEY_ID", "kid-123")
    monkeypatch.setenv("LIVEHOST_BILI_ACCESS_KEY_SECRET", "ksecret-456")
    monkeypatch.setenv("LIVEHOST_BILI_AUTH_CODE", "CODE789")
    spec = parse_source({"source": "bilibili", "route": "open", "app_id": 1650000}, "chat")
    assert spec.settings.access_key_secret.value == "ksecret-456" and spec.settings.auth_code.value == "CODE789"
    assert {s.value for s in spec.secrets} == {"kid-123", "ksecret-456", "CODE789"}
    assert "ksecret" not in repr(spec) and "ksecret" not in str(spec.settings.access_key_secret)


def test_registered_source_secrets_are_scrubbed_from_logs(monkeypatch):
    from stream.chat_sources import register_secrets
    monkeypatch.setenv("LIVEHOST_BILI_COOKIE", "SESSDATA=very-private-cookie; DedeUserID=1")
    spec = parse_source({"source": "bilibili", "room_id": 3}, "chat")
    register_secrets((spec,))
    assert "very-private" not in SECRETS.scrub("sent Cookie: SESSDATA=very-private-cookie; DedeUserID=1")


def test_cli_options_pick_a_source():
    args = build_parser().parse_args(["run", "--chat-source", "bilibili", "--room-id", "7734200",
                                      "--url", "ws://127.0.0.1:1/sub"])
    spec = spec_from_args(args, "--chat-source")
    assert spec.kind == "bilibili" and spec.settings.room_id == 7734200 and spec.settings.url == "ws://127.0.0.1:1/sub"
    with pytest.raises(SystemExit, match="--chat-source.room_id"):
        spec_from_args(build_parser().parse_args(["run", "--chat-source", "bilibili", "--room-id", "abc"]),
                       "--chat-source")


def _event(i: int, text: str = "多少钱") -> ChatEvent:
    return ChatEvent(t=float(i), type="comment", user=f"bili:{i:012x}", text=text, platform="bilibili")


def test_each_source_has_its_own_rate_and_all_share_the_room_budget():
    clock = ManualClock(0.0)
    admission = Admission(ChatLimits(room_rate=10, room_burst=10))
    got: list[ChatEvent] = []
    gate = SourceGate(admission, clock, got.append)
    busy, quiet = gate.emit_for("bilibili room 1", 5, 5), gate.emit_for("webhook", 5, 5)
    for i in range(8):
        busy(_event(i))
    assert gate.delivered["bilibili room 1"] == 5 and gate.refused["bilibili room 1"] == 3
    for i in range(8):
        quiet(_event(100 + i))
    # One room budget (10) for all: the webhook, under its own limit of 5, got only what the busy
    # source left (above the reserve kept for quiet clients once it was no longer quiet itself).
    assert len(got) == 7 and gate.delivered["webhook"] == 2 and gate.refused["webhook"] == 6
    clock.advance(1.0)
    busy(_event(50))
    assert gate.delivered["bilibili room 1"] == 6


def test_recorded_chat_replays(tmp_path):
    recorder = ChatRecorder(tmp_path / "chat.jsonl")
    recorder.write(ChatEvent(t=12.4801, type="comment", user="bili:abc", nick="小鹿", text="这个茶多少钱?", platform="bilibili"))
    recorder.write(ChatEvent(t=13.0, type="gift", user="douy:def", nick="", text="小心心", platform="douyin"))
    recorder.close()
    lines = (tmp_path / "chat.jsonl").read_text(encoding="utf-8").splitlines()
    events = [parse_chat_event(line) for line in lines]
    assert [(e.t, e.type, e.text, e.platform) for e in events] == [(12.48, "comment", "这个茶多少钱?", "bilibili"),
                                                                  (13.0, "gift", "小心心", "douyin")]


def test_chat_test_prints_one_json_line_per_event_and_records_them(tmp_path):
    out = io.StringIO()
    clock = ManualClock()

    async def scenario():
        async with FakeDanmakuServer([[auth_reply(), zlib_frame(danmu("在吗", 1, "甲", "a"), danmu("多少钱", 2, "乙", "b"))]]) as server:
            spec = SourceSpec("bilibili", BilibiliSettings(room_id=5, url=server.url))
            task = asyncio.create_task(run_chat_test(spec, 10.0, out, clock, str(tmp_path / "rec.jsonl")))
            await until(lambda: out.getvalue().count("\n") == 2, "two printed events")
            assert not task.done()
            clock.advance(10.0)  # --seconds 10 on the clock
            assert await asyncio.wait_for(task, 5) == 0

    asyncio.run(scenario())
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [p["text"] for p in printed] == ["在吗", "多少钱"] and printed[0]["platform"] == "bilibili"
    replayed = [parse_chat_event(line) for line in (tmp_path / "rec.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e.text for e in replayed] == ["在吗", "多少钱"]


def test_a_live_show_answers_a_question_from_a_platform_source_and_records_its_chat(tmp_path):
    from stream.clock import FakeClock
    from stream.live import LiveConfig, LiveShow
    from tests.test_live import producer, receive_until

    secret = "webhook-secret-for-the-show-1"
    spec = SourceSpec("webhook", WebhookSettings(Secret("env T", secret), port=0))

    async def scenario():
        config = LiveConfig(chat_port=0, live_view=False, chat_sources=(spec,), chat_record=str(tmp_path / "chat.jsonl"))
        show = LiveShow(producer(), config, clock=FakeClock())
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            async with connect(show.chat.url) as ws:  # replies are broadcast to the websocket's clients
                source = show.chat_sources[1][0]
                body = json.dumps({"id": "m1", "type": "comment", "user": "viewer-42", "nick": "小鹿",
                                   "text": "这个茶多少钱?", "platform": "kuaishou"}, ensure_ascii=False).encode()
                stamp = str(int(time.time()))
                status, reply = await post(source.receiver.port, "/chat", body, {
                    "X-Livehost-Timestamp": stamp, "X-Livehost-Signature": webhook_signature(secret, stamp, body)})
                assert status == 200 and reply["accepted"] == 1
                on_air = await receive_until(ws, lambda m: m.get("type") == "reply")
                assert "89元" in on_air["text"]
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)
        assert show.sources_gate.delivered == {"webhook": 1}

    asyncio.run(scenario())
    [line] = (tmp_path / "chat.jsonl").read_text(encoding="utf-8").splitlines()
    event = parse_chat_event(line)
    assert event.text == "这个茶多少钱?" and event.platform == "kuaishou" and "viewer-42" not in event.user


def test_a_receiver_port_in_use_is_named_before_the_show_loads(tmp_path):
    import socket
    from dataclasses import replace
    from stream.preflight import StartupError, check_machine
    from stream.show_config import ShowConfig

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        spec = SourceSpec("webhook", WebhookSettings(Secret("env T", "x" * 16), port=port))
        config = replace(ShowConfig(), chat_port=0, view_port=0, console=False, chat_sources=(spec,))
        with pytest.raises(StartupError, match=f"webhook chat receiver port {port} on 127.0.0.1 is in use"):
            check_machine(config)


def test_metrics_count_each_sources_events():
    from stream.metrics import ShowMetrics
    metrics = ShowMetrics()
    metrics.chat_sources = {"bilibili room 1": (12, 3)}
    text = metrics.render()
    assert 'livehost_chat_source_events_total{source="bilibili room 1",outcome="admitted"} 12' in text
    assert 'livehost_chat_source_events_total{source="bilibili room 1",outcome="over_limit"} 3' in text
