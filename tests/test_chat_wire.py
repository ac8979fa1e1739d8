"""The Bilibili frame decoder, command mapping (protobuf payloads too) and WBI signing, without I/O."""
from __future__ import annotations

import base64
import struct
import zlib

import brotli
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from chat.bilibili_commands import CommandError, to_event
from chat.bilibili_pb import ProtobufError, decode_interact_word_v2
from chat.bilibili_wbi import encode_query, key_from_url, keys_from_nav, mixin_key, sign
from chat.bilibili_wire import (AUTH, COMMAND, HEARTBEAT, HEARTBEAT_REPLY, MAX_INFLATED_BYTES, FrameError, Packet,
                                auth_packet, decode_frame, encode_packet, heartbeat_packet, popularity)
from chat.dedup import RecentIds
from chat.events import visible_nick

from tests.chat_fakes import (brotli_frame, command, danmu, heartbeat_reply, interact, interact_v2, packet, pb_field,
                              pb_varint, zlib_frame)


def test_header_is_sixteen_bytes_big_endian_as_documented():
    frame = auth_packet({"roomid": 1})
    length, header_len, version, operation, sequence = struct.unpack(">IHHII", frame[:16])
    assert (length, header_len, version, operation) == (len(frame), 16, 1, AUTH)
    assert struct.unpack(">IHHII", heartbeat_packet()[:16])[3] == HEARTBEAT


def test_one_frame_may_hold_several_plain_packets():
    frame = command({"cmd": "A"}) + command({"cmd": "B"})
    assert [p.json()["cmd"] for p in decode_frame(frame)] == ["A", "B"]


def test_zlib_and_brotli_bodies_are_inflated_into_their_packets():
    assert [p.json()["cmd"] for p in decode_frame(zlib_frame({"cmd": "A"}, {"cmd": "B"}, {"cmd": "C"}))] == ["A", "B", "C"]
    assert [p.json()["cmd"] for p in decode_frame(brotli_frame({"cmd": "D"}, {"cmd": "E"}))] == ["D", "E"]


def test_heartbeat_reply_carries_popularity_and_its_trailing_echo_is_not_a_packet():
    packets = decode_frame(heartbeat_reply(123456))
    assert len(packets) == 1 and packets[0].operation == HEARTBEAT_REPLY and popularity(packets[0]) == 123456


@pytest.mark.parametrize("frame, kind", [
    (b"", "empty frame"),
    (b"\x00" * 10, "truncated header"),
    (struct.pack(">IHHII", 100, 16, 0, 5, 0) + b"{}", "truncated packet"),
    (struct.pack(">IHHII", 16, 8, 0, 5, 0), "bad header length"),
    (packet(5, b"garbage", version=2), "bad zlib body"),
    (packet(5, b"garbage", version=3), "bad brotli body"),
    (packet(5, zlib.compress(packet(5, zlib.compress(b"x"), version=2)), version=2), "nested compression"),
    (packet(5, zlib.compress(b"\0" * (MAX_INFLATED_BYTES + 10)), version=2), "inflates too large"),
    (packet(5, brotli.compress(b"\0" * (MAX_INFLATED_BYTES + 10)), version=3), "inflates too large"),
])
def test_malformed_frames_raise_a_named_kind(frame, kind):
    with pytest.raises(FrameError) as error:
        decode_frame(frame)
    assert error.value.kind == kind


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=300),
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**16 - 1), st.integers(0, 5), st.integers(0, 12),
                       st.binary(max_size=40)), max_size=4).map(
        lambda parts: b"".join(struct.pack(">IHHII", n, h, v, o, 0) + b for n, h, v, o, b in parts)),
    st.binary(max_size=200).map(lambda b: packet(5, zlib.compress(b), version=2)),
    st.binary(max_size=200).map(lambda b: packet(5, brotli.compress(b), version=3)),
))
def test_fuzz_decoder_returns_packets_or_frame_error_and_nothing_else(frame):
    try:
        packets = decode_frame(frame)
    except FrameError:
        return
    for p in packets:
        assert isinstance(p, Packet)
        try:
            to_event(p.json())
        except (FrameError, CommandError):
            pass


def test_encode_then_decode_round_trips():
    frame = encode_packet(COMMAND, {"cmd": "X", "n": "中文"}, version=0, sequence=9)
    [p] = decode_frame(frame)
    assert (p.operation, p.version, p.sequence, p.json()) == (COMMAND, 0, 9, {"cmd": "X", "n": "中文"})


