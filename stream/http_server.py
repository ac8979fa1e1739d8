"""A small HTTP/1.1 server on asyncio streams for the console, control API, signalling and
metrics. One request per connection; bounded headers and bodies; handlers are async.

Every request must name this server in its Host header: an IP address, localhost or a name the
operator allowed. A page on another site whose name was re-pointed at this machine (DNS
rebinding) names its own host and is refused. A POST must carry a JSON body and, when the
browser says where it comes from (Origin), come from this server's own pages: another site's
page can neither send a form here nor pass a CORS preflight (OPTIONS is never allowed).
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from script.bounded_input import JsonLimitError, loads

log = logging.getLogger("livehost.http")
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
            421: "Misdirected Request", 503: "Service Unavailable"}
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                     "Content-Security-Policy": "frame-ancestors 'none'", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    client: str = ""  # the peer's IP address

    @property
    def from_loopback(self) -> bool:
        return is_loopback(self.client)

    def json(self) -> dict:
        try:
            data = loads(self.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError, JsonLimitError) as exc:
            raise HttpError(400, f"body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise HttpError(400, "body must be a JSON object")
        return data


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stream: AsyncIterator[bytes] | None = None  # server-sent events and other open-ended bodies


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address == "localhost"


def host_name(header: str) -> str:
    """The name part of a Host header: "[::1]:8090" -> "::1", "example.com:80" -> "example.com"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def json_response(data: object, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, allowed_hosts: frozenset[str] = frozenset()) -> None:
        self._host = host
        self._port = port
        self._allowed_hosts = frozenset({"localhost", host.lower(), *(h.lower() for h in allowed_hosts)})
        self._routes: dict[tuple[str, str], Handler] = {}
        self._server: asyncio.base_events.Server | None = None
        self._streams: set[asyncio.Task] = set()

    def route(self, method: str, path: str, handler: Handler) -> None:
        self._routes[(method, path)] = handler

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1] if self._server else self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self._host, self._port,
                                                  limit=MAX_HEADER_BYTES)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._streams):
                task.cancel()
            await asyncio.gather(*self._streams, return_exceptions=True)
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        try:
            request = await asyncio.wait_for(self._read_request(reader), timeout=10)
            peer = writer.get_extra_info("peername")
            request = Request(request.method, request.path, request.query, request.headers, request.body,
                              str(peer[0]) if peer else "")
            self._check_sender(request)
            response = await self._dispatch(request)
            if response.stream is not None and task is not None:
                self._streams.add(task)
            await self._write(writer, response)
        except HttpError as exc:
            await self._write(writer, json_response({"ok": False, "error": exc.message}, exc.status))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError,
                ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._streams.discard(task)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> Request:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise HttpError(400, "bad request line")
        method, target, _ = parts
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise HttpError(413, f"body larger than {MAX_BODY_BYTES} bytes")
        body = await reader.readexactly(length) if length else b""
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        return Request(method.upper(), url.path, query, headers, body)

    def _check_sender(self, request: Request) -> None:
        host = request.headers.get("host", "")
        name = host_name(host)
        if not name:
            raise HttpError(400, "a Host header is required")
        if name not in self._allowed_hosts and not _is_ip(name):
            log.warning("refused %s %s for Host %r (not this server's name)", request.method, request.path, host[:80])
            raise HttpError(421, "this server does not answer to that Host name")
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise HttpError(415, "a POST body must be application/json")
            origin = request.headers.get("origin")
            if origin is not None and origin.lower() != f"http://{host.lower()}":
                log.warning("refused %s %s from another site's page (Origin %r)", request.method, request.path,
                            origin[:80])
                raise HttpError(403, "requests from another site's pages are refused")

    async def _dispatch(self, request: Request) -> Response:
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            allowed = any(path == request.path for _, path in self._routes)
            raise HttpError(405 if allowed else 404, f"no {request.method} {request.path}")
        return await handler(request)

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, response: Response) -> None:
        reason = _REASONS.get(response.status, "Error")
        headers = {"Content-Type": response.content_type, "Cache-Control": "no-store", **_SECURITY_HEADERS,
                   "Connection": "close", **response.headers}
        if response.stream is None:
            headers["Content-Length"] = str(len(response.body))
        head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(head.encode("latin-1") + b"\r\n" + response.body)
        await writer.drain()
        if response.stream is not None:
            async for data in response.stream:
                writer.write(data)
                await writer.drain()
