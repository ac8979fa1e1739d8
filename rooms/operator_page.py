"""One operator page for every room: state and figures per room, a link to each room's console.

It runs as a detached Ray actor (no room_slot), so it lives as long as the rooms, on the local
machine or the cluster's head. The page is static; `/api/rooms` needs the operator token
(`Authorization: Bearer …`), which comes from the named environment variable, the named file,
or a random one written to `<state_dir>/operator.token` (mode 0600, only its path is logged).
Rooms' own console tokens never pass through here: each console asks for its own.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
import threading
from importlib import resources
from pathlib import Path

import ray

from stream.http_server import HttpError, HttpServer, Request, Response, json_response

from .actor import NAMESPACE
from .config import OperatorSpec
from .status import RoomStatus

log = logging.getLogger("livehost.rooms")
PAGE_ACTOR = "operator-page"
_STATIC = {"/": ("operator.html", "text/html; charset=utf-8"), "/operator.js": ("operator.js", "text/javascript")}
_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
STATUS_TIMEOUT_S = 5.0


def operator_token(spec: OperatorSpec, state_dir: str) -> tuple[str, str]:
    """(token, where it came from). The source is safe to print; the token never is."""
    if spec.token_env:
        return os.environ.get(spec.token_env, "").strip(), f"${spec.token_env}"
    path = Path(spec.token_file or Path(state_dir) / "operator.token")
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(24))
    return path.read_text(encoding="utf-8").strip(), str(path)


def gather_statuses(timeout: float = STATUS_TIMEOUT_S) -> list[RoomStatus]:
    """Every room's status, asked of all rooms at once; a room that cannot answer says so."""
    from .cluster import room_actor, room_names
    names = room_names()
    pending = {name: room_actor(name) for name in names}
    refs = {name: actor.status.remote() for name, actor in pending.items() if actor is not None}
    ready, _ = ray.wait(list(refs.values()), num_returns=len(refs), timeout=timeout) if refs else ([], [])
    done = set(ready)
    statuses = []
    for name in names:
        ref = refs.get(name)
        if ref is not None and ref in done:
            try:
                statuses.append(ray.get(ref))
                continue
            except ray.exceptions.RayError as exc:
                statuses.append(RoomStatus(name=name, state="unreachable", last_error=type(exc).__name__))
                continue
        statuses.append(RoomStatus(name=name, state="pending",
                                   last_error="no answer yet: waiting for a node with a free room_slot, or starting"))
    return statuses


class OperatorPage:
    def __init__(self, spec: OperatorSpec, state_dir: str) -> None:
        self._token, source = operator_token(spec, state_dir)
        if len(self._token) < 16:
            raise ValueError(f"operator token from {source} is shorter than 16 characters")
        self._server = HttpServer(spec.host, spec.port)
        for path in _STATIC:
            self._server.route("GET", path, self._static)
        self._server.route("GET", "/api/rooms", self._rooms)
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._error: BaseException | None = None
        threading.Thread(target=self._serve, args=(started,), daemon=True, name="operator-page").start()
        started.wait(30)
        if self._error is not None:
            raise self._error
        log.info("operator page on %s (token: %s)", self._server.base_url, source)
        self._source = source

    def url(self) -> tuple[str, str]:
        return self._server.base_url, self._source

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._server.start())
        except BaseException as exc:  # surfaced by __init__ (a port in use, say)
            self._error = exc
            started.set()
            return
        started.set()
        self._loop.run_forever()

    async def _static(self, request: Request) -> Response:
        name, content_type = _STATIC[request.path]
        body = resources.files("rooms").joinpath("static", name).read_bytes()
        return Response(200, body, content_type, {"Content-Security-Policy": _CSP})

    async def _rooms(self, request: Request) -> Response:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token.encode()):
            raise HttpError(401, "the operator token is required (Authorization: Bearer <token>)")
        statuses = await asyncio.to_thread(gather_statuses)
        return json_response({"rooms": [s.to_json() for s in statuses]})


def ensure_operator_page(spec: OperatorSpec, state_dir: str) -> tuple[str, str]:
    """Starts the page unless it runs already; returns (its URL, where its token is)."""
    try:
        page = ray.get_actor(PAGE_ACTOR, namespace=NAMESPACE)
    except ValueError:
        # On the head: where `rooms up` runs, the operator's token is, and the page's port is published.
        page = ray.remote(OperatorPage).options(name=PAGE_ACTOR, namespace=NAMESPACE, lifetime="detached",
                                                max_restarts=-1, num_cpus=0, max_concurrency=4,
                                                resources={"node:__internal_head__": 0.001},
                                                get_if_exists=True).remote(spec, state_dir)
    return ray.get(page.url.remote(), timeout=60)


def stop_operator_page() -> None:
    try:
        ray.kill(ray.get_actor(PAGE_ACTOR, namespace=NAMESPACE), no_restart=True)
    except ValueError:
        pass
