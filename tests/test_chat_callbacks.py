"""Douyin's live data push and the signed webhook, over real HTTP POSTs on loopback."""
from __future__ import annotations

import asyncio
import json
import logging

from chat.credentials import Secret
from chat.douyin import DouyinSettings, DouyinSource, douyin_signature
from chat.webhook import WebhookSettings, WebhookSource, webhook_signature

from tests.chat_fakes import post

NOW = 1_765_000_000.0  # the wall clock the receivers are given
SECRET = "push-secret-9f8e7d"


def test_douyin_signature_matches_the_documented_example():
    headers = {"x-nonce-str": "123456", "x-timestamp": "456789", "x-roomid": "268", "x-msg-type": "user_group"}
    assert douyin_signature(headers, "abc123你好".encode(), "123abc") == "GAkalGmhzqlUGQO/TgvMug=="


def _douyin_headers(body: bytes, msg_type: str = "live_comment", room: str = "7350000001", ts: float = NOW,
                    secret: str = SECRET) -> dict:
    headers = {"x-nonce-str": "n0nce", "x-timestamp": str(int(ts * 1000)), "x-roomid": room, "x-msg-type": msg_type}
    return {**headers, "x-signature": douyin_signature(headers, body, secret)}


def _comments(*items) -> bytes:
    return json.dumps([{"msg_id": m, "sec_openid": u, "content": c, "nickname": n, "avatar_url": "", "timestamp": 1}
                       for m, u, c, n in items], ensure_ascii=False).encode()


async def _with_douyin(check, **kw):
    events = []
    source = DouyinSource(DouyinSettings(Secret("env X", SECRET), room_id="7350000001", port=0, **kw),
                          wall_clock=lambda: NOW)
    await source.start(events.append, lambda: 12.5)
    try:
        await check(source, source.receiver.port, events)
    finally:
        await source.stop()


def test_douyin_signed_pushes_become_events_and_repeats_are_dropped():
    async def check(source, port, events):
        body = _comments(("m1", "openid-A", "这个多少钱", "小鹿"), ("m2", "openid-B", "有优惠吗", "老王"))
        status, reply = await post(port, "/douyin/live", body, _douyin_headers(body))
        assert status == 200 and reply["accepted"] == 2
        # Douyin may push the same message again, alone or in another batch.
        again = _comments(("m2", "openid-B", "有优惠吗", "老王"), ("m3", "openid-A", "几号链接", "小鹿"))
        status, reply = await post(port, "/douyin/live", again, _douyin_headers(again))
        assert status == 200 and reply["accepted"] == 1 and reply["duplicates"] == 1
        assert [e.text for e in events] == ["这个多少钱", "有优惠吗", "几号链接"]
        assert events[0].platform == "douyin" and events[0].t == 12.5 and events[0].nick == "小鹿"
        assert events[0].user == events[2].user != events[1].user and "openid" not in events[0].user

    asyncio.run(_with_douyin(check))


def test_douyin_gifts_likes_and_fans_club_map_to_contract_types():
    async def check(source, port, events):
        gifts = json.dumps([{"msg_id": "g1", "sec_openid": "A", "sec_gift_id": "n1/Dg1905sj1FyoBlQBvmbaDZFBNaKuKZH6zxHkv8Lg5x2cRfrKUTb8gzMs=",
                             "gift_num": 1, "gift_value": 1, "nickname": "阿花"},
                            {"msg_id": "g2", "sec_openid": "B", "sec_gift_id": "unknown", "gift_num": 2, "nickname": "B"}]).encode()
        likes = json.dumps([{"msg_id": "l1", "sec_openid": "C", "like_num": 12, "nickname": "花卷"}]).encode()
        fans = json.dumps([{"msg_id": "f1", "sec_openid": "D", "fansclub_reason_type": 2, "nickname": "一一"}]).encode()
        for body, kind in ((gifts, "live_gift"), (likes, "live_like"), (fans, "live_fansclub")):
            status, _ = await post(port, "/douyin/live", body, _douyin_headers(body, kind))
            assert status == 200
        assert [(e.type, e.text) for e in events] == [("gift", "仙女棒"), ("gift", ""), ("like", ""), ("follow", "")]

    asyncio.run(_with_douyin(check, gift_names={"n1/Dg1905sj1FyoBlQBvmbaDZFBNaKuKZH6zxHkv8Lg5x2cRfrKUTb8gzMs=": "仙女棒"}))


def test_douyin_forged_missing_stale_and_other_room_pushes_are_refused(caplog):
    async def check(source, port, events):
        body = _comments(("m9", "X", "刷单加微信", "骗子"))
        forged = _douyin_headers(body, secret="guessed")
        assert (await post(port, "/douyin/live", body, forged))[0] == 401
        tampered = _douyin_headers(body)
        assert (await post(port, "/douyin/live", body.replace("刷单".encode(), "你好".encode()), tampered))[0] == 401
        missing = {k: v for k, v in _douyin_headers(body).items() if k != "x-signature"}
        status, reply = await post(port, "/douyin/live", body, missing)
        assert status == 401 and "x-signature" in reply["error"]
        replayed = _douyin_headers(body, ts=NOW - 3600)
        status, reply = await post(port, "/douyin/live", body, replayed)
        assert status == 401 and "stale" in reply["error"]
        other_room = _douyin_headers(body, room="999")
        assert (await post(port, "/douyin/live", body, other_room))[0] == 403
        assert events == [] and source.refused == 5

    with caplog.at_level(logging.DEBUG):
        asyncio.run(_with_douyin(check))
    assert SECRET not in caplog.text


