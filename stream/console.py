"""The operator console: a static page, a token-protected control API, live events (SSE), the
WebRTC signalling endpoint and /metrics, all on one local HTTP server.

Token: LIVEHOST_CONSOLE_TOKEN, or a token file; when neither is given a random token is written
to a new 0600 file whose path (never the token) is printed and logged. Requests carry it as
`Authorization: Bearer <token>`. The server binds 127.0.0.1 unless configured otherwise.
The preview's signalling (/offer) and /metrics need no token from this machine itself (the
preview page and a local scraper); from anywhere else they need it too.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .control import ControlError, ShowControl
from .http_server import HttpError, HttpServer, Request, Response, json_response
from .jsonlog import SECRETS
from .metrics import ShowMetrics
from .webrtc import OfferError, WebRtcHub

log = logging.getLogger("livehost.console")
TOKEN_ENV = "LIVEHOST_CONSOLE_TOKEN"
EVENT_QUEUE = 256  # a console that cannot keep up is disconnected and reconnects
RECENT_EVENTS = 100  # replayed to a console that (re)connects
_STATIC = {"/": ("console.html", "text/html; charset=utf-8"),
           "/console.js": ("console.js", "text/javascript; charset=utf-8"),
           "/viewer": ("viewer.html", "text/html; charset=utf-8"),
           "/webrtc.js": ("webrtc.js", "text/javascript; charset=utf-8")}


@dataclass(frozen=True)
class ConsoleToken:
    value: str
    source: str  # where the operator finds it: env, a file path


def resolve_token(token_file: str | os.PathLike | None, state_dir: Path) -> ConsoleToken:
    env = os.environ.get(TOKEN_ENV)
    if env:
        token = ConsoleToken(env.strip(), f"${TOKEN_ENV}")
    elif token_file is not None and Path(token_file).is_file():
        token = ConsoleToken(Path(token_file).read_text(encoding="utf-8").strip(), str(token_file))
    else:
        path = Path(token_file) if token_file is not None else state_dir / "console.token"
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(24)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(value + "\n")
        os.chmod(path, 0o600)
        token = ConsoleToken(value, str(path))
    if len(token.value) < 16:
        raise ValueError(f"console token from {token.source} is shorter than 16 characters")
    SECRETS.add(token.value)
    return token


class EventHub:
    """Console events (chat, proposals, audit, errors) to every connected console."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[str | None]] = set()
        self._recent: deque[str] = deque(maxlen=RECENT_EVENTS)
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish_threadsafe(self, event: dict) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.publish, event)

    def publish(self, event: dict) -> None:
        text = json.dumps(event, ensure_ascii=False)
        self._recent.append(text)
        for q in list(self._subscribers):
            try:
                q.put_nowait(text)
            except asyncio.QueueFull:
                self._subscribers.discard(q)
                q.get_nowait()
                q.put_nowait(None)

    async def stream(self) -> AsyncIterator[bytes]:
        q: asyncio.Queue[str | None] = asyncio.Queue(maxsize=EVENT_QUEUE)
        for text in self._recent:
            q.put_nowait(text)
        self._subscribers.add(q)
        try:
            yield b": connected\n\n"
            while True:
                try:
                    text = await asyncio.wait_for(q.get(), timeout=15)
                except asyncio.TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if text is None:
                    return
                yield f"data: {text}\n\n".encode("utf-8")
        finally:
            self._subscribers.discard(q)

    def close(self) -> None:
        for q in list(self._subscribers):
            while not q.empty():
                q.get_nowait()
            q.put_nowait(None)
        self._subscribers.clear()


class ConsoleServer:
    def __init__(self, token: ConsoleToken, control: ShowControl, hub: EventHub, webrtc: WebRtcHub,
                 metrics: ShowMetrics, state: Callable[[], dict], host: str = "127.0.0.1", port: int = 8090,
                 allowed_hosts: frozenset[str] = frozenset()) -> None:
        self._token = token
        self._control = control
        self._hub = hub
        self._webrtc = webrtc
        self._metrics = metrics
        self._state = state
        self.http = HttpServer(host, port, allowed_hosts)
        for path in _STATIC:
            self.http.route("GET", path, self._static)
        self.http.route("GET", "/metrics", self._metrics_page)
        self.http.route("POST", "/offer", self._offer)
        self.http.route("GET", "/api/state", self._api_state)
        self.http.route("GET", "/api/events", self._api_events)
        self.http.route("POST", "/api/action", self._api_action)

    @property
    def url(self) -> str:
        return self.http.base_url + "/"

    async def start(self) -> None:
        self._hub.bind(asyncio.get_running_loop())
        await self.http.start()

    async def close(self) -> None:
        self._hub.close()
        await self._webrtc.close()
        await self.http.close()

    def _authorise(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token.value.encode()):
            log.warning("refused %s %s: %s console token", request.method, request.path,
                        "wrong" if given else "missing")
            raise HttpError(401, "a valid console token is required (Authorization: Bearer <token>)")

    def _authorise_unless_local(self, request: Request) -> None:
        if not request.from_loopback:
            self._authorise(request)

    async def _static(self, request: Request) -> Response:
        name, content_type = _STATIC[request.path]
        body = resources.files("stream").joinpath("static", name).read_bytes()
        return Response(200, body, content_type, {
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
                                       "style-src 'self' 'unsafe-inline'; connect-src 'self'; "
                                       "frame-ancestors 'none'"})

    async def _metrics_page(self, request: Request) -> Response:
        self._authorise_unless_local(request)
        return Response(200, self._metrics.render().encode(), "text/plain; version=0.0.4; charset=utf-8")

    async def _offer(self, request: Request) -> Response:
        self._authorise_unless_local(request)
        data = request.json()
        try:
            answer = await self._webrtc.answer(data.get("sdp"), data.get("type"))
        except OfferError as exc:
            raise HttpError(400 if "expected" in str(exc) or "cannot" in str(exc) else 503, str(exc)) from None
        return json_response({"sdp": answer.sdp, "type": answer.type})

    async def _api_state(self, request: Request) -> Response:
        self._authorise(request)
        return json_response(self._state())

    async def _api_events(self, request: Request) -> Response:
        self._authorise(request)
        return Response(200, content_type="text/event-stream; charset=utf-8", stream=self._hub.stream())

    async def _api_action(self, request: Request) -> Response:
        self._authorise(request)
        try:
            result = await self._control.handle(request.json())
        except ControlError as exc:
            self._hub.publish({"type": "error", "message": str(exc)})
            raise HttpError(400, str(exc)) from None
        return json_response({"ok": True, **result})