def test_open_platform_commands_map_to_contract_events():
    dm = to_event({"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"open_id": "o-1", "uname": "小鹿", "msg": "多少钱",
                                                           "msg_id": "abc", "dm_type": 0, "timestamp": 1}})
    gift = to_event({"cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT", "data": {"open_id": "o-1", "uname": "小鹿",
                                                                    "gift_name": "辣条", "gift_num": 3, "msg_id": "g"}})
    sc = to_event({"cmd": "LIVE_OPEN_PLATFORM_SUPER_CHAT", "data": {"open_id": "o-2", "uname": "B", "message": "能发顺丰吗",
                                                                   "msg_id": "s"}})
    like = to_event({"cmd": "LIVE_OPEN_PLATFORM_LIKE", "data": {"open_id": "o-3", "uname": "C", "like_count": 5, "msg_id": "l"}})
    enter = to_event({"cmd": "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER", "data": {"open_id": "o-4", "uname": "D", "timestamp": 2}})
    guard = to_event({"cmd": "LIVE_OPEN_PLATFORM_GUARD", "data": {"user_info": {"open_id": "o-5", "uname": "E"},
                                                                 "guard_level": 3, "msg_id": "gd"}})
    sticker = to_event({"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"open_id": "o-1", "uname": "x", "msg": "[dog]",
                                                                "msg_id": "e", "dm_type": 1}})
    assert [(e.type, e.text) for e in (dm, gift, sc, like, enter, guard)] == [
        ("comment", "多少钱"), ("gift", "辣条"), ("comment", "能发顺丰吗"), ("like", ""), ("enter", ""), ("gift", "舰长")]
    assert dm.user == gift.user and dm.message_id == "odm:abc" and not enter.exact_id
    assert sticker is None


def test_suffixed_and_ignored_commands():
    event = to_event({**danmu("你好", 1, "甲", "q"), "cmd": "DANMU_MSG:4:0:2:2:2:0"})
    assert event is not None and event.text == "你好"
    assert to_event({"cmd": "ONLINE_RANK_COUNT", "data": {}}) is None
    with pytest.raises(CommandError, match="unknown command"):
        to_event({"cmd": "BRAND_NEW"})
    with pytest.raises(CommandError, match="command without cmd"):
        to_event([1, 2])


def test_masked_names_are_left_out():
    assert visible_nick("用***") == "" and visible_nick("小*") == "" and visible_nick(None) == ""
    assert visible_nick(" 小鹿 ") == "小鹿"


def test_recent_ids_are_bounded_and_content_ids_expire():
    seen = RecentIds(capacity=3)
    assert seen.first_time("a") and not seen.first_time("a")
    for key in "bcd":
        seen.first_time(key)
    assert len(seen) == 3 and seen.first_time("a")  # the oldest was let go
    assert seen.first_time("like", now=0, ttl_s=120) and not seen.first_time("like", now=100, ttl_s=120)
    assert seen.first_time("like", now=221, ttl_s=120)


def test_wbi_signature_matches_the_documented_worked_example():
    # bilibili-API-collect docs/misc/sign/wbi.md: the keys, their mixin key, and the signed query.
    img = key_from_url("https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png")
    sub = key_from_url("https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png")
    assert (img, sub) == ("7cd084941338484aae1ad9425b84077c", "4932caff0ff746eab6f01bf08b70ac45")
    assert mixin_key(img, sub) == "ea1db124af3c7062474693fa704f4ff8"
    assert sign({"foo": "114", "bar": "514", "zab": 1919810}, mixin_key(img, sub), 1702204169) == \
        "bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=8f6f2b5b3d485fe1886cec6a0be8c5d4"


def test_wbi_query_encoding_is_upper_case_percent_with_space_as_20_and_strips_reserved_characters():
    # The first expectation is the same document's example; !'()* are dropped from values before signing.
    assert encode_query({"foo": "one one four", "bar": "五一四", "baz": 1919810}) == \
        "bar=%E4%BA%94%E4%B8%80%E5%9B%9B&baz=1919810&foo=one%20one%20four"
    assert encode_query({"q": "(a)!b'*/c"}) == "q=ab%2Fc"