def test_douyin_malformed_bodies_are_answered_and_logged_once(caplog):
    async def check(source, port, events):
        for body in (b"{not json", b"{not json either"):
            status, reply = await post(port, "/douyin/live", body, _douyin_headers(body))
            assert status == 400 and "JSON" in reply["error"]
        body = json.dumps([{"sec_openid": "A", "content": "无id"}, "x", {"msg_id": "ok", "sec_openid": "A", "content": "有"}],
                          ensure_ascii=False).encode()
        status, reply = await post(port, "/douyin/live", body, _douyin_headers(body))
        assert status == 200 and reply["accepted"] == 1 and reply["skipped"] == 2
        body = b"[]"
        status, reply = await post(port, "/douyin/live", body, _douyin_headers(body, "live_something_new"))
        assert status == 200  # acknowledged: a non-2xx would make Douyin stop pushing
        assert source.problems["body not JSON"] == 2
        assert (await post(port, "/elsewhere", body, _douyin_headers(body)))[0] == 404

    with caplog.at_level(logging.INFO, logger="livehost.chat"):
        asyncio.run(_with_douyin(check))
    assert sum("body not JSON" in r.getMessage() for r in caplog.records) == 1
    assert not any(r.exc_info for r in caplog.records)


WEBHOOK_SECRET = "shared-webhook-secret-123"


def _signed(body: bytes, ts: float = NOW, secret: str = WEBHOOK_SECRET) -> dict:
    stamp = str(int(ts))
    return {"X-Livehost-Timestamp": stamp, "X-Livehost-Signature": webhook_signature(secret, stamp, body)}


async def _with_webhook(check):
    events = []
    source = WebhookSource(WebhookSettings(Secret("file s", WEBHOOK_SECRET), port=0), wall_clock=lambda: NOW)
    await source.start(events.append, lambda: 3.0)
    try:
        await check(source, source.receiver.port, events)
    finally:
        await source.stop()


def test_webhook_signed_events_go_in_once_each():
    async def check(source, port, events):
        body = json.dumps([{"id": "k1", "type": "comment", "user": "u8812", "nick": "小鹿", "text": "这个茶多少钱?",
                            "platform": "kuaishou"},
                           {"id": "k2", "type": "gift", "user": "u1", "nick": "阿花", "text": "墨镜"}],
                          ensure_ascii=False).encode()
        status, reply = await post(port, "/chat", body, _signed(body))
        assert status == 200 and reply["accepted"] == 2
        status, reply = await post(port, "/chat", body, _signed(body, ts=NOW + 1))  # the bridge retried
        assert status == 200 and reply["accepted"] == 0 and reply["duplicates"] == 2
        assert [(e.type, e.platform, e.t) for e in events] == [("comment", "kuaishou", 3.0), ("gift", "webhook", 3.0)]
        assert "8812" not in events[0].user

    asyncio.run(_with_webhook(check))


def test_webhook_bad_missing_and_replayed_signatures_are_refused():
    async def check(source, port, events):
        body = json.dumps({"id": "k1", "type": "comment", "user": "u1", "text": "hi"}).encode()
        assert (await post(port, "/chat", body, _signed(body, secret="wrong")))[0] == 401
        assert (await post(port, "/chat", body, {}))[0] == 401
        status, reply = await post(port, "/chat", body, _signed(body, ts=NOW - 301))
        assert status == 401 and "stale" in reply["error"]
        other = json.dumps({"id": "k1", "type": "comment", "user": "u1", "text": "换了内容"}).encode()
        assert (await post(port, "/chat", other, _signed(body)))[0] == 401  # signature of another body
        assert events == []

    asyncio.run(_with_webhook(check))


def test_webhook_malformed_events_are_named_and_the_rest_go_in():
    async def check(source, port, events):
        body = json.dumps([{"type": "comment", "user": "u1", "text": "no id"},
                           {"id": "a", "type": "shout", "user": "u1", "text": "x"},
                           {"id": "b", "type": "comment", "user": "u2", "text": "好"}]).encode()
        status, reply = await post(port, "/chat", body, _signed(body))
        assert status == 200 and reply["accepted"] == 1 and reply["skipped"] == 2
        assert "event 0: field 'id'" in reply["errors"][0] and "event 1: field 'type'" in reply["errors"][1]
        junk = b"\xff\xfe"
        assert (await post(port, "/chat", junk, _signed(junk)))[0] == 400

    asyncio.run(_with_webhook(check))


def test_the_receiver_refuses_what_it_cannot_take_with_a_clear_status():
    async def check(source, port, events):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /chat HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 405")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 413")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /chat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 411")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"nonsense\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 400")
        assert events == []

    asyncio.run(_with_webhook(check))
