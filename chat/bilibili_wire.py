"""The Bilibili live danmaku wire format, sans I/O: bytes in, packets out, and back.

Every websocket binary message holds one or more packets, each a 16-byte big-endian header
(packet length, header length, protocol version, operation, sequence) and a body. A body of
protocol 2 (zlib) or 3 (brotli) is itself a run of packets, usually several commands at once.
Anything malformed raises `FrameError` naming the kind of problem, so the caller can log each
kind once and skip it.
"""
from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass

import brotli

HEADER = struct.Struct(">IHHII")
HEADER_LEN = HEADER.size  # 16

# Protocol versions (the header's "ver" field)
PLAIN, HEARTBEAT_VER, ZLIB, BROTLI = 0, 1, 2, 3
# Operations
HEARTBEAT, HEARTBEAT_REPLY, COMMAND, AUTH, AUTH_REPLY = 2, 3, 5, 7, 8

MAX_FRAME_BYTES = 1 << 20  # a real frame is a few KB; a megabyte is a broken or hostile server
MAX_INFLATED_BYTES = 4 << 20  # what one compressed body may expand to (a zip bomb stops here)
MAX_PACKETS = 2048  # per frame, after inflating


class FrameError(ValueError):
    """A frame that is not the documented layout; `kind` is stable, for logging once per kind."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass(frozen=True)
class Packet:
    operation: int
    version: int
    sequence: int
    body: bytes

    def json(self) -> object:
        """The body as JSON (commands, auth replies); FrameError when it is not."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise FrameError("body not JSON", f"operation {self.operation}: {type(exc).__name__}") from None


def encode_packet(operation: int, body: bytes | str | dict = b"", version: int = HEARTBEAT_VER,
                  sequence: int = 1) -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HEADER.pack(HEADER_LEN + len(body), HEADER_LEN, version, operation, sequence) + body


def auth_packet(auth_body: dict | str) -> bytes:
    return encode_packet(AUTH, auth_body)


def heartbeat_packet() -> bytes:
    # The web client sends this literal body; the server ignores it but some proxies drop empty frames.
    return encode_packet(HEARTBEAT, b"[object Object]")


def decode_frame(frame: bytes) -> list[Packet]:
    """Every packet in one websocket message, compressed bodies inflated (one level deep)."""
    if len(frame) > MAX_FRAME_BYTES:
        raise FrameError("frame too large", f"{len(frame)} bytes, limit {MAX_FRAME_BYTES}")
    packets: list[Packet] = []
    _split(frame, packets, nested=False)
    return packets


def _split(data: bytes, out: list[Packet], nested: bool) -> None:
    offset = 0
    if not data:
        raise FrameError("empty frame", "no bytes")
    while offset < len(data):
        if len(data) - offset < HEADER_LEN:
            raise FrameError("truncated header", f"{len(data) - offset} bytes left at offset {offset}, need {HEADER_LEN}")
        length, header_len, version, operation, sequence = HEADER.unpack_from(data, offset)
        if header_len < HEADER_LEN or header_len > length:
            raise FrameError("bad header length", f"header length {header_len}, packet length {length} at offset {offset}")
        if operation == HEARTBEAT_REPLY:
            # The reply's length counts only the 4-byte popularity; the client's heartbeat body may
            # follow it unaccounted, so nothing after it in this frame is a packet.
            body = data[offset + header_len:offset + max(length, header_len + 4)]
            out.append(Packet(operation, version, sequence, body))
            return
        if length > len(data) - offset:
            raise FrameError("truncated packet", f"packet length {length}, {len(data) - offset} bytes left at offset {offset}")
        body = data[offset + header_len:offset + length]
        offset += length
        if operation == COMMAND and version in (ZLIB, BROTLI):
            if nested:
                raise FrameError("nested compression", "a compressed body inside a compressed body")
            _split(_inflate(version, body), out, nested=True)
        else:
            out.append(Packet(operation, version, sequence, body))
        if len(out) > MAX_PACKETS:
            raise FrameError("too many packets", f"more than {MAX_PACKETS} in one frame")


def _inflate(version: int, body: bytes) -> bytes:
    try:
        if version == ZLIB:
            inflater = zlib.decompressobj()
            data = inflater.decompress(body, MAX_INFLATED_BYTES)
            if inflater.unconsumed_tail:
                raise FrameError("inflates too large", f"zlib body over {MAX_INFLATED_BYTES} bytes")
            if not inflater.eof:
                raise FrameError("bad zlib body", "stream ends early")
            return data
        decompressor = brotli.Decompressor()
        data = decompressor.process(body, output_buffer_limit=MAX_INFLATED_BYTES)
        if len(data) >= MAX_INFLATED_BYTES or not decompressor.can_accept_more_data():
            raise FrameError("inflates too large", f"brotli body over {MAX_INFLATED_BYTES} bytes")
        if not decompressor.is_finished():
            raise FrameError("bad brotli body", "stream ends early")
        return data
    except zlib.error as exc:
        raise FrameError("bad zlib body", str(exc)) from None
    except brotli.error as exc:
        raise FrameError("bad brotli body", str(exc)) from None


def popularity(packet: Packet) -> int:
    """The viewer count a heartbeat reply carries (0 when it carries none)."""
    return int.from_bytes(packet.body[:4], "big") if len(packet.body) >= 4 else 0
