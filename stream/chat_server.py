"""Live chat over a websocket: each text frame is a DESIGN.md chat event.

Valid events go to the show and get {"ok": true}; malformed frames get {"ok": false, "error"}
and are logged; neither ever stops the loop. Each connection, and the room as a whole, has a
rate limit (stream.admission): a valid event over it is refused with {"ok": false, "error":
"rate limited: ...", "retry_after_s": ...} and never reaches the show. Replies the host puts on
air are broadcast to every connected client; only the connection that sent the question gets it
back with the viewer's id and words (other clients get what was said on air, which everyone
heard anyway). With a chat token (LIVEHOST_CHAT_TOKEN or the show config's chat token_file)
a client must present it at the handshake (`Authorization: Bearer <token>` or `?token=`), else
it is refused with 401 before any frame is read.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections import OrderedDict
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from typing import Callable

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response
from websockets.exceptions import ConnectionClosed

from script.chat import MAX_FRAME_CHARS, ChatEvent, ChatFormatError, parse_chat_event

from .admission import Admission, ChatLimits
from .clock import MediaClock, RealClock
from .jsonlog import SECRETS


log = logging.getLogger("livehost.chat")
_LOGGED_MALFORMED = 20  # and every 1000th after: a flood must not flood the log
_MAX_IN_FLIGHT = 64  # broadcasts waiting to be written to one client before it is skipped
_MAX_FRAME_BYTES = MAX_FRAME_CHARS * 4  # UTF-8 worst case; larger frames close the connection (1009)
_REMEMBERED_ASKERS = 4096  # which connection each recent viewer asked from
_PRIVATE_FIELDS = ("user", "question")


CHAT_TOKEN_ENV = "LIVEHOST_CHAT_TOKEN"


def chat_token(token_file: str | None) -> str | None:
    """The chat token from the environment or a file; None means chat needs no login."""
    value = os.environ.get(CHAT_TOKEN_ENV) or (Path(token_file).read_text(encoding="utf-8") if token_file else "")
    value = value.strip()
    if not value:
        return None
    if len(value) < 16:
        raise ValueError(f"chat token from {CHAT_TOKEN_ENV if os.environ.get(CHAT_TOKEN_ENV) else token_file} "
                         "is shorter than 16 characters")
    SECRETS.add(value)
    return value


class ChatServer:
    def __init__(self, submit: Callable[[ChatEvent], None], show_time: Callable[[], float],
                 host: str = "127.0.0.1", port: int = 8765, limits: ChatLimits | None = None,
                 clock: MediaClock | None = None, token: str | None = None) -> None:
        self.submit = submit  # where admitted events go (stream.chat_sources may re-point it)
        self._show_time = show_time  # seconds since the show's first frame (DESIGN.md chat `t`)
        self.admission = Admission(limits)
        self._clock = clock or RealClock()  # the rate limits' time
        self._host = host
        self._port = port
        self._token = token
        self.refused_logins = 0
        self._server: Server | None = None
        self._clients: set[ServerConnection] = set()
        self.malformed = 0
        self.skipped_broadcasts = 0
        self._in_flight: dict[ServerConnection, int] = {}
        self._asked_from: OrderedDict[str, ServerConnection] = OrderedDict()

    @property
    def url(self) -> str:
        return f"ws://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return self._server.sockets[0].getsockname()[1]

    async def start(self) -> None:
        self._server = await serve(self._handle, self._host, self._port, max_size=_MAX_FRAME_BYTES,
                                   max_queue=64, process_request=self._login if self._token else None)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _login(self, connection: ServerConnection, request: Request) -> Response | None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            given = parse_qs(urlsplit(request.path).query).get("token", [""])[0]
        assert self._token is not None
        if hmac.compare_digest(given.strip().encode(), self._token.encode()):
            return None
        self.refused_logins += 1
        if self.refused_logins <= _LOGGED_MALFORMED or self.refused_logins % 1000 == 0:
            log.warning("chat connection from %s refused: %s chat token", connection.remote_address,
                        "wrong" if given else "no")
        return connection.respond(HTTPStatus.UNAUTHORIZED, "a valid chat token is required\n")

    async def _handle(self, connection: ServerConnection) -> None:
        self._clients.add(connection)
        try:
            async for frame in connection:
                await connection.send(json.dumps(self._accept(frame, connection), ensure_ascii=False))
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(connection)
            self.admission.forget(connection)
            for user in [u for u, c in self._asked_from.items() if c is connection]:
                del self._asked_from[user]

    def _accept(self, frame: str | bytes, connection: ServerConnection) -> dict:
        try:
            event = parse_chat_event(frame, arrived_at=self._show_time())
        except ChatFormatError as exc:
            self.malformed += 1
            if self.malformed <= _LOGGED_MALFORMED or self.malformed % 1000 == 0:
                log.warning("malformed chat frame from %s: %s (%d so far)", connection.remote_address, exc,
                            self.malformed)
            return {"ok": False, "error": str(exc)}
        refusal = self.admission.admit(connection, self._clock.now())
        if refusal is not None:
            refused = sum(self.admission.refused.values())
            if refused <= _LOGGED_MALFORMED or refused % 1000 == 0:
                log.warning("chat from %s rate limited: %s (%d refused so far)", connection.remote_address,
                            refusal.reason, refused)
            return refusal.reply()
        self.submit(event)
        self._asked_from[event.user] = connection
        self._asked_from.move_to_end(event.user)
        while len(self._asked_from) > _REMEMBERED_ASKERS:
            self._asked_from.popitem(last=False)
        return {"ok": True, "t": round(event.t, 3)}

    def broadcast(self, message: dict) -> None:
        """Send to every client; call from the event loop thread. A client that stopped reading
        misses broadcasts instead of piling up unsent messages in the server."""
        public = json.dumps({k: v for k, v in message.items() if k not in _PRIVATE_FIELDS}, ensure_ascii=False)
        asker = self._asked_from.get(message.get("user", "")) if isinstance(message.get("user"), str) else None
        for connection in list(self._clients):
            text = json.dumps(message, ensure_ascii=False) if connection is asker else public
            if self._in_flight.get(connection, 0) >= _MAX_IN_FLIGHT:
                self.skipped_broadcasts += 1
                continue
            self._in_flight[connection] = self._in_flight.get(connection, 0) + 1
            asyncio.ensure_future(self._send_quietly(connection, text))

    async def _send_quietly(self, connection: ServerConnection, text: str) -> None:
        try:
            await connection.send(text)
        except ConnectionClosed:
            pass
        finally:
            left = self._in_flight.get(connection, 1) - 1
            if left > 0:
                self._in_flight[connection] = left
            else:
                self._in_flight.pop(connection, None)
