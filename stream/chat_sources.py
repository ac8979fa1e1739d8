"""The show's chat sources: its own websocket and the platform adapters of package `chat`, together.

Every source's events pass the same room-wide admission (stream.admission) as the websocket's
frames, each source under its own rate (`rate`/`burst` in its config: a platform room's whole
chat arrives over one source), then go to the show. What is admitted may also be written to a
chat.jsonl in the replay format, so a real room's chat can be replayed before the next show.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Callable, TextIO

from chat.bilibili import BilibiliSource
from chat.config import SourceSpec
from chat.douyin import DouyinSource
from chat.source import ChatSource, Emit, ShowTime
from chat.webhook import WebhookSource
from script.chat import ChatEvent

from .admission import Admission
from .chat_server import ChatServer
from .clock import MediaClock
from .jsonlog import SECRETS

log = logging.getLogger("livehost.chat")
_LOGGED_REFUSALS = 20


class WebsocketSource:
    """livehost's own chat websocket as a ChatSource (it admits each connection's frames itself)."""

    name = "websocket"

    def __init__(self, server: ChatServer) -> None:
        self.server = server

    async def start(self, emit: Emit, show_time: ShowTime) -> None:
        self.server.submit = emit
        await self.server.start()

    async def stop(self) -> None:
        await self.server.close()


def register_secrets(specs: tuple[SourceSpec, ...]) -> None:
    """Cookies, app secrets and push secrets are scrubbed from every log line from now on."""
    for spec in specs:
        for secret in spec.secrets:
            SECRETS.add(secret.value)


def platform_source(spec: SourceSpec, clock: MediaClock) -> ChatSource:
    if spec.kind == "bilibili":
        return BilibiliSource(spec.settings, clock)
    if spec.kind == "douyin":
        return DouyinSource(spec.settings)
    if spec.kind == "webhook":
        return WebhookSource(spec.settings)
    raise ValueError(f"no platform source of kind {spec.kind!r}")


class ChatRecorder:
    """Admitted chat as replay lines (DESIGN.md chat events, `t` since show start), flushed per line."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: TextIO | None = self.path.open("a", encoding="utf-8")
        self.lines = 0

    def write(self, event: ChatEvent) -> None:
        if self._file is None:
            return
        line = {"t": round(event.t, 3), "type": event.type, "user": event.user, "nick": event.nick,
                "text": event.text, "platform": event.platform}
        self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._file.flush()
        self.lines += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class SourceGate:
    """Where every source's events enter the show: the room's admission, then `submit`."""

    def __init__(self, admission: Admission, clock: MediaClock, submit: Callable[[ChatEvent], None],
                 recorder: ChatRecorder | None = None) -> None:
        self._admission = admission
        self._clock = clock
        self._submit = submit
        self._recorder = recorder
        self.delivered: dict[str, int] = {}
        self.refused: dict[str, int] = {}

    def emit_for(self, name: str, rate: float, burst: float) -> Emit:
        def emit(event: ChatEvent) -> None:
            refusal = self._admission.admit(("source", name), self._clock.now(), (rate, burst))
            if refusal is not None:
                self.refused[name] = self.refused.get(name, 0) + 1
                count = self.refused[name]
                if count <= _LOGGED_REFUSALS or count % 1000 == 0:
                    log.warning("chat from %s over its limit: %s (%d dropped so far)", name, refusal.reason, count)
                return
            self.delivered[name] = self.delivered.get(name, 0) + 1
            self.record(event)
            self._submit(event)
        return emit

    def record(self, event: ChatEvent) -> None:
        if self._recorder is not None:
            self._recorder.write(event)


class ChatSources:
    """The show's websocket and its platform sources, started and stopped together, every event
    through one gate (and recorder)."""

    def __init__(self, server: ChatServer, specs: tuple[SourceSpec, ...], clock: MediaClock,
                 submit: Callable[[ChatEvent], None], record_path: str | None = None) -> None:
        self.recorder = ChatRecorder(record_path) if record_path else None
        self.gate = SourceGate(server.admission, clock, submit, self.recorder)
        self._submit = submit
        self._sources: list[tuple[ChatSource, SourceSpec | None]] = [(WebsocketSource(server), None)]
        self._sources += [(platform_source(spec, clock), spec) for spec in specs if spec.kind != "websocket"]

    def __iter__(self):
        return iter(self._sources)

    def __getitem__(self, index: int) -> tuple[ChatSource, SourceSpec | None]:
        return self._sources[index]

    def _from_websocket(self, event: ChatEvent) -> None:
        self.gate.record(event)  # the websocket admits its frames itself
        self._submit(event)

    async def start(self, show_time: ShowTime) -> None:
        for source, spec in self._sources:
            emit = self._from_websocket if spec is None else self.gate.emit_for(source.name, spec.rate, spec.burst)
            await source.start(emit, show_time)
            if spec is not None:
                log.info("chat source started: %s", source.name)

    async def stop(self) -> None:
        for source, _ in reversed(self._sources):
            try:
                await source.stop()
            except Exception:  # one source failing to stop must not keep the others open
                log.exception("chat source %s did not stop cleanly", source.name)
        if self.recorder is not None:
            self.recorder.close()

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per platform source: (events admitted, events over its limit)."""
        return {source.name: (self.gate.delivered.get(source.name, 0), self.gate.refused.get(source.name, 0))
                for source, spec in self._sources if spec is not None}
