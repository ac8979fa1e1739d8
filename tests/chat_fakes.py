"""Fakes for the chat source tests: a clock that moves only when told, and Bilibili frames built
from the documented layout (16-byte big-endian header; zlib and brotli bodies of several packets)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
import zlib

import brotli


class ManualClock:
    """now() moves only by advance(); sleepers wake when their time has come."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, asyncio.Future]] = []

    def now(self) -> float:
        return self._now

    async def sleep_until(self, t: float) -> None:
        if t <= self._now:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((t, future))
        try:
            await future
        finally:
            self._sleepers = [(w, f) for w, f in self._sleepers if f is not future]

    def waiting(self) -> list[float]:
        return sorted(w - self._now for w, f in self._sleepers if not f.done())

    def advance(self, seconds: float) -> None:
        self._now += seconds
        for when, future in self._sleepers:
            if when <= self._now and not future.done():
                future.set_result(None)


async def until(condition, what: str, steps: int = 400) -> None:
    """Let the loop run until `condition()` holds (bounded: loopback I/O only, no wall-clock pacing)."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def packet(operation: int, body: bytes | dict | str = b"", version: int = 0, sequence: int = 0) -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    if isinstance(body, str):
        body = body.encode("utf-8")
    return struct.pack(">IHHII", 16 + len(body), 16, version, operation, sequence) + body


def command(cmd: dict) -> bytes:
    return packet(5, cmd, version=0)


def zlib_frame(*commands: dict) -> bytes:
    return packet(5, zlib.compress(b"".join(command(c) for c in commands)), version=2)


def brotli_frame(*commands: dict) -> bytes:
    return packet(5, brotli.compress(b"".join(command(c) for c in commands)), version=3)


def auth_reply(code: int = 0) -> bytes:
    return packet(8, {"code": code}, version=1)


def heartbeat_reply(popularity: int) -> bytes:
    # As the server sends it: the length counts the 4-byte popularity only, the echo of the
    # client's heartbeat body trails it.
    return struct.pack(">IHHII", 20, 16, 1, 3, 0) + popularity.to_bytes(4, "big") + b"[object Object]"


def danmu(text: str, uid: int, uname: str, id_str: str | None = None, ts_ms: int = 1700000000000) -> dict:
    extra = {"extra": json.dumps({"id_str": id_str, "content": text})} if id_str else {}
    meta = [0, 1, 25, 16777215, ts_ms, 1700000000, 0, "abcd", 0, 0, 0, "", 0, "{}", "{}", extra, {}]
    return {"cmd": "DANMU_MSG", "info": [meta, text, [uid, uname, 0, 0, 0, 10000, 1, ""], [], [], [], 0, 0, None,
                                         {"ts": ts_ms // 1000, "ct": "X"}, 0, 0, None, None, 0, 7]}


def gift(uid: int, uname: str, name: str, tid: str) -> dict:
    return {"cmd": "SEND_GIFT", "data": {"uid": uid, "uname": uname, "giftName": name, "num": 1, "tid": tid,
                                          "timestamp": 1700000001, "giftId": 31036}}


def interact(uid: int, uname: str, msg_type: int, trigger_time: int) -> dict:
    return {"cmd": "INTERACT_WORD", "data": {"uid": uid, "uname": uname, "msg_type": msg_type,
                                              "trigger_time": trigger_time, "timestamp": trigger_time // 10**9}}


def like(uid: int, uname: str) -> dict:
    return {"cmd": "LIKE_INFO_V3_CLICK", "data": {"uid": uid, "uname": uname, "like_text": "为主播点赞了"}}


def super_chat(sc_id: int, uid: int, uname: str, message: str) -> dict:
    return {"cmd": "SUPER_CHAT_MESSAGE", "data": {"id": sc_id, "uid": uid, "message": message, "price": 30,
                                                   "user_info": {"uname": uname}}}


async def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    """A real HTTP/1.1 POST over loopback; (status, JSON reply)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    writer.write(head.encode("latin-1") + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), json.loads(payload or b"{}")