def test_wbi_keys_come_from_a_logged_out_nav_reply_and_a_reply_without_them_is_refused():
    reply = {"code": -101, "data": {"isLogin": False, "wbi_img": {"img_url": "https://x/bfs/wbi/aa.png",
                                                                 "sub_url": "https://x/bfs/wbi/bb.png"}}}
    assert keys_from_nav(reply) == ("aa", "bb")
    with pytest.raises(ConnectionError):
        keys_from_nav({"code": 0, "data": {}})
    with pytest.raises(ConnectionError):
        mixin_key("aa", "bb")  # too short to shuffle: a changed reply, not a key


def test_interact_word_v2_enters_and_follows_become_events_and_shares_are_skipped():
    # Fields the mapping does not use, of every wire type, are skipped: a packed repeat (4), a
    # nested message (22), a fixed64 and a fixed32 field.
    unused = (pb_field(4, b"\x03\x01") + pb_field(22, pb_field(1, 4711) + pb_field(2, pb_field(1, "x")))
              + pb_varint(30 << 3 | 1) + bytes(8) + pb_varint(31 << 3 | 5) + bytes(4))
    enter = to_event(interact_v2(9001, "老王", 1, 1765000000123456789, unused))
    follow = to_event(interact_v2(9002, "一一", 2, 1765000001000000000))
    assert enter is not None and enter.type == "enter" and enter.nick == "老王" and enter.exact_id
    assert follow is not None and follow.type == "follow" and follow.user != enter.user
    assert enter.user.startswith("bili:") and "9001" not in enter.user
    assert to_event(interact_v2(9003, "小花", 3, 1765000002000000000)) is None


def test_interact_word_v2_is_the_same_event_as_its_json_twin():
    when = 1765000000123456789
    assert to_event(interact_v2(9001, "老王", 1, when)).message_id == to_event(interact(9001, "老王", 1, when)).message_id


def test_interact_word_v2_reads_the_documented_field_numbers():
    word = decode_interact_word_v2(pb_field(1, 2**40) + pb_field(2, "用***") + pb_field(5, 2) + pb_field(7, 1765000000)
                                   + pb_field(15, 1765000000999))
    assert (word.uid, word.uname, word.msg_type, word.timestamp, word.trigger_time) == \
        (2**40, "用***", 2, 1765000000, 1765000000999)
    assert decode_interact_word_v2(b"") == decode_interact_word_v2(pb_field(99, "later field"))  # proto3 defaults


@pytest.mark.parametrize("payload", [
    pb_varint(1 << 3) + b"\x80",  # varint cut short
    pb_varint(2 << 3 | 2) + pb_varint(50) + b"abc",  # length past the end
    pb_varint(3 << 3 | 3),  # a group: no such thing here
    pb_varint(1 << 3) + b"\xff" * 11,  # an endless varint
    pb_field(2, b"\xff\xfe"),  # a name that is not UTF-8
    pb_field(1, "uid as a string"),  # wrong wire type for a documented field
    pb_varint(0 << 3) + pb_varint(1),  # field number 0
])
def test_malformed_interact_word_v2_payloads_are_command_errors(payload):
    with pytest.raises(ProtobufError):
        decode_interact_word_v2(payload)
    with pytest.raises(CommandError) as caught:
        to_event({"cmd": "INTERACT_WORD_V2", "data": {"pb": base64.b64encode(payload).decode()}})
    assert caught.value.kind == "malformed INTERACT_WORD_V2"


def test_interact_word_v2_without_base64_is_a_command_error():
    for data in ({"pb": "not base64!"}, {"pb": "CAE=!"}, {"pb": 7}, {}):  # "CAE=" alone would be read
        with pytest.raises(CommandError) as caught:
            to_event({"cmd": "INTERACT_WORD_V2", "data": data})
        assert caught.value.kind == "malformed INTERACT_WORD_V2"


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=120),
                 st.lists(st.tuples(st.integers(1, 40), st.one_of(st.integers(0, 2**64 - 1), st.binary(max_size=20),
                                                                  st.text(max_size=8))), max_size=8).map(
                     lambda fields: b"".join(pb_field(n, v) for n, v in fields))))
def test_fuzz_interact_word_v2_is_an_event_none_or_a_command_error_and_nothing_else(payload):
    try:
        to_event({"cmd": "INTERACT_WORD_V2", "data": {"pb": base64.b64encode(payload).decode()}})
    except CommandError as exc:
        assert exc.kind == "malformed INTERACT_WORD_V2"
