"""A small HTTP/1.1 receiver for platform callbacks: POST to one path, bounded, one request per connection.

Platforms retry or drop pushes that are not answered 2xx within a couple of seconds, so the
handler is synchronous and quick (verify, parse, hand over), and every reply closes the
connection. The handler's exceptions become a 500 without a traceback in the reply.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger("livehost.chat.http")
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 512 * 1024  # a push of a few hundred comments; more is refused (413)
READ_TIMEOUT_S = 10.0  # a client that stalls mid-request is dropped (this is I/O safety, not show logic)
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required", 413: "Payload Too Large",
            429: "Too Many Requests", 500: "Internal Server Error"}


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    client: str = ""


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: dict

    def encode(self) -> bytes:
        payload = json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        head = (f"HTTP/1.1 {self.status} {_REASONS.get(self.status, 'Error')}\r\n"
                f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(payload)}\r\n"
                "Connection: close\r\n\r\n")
        return head.encode("ascii") + payload


Handler = Callable[[HttpRequest], HttpReply]


class HttpReceiver:
    def __init__(self, handler: Handler, path: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self._handler = handler
        self._path = path
        self._host = host
        self._port = port
        self._server: asyncio.base_events.Server | None = None

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1] if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}{self._path}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._host, self._port, limit=MAX_HEADER_BYTES)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        try:
            try:
                request = await asyncio.wait_for(self._read(reader, peer[0] if peer else ""), READ_TIMEOUT_S)
            except asyncio.TimeoutError:
                reply = HttpReply(408, {"ok": False, "error": "request not complete in time"})
            except _Refused as refusal:
                reply = refusal.reply
            else:
                reply = self._route(request)
            writer.write(reply.encode())
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    def _route(self, request: HttpRequest) -> HttpReply:
        if request.path.split("?", 1)[0] != self._path:
            return HttpReply(404, {"ok": False, "error": f"nothing at {request.path[:80]}; post to {self._path}"})
        if request.method != "POST":
            return HttpReply(405, {"ok": False, "error": "only POST"})
        try:
            return self._handler(request)
        except Exception:  # a handler bug must answer, not hang the platform's request
            log.exception("chat callback handler failed")
            return HttpReply(500, {"ok": False, "error": "internal error"})

    async def _read(self, reader: asyncio.StreamReader, client: str) -> HttpRequest:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise _Refused(413, f"headers over {MAX_HEADER_BYTES} bytes") from None
        except asyncio.IncompleteReadError:
            raise ConnectionError("closed before the headers ended") from None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _Refused(400, "not an HTTP/1.1 request line")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, sep, value = line.partition(":")
                if not sep:
                    raise _Refused(400, f"header line without a colon: {line[:40]!r}")
                headers[name.strip().lower()] = value.strip()
        if "transfer-encoding" in headers:
            raise _Refused(411, "send a Content-Length, not chunked")
        length_text = headers.get("content-length", "0")
        if not length_text.isdigit():
            raise _Refused(400, "Content-Length is not a number")
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise _Refused(413, f"body of {length} bytes, limit {MAX_BODY_BYTES}")
        body = await reader.readexactly(length) if length else b""
        return HttpRequest(parts[0], parts[1], headers, body, client)


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.reply = HttpReply(status, {"ok": False, "error": error})