# WBI key pairs as the nav API hands them out, with their mixin keys. The first pair and its mixin
# key are bilibili-API-collect's worked example (docs/misc/sign/wbi.md); the second pair is the
# doc's older example, its mixin key computed with the documented table.
WBI_KEYS = [("7cd084941338484aae1ad9425b84077c", "4932caff0ff746eab6f01bf08b70ac45", "ea1db124af3c7062474693fa704f4ff8"),
            ("653657f524a547ac981ded72ea172057", "6e4909c702f846728e64f6007736a338", "72136226c6a73669787ee4fd02a74c27")]


class FakeBiliWebApi:
    """The web route's HTTP API: room_init; nav, handing out the current WBI keys (logged out, as
    the platform does: code -101 with the keys); getDanmuInfo, refusing with -352 any request
    whose w_rid is missing or is not md5(query before it + the current mixin key) as the platform
    does. `rotate()` moves to the next key pair, as the platform does daily."""

    def __init__(self, real_room: int = 21452505, wall_clock=lambda: 1765000000.0,
                 host: str = "zj-cn-live-comet.chat.bilibili.com", wss_port: int = 2245) -> None:
        self.real_room, self.wall_clock, self.host, self.wss_port = real_room, wall_clock, host, wss_port
        self.key_index = 0
        self.calls: list[tuple[str, dict]] = []  # (url, headers)
        self.refused = 0

    def rotate(self) -> None:
        self.key_index = (self.key_index + 1) % len(WBI_KEYS)

    def urls(self, part: str) -> list[str]:
        return [url for url, _ in self.calls if part in url]

    def signature_ok(self, query: str) -> bool:
        signed, sep, w_rid = query.rpartition("&w_rid=")
        fields = dict(pair.split("=", 1) for pair in signed.split("&")) if sep else {}
        if not sep or fields.get("wts") != str(int(self.wall_clock())):
            return False
        return hashlib.md5((signed + WBI_KEYS[self.key_index][2]).encode()).hexdigest() == w_rid

    async def __call__(self, method: str, url: str, headers: dict, body: bytes | None) -> dict:
        self.calls.append((url, dict(headers)))
        path, _, query = url.partition("?")
        if path.endswith("/room/v1/Room/room_init"):
            return {"code": 0, "data": {"room_id": self.real_room}}
        if path.endswith("/x/web-interface/nav"):
            img, sub, _ = WBI_KEYS[self.key_index]
            return {"code": -101, "message": "账号未登录", "data": {"isLogin": False, "wbi_img": {
                "img_url": f"https://i0.hdslb.com/bfs/wbi/{img}.png", "sub_url": f"https://i0.hdslb.com/bfs/wbi/{sub}.png"}}}
        if path.endswith("/xlive/web-room/v1/index/getDanmuInfo"):
            if not self.signature_ok(query):
                self.refused += 1
                return {"code": -352, "message": "-352", "data": {"v_voucher": "voucher_x"}}
            return {"code": 0, "data": {"token": "tok-abc", "host_list": [{"host": self.host, "wss_port": self.wss_port}]}}
        raise AssertionError(f"unexpected request {method} {path}")


def pb_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def pb_field(number: int, value: int | bytes | str) -> bytes:
    """One protobuf field as the encoder writes it: an int as a varint, bytes or str length-delimited."""
    if isinstance(value, int):
        return pb_varint(number << 3) + pb_varint(value)
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return pb_varint(number << 3 | 2) + pb_varint(len(raw)) + raw


def interact_v2(uid: int, uname: str, msg_type: int, trigger_time: int, extra: bytes = b"") -> dict:
    """INTERACT_WORD_V2 with its payload built from the documented field numbers (1 uid, 2 uname,
    5 msg_type, 7 timestamp, 15 trigger_time), as the room sends it: base64 in data.pb."""
    payload = (pb_field(1, uid) + pb_field(2, uname) + pb_field(5, msg_type) + pb_field(7, trigger_time // 10**9)
               + pb_field(15, trigger_time) + extra)
    return {"cmd": "INTERACT_WORD_V2", "data": {"dmscore": 12, "pb": base64.b64encode(payload).decode("ascii")}}
