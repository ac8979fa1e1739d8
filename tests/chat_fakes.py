"""Fakes for the chat source tests: a clock that moves only when told, and Bilibili frames built
from the documented layout (16-byte big-endian header; zlib and brotli bodies of several packets)."""
from __future__ import annotations

import asyncio
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
