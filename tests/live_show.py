"""A real-time show with its console, run on a background thread for tests that act as clients."""
from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

from speech.voice import make_engine
from stream.catalog_file import default_catalog
from stream.live import LiveConfig, LiveShow
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

TOKEN = "test-console-token-0123456789"


def make_producer(persona_id: str = "default", first_frame: int = 0) -> ShowProducer:
    persona = load_persona(persona_id)
    engine = espeak_engine(persona.voice)
    return ShowProducer(default_catalog(), persona, engine, first_frame=first_frame)


def espeak_engine(voice):
    """The fast exact-timing engine for live tests (Kokoro has its own tests): keeps the suite quick."""
    engine = make_engine(voice.with_engine("espeak"))
    engine.load()
    return engine


class ShowThread:
    def __init__(self, tmp_path: Path, config: LiveConfig | None = None, **show_kwargs) -> None:
        token_file = tmp_path / "console.token"
        token_file.write_text(TOKEN)
        self.config = config or LiveConfig(chat_port=0, live_view=False, console=True, console_port=0,
                                           console_token_file=str(token_file), state_dir=str(tmp_path))
        self._show_kwargs = show_kwargs
        self.loop = asyncio.new_event_loop()
        self.show: LiveShow | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc
            self._started.set()

    async def _main(self) -> None:
        self._show_kwargs.setdefault("make_engine", espeak_engine)
        self.show = LiveShow(make_producer(), self.config, **self._show_kwargs)
        task = asyncio.create_task(self.show.run())
        await asyncio.wait({task, asyncio.create_task(self.show.ready.wait())}, return_when=asyncio.FIRST_COMPLETED)
        self._started.set()
        await task

    def __enter__(self) -> "ShowThread":
        self._thread.start()
        if not self._started.wait(60) or self.error is not None:
            raise AssertionError(f"show did not start: {self.error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.show is not None:
            self.loop.call_soon_threadsafe(self.show.stop)
        self._thread.join(60)
        assert not self._thread.is_alive(), "show did not stop"

    @property
    def base_url(self) -> str:
        assert self.show is not None and self.show.console is not None
        return self.show.console.http.base_url

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = TOKEN,
                timeout: float = 20) -> tuple[int, dict | str]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                status, raw = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read().decode()
        try:
            return status, json.loads(raw)
        except json.JSONDecodeError:
            return status, raw

    def action(self, operator: str = "Li Na", **fields) -> tuple[int, dict]:
        return self.request("POST", "/api/action", {"operator": operator, **fields})
