"""A small HTTP/1.1 server on asyncio streams for the console, control API, signalling and
metrics. One request per connection; bounded headers and bodies; handlers are async."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from script.bounded_input import JsonLimitError, loads

log = logging.getLogger("livehost.http")
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 413: "Payload Too Large", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

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


def json_response(data: object, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
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

    async def _dispatch(self, request: Request) -> Response:
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            allowed = any(path == request.path for _, path in self._routes)
            raise HttpError(405 if allowed else 404, f"no {request.method} {request.path}")
        return await handler(request)

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, response: Response) -> None:
        reason = _REASONS.get(response.status, "Error")
        headers = {"Content-Type": response.content_type, "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", "Connection": "close", **response.headers}
        if response.stream is None:
            headers["Content-Length"] = str(len(response.body))
        head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(head.encode("latin-1") + b"\r\n" + response.body)
        await writer.drain()
        if response.stream is not None:
            async for data in response.stream:
                writer.write(data)
                await writer.drain()
