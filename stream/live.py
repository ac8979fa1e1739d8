"""The live runtime: paces the producer on a real clock and wires chat, outputs and the live view.

The producer renders a few frames ahead of air time (LEAD_S) on a worker thread; the encoder
muxes on another, so the two cores share the work.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from .catalog_watch import CatalogWatcher
from .chat_server import ChatServer
from .clock import MediaClock, RealClock
from .fanout import Fanout, OutputSpec
from .live_view import LiveViewServer, TsBroadcast
from .media import FPS
from .show import OnAirRecord, ShowProducer

log = logging.getLogger("livehost.live")
LEAD_S = 0.12  # how far ahead of air time frames are rendered; bounds how late a cut can land


@dataclass
class LiveConfig:
    outputs: list[OutputSpec] = field(default_factory=list)
    chat_host: str = "127.0.0.1"
    chat_port: int = 8765
    view_host: str = "127.0.0.1"
    view_port: int = 8080
    live_view: bool = True
    max_seconds: float | None = None  # stop by itself after this long (tests, timed shows)
    catalog_path: str | None = None  # watched while live: edits take effect from the next line
    catalog_poll_s: float = 1.0


class LiveShow:
    def __init__(self, producer: ShowProducer, config: LiveConfig, clock: MediaClock | None = None) -> None:
        self._producer = producer
        self._config = config
        self._clock = clock or RealClock()
        self._stop = asyncio.Event()
        self._broadcast = TsBroadcast()
        outputs = list(config.outputs)
        if config.live_view:
            outputs.append(OutputSpec("live view", self._broadcast, "mpegts"))
        self._fanout = Fanout(outputs, size=producer.frame_size)
        self._start: float | None = None
        self.chat = ChatServer(producer.submit_chat, self.show_time, config.chat_host, config.chat_port)
        self.view = LiveViewServer(self._broadcast, self.chat.url, config.view_host, config.view_port)
        self.ready = asyncio.Event()
        self.frames = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        producer.add_reply_listener(self.on_reply)
        self.catalog_watcher = (CatalogWatcher(config.catalog_path, producer.update_catalog)
                                if config.catalog_path else None)

    @property
    def active_outputs(self) -> list[str]:
        return self._fanout.active

    def show_time(self) -> float:
        """Seconds since the first frame, the time base of chat events and replies."""
        return 0.0 if self._start is None else max(0.0, self._clock.now() - self._start)

    def stop(self) -> None:
        self._stop.set()

    def on_reply(self, record: OnAirRecord) -> None:
        """Hook for the producer; safe to call from its worker thread."""
        loop = self._loop
        if loop is not None and record.reply_text is not None and record.t_on_air is not None:
            message = {"type": "reply", "user": record.event.user, "question": record.event.text,
                       "text": record.reply_text, "sku": record.sku, "sources": list(record.sources),
                       "t_asked": round(record.event.t, 3), "t_on_air": record.t_on_air}
            loop.call_soon_threadsafe(self.chat.broadcast, message)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.chat.start()
        if self._config.live_view:
            await self.view.start()
        await asyncio.to_thread(self._fanout.open)
        self.ready.set()
        watch = asyncio.create_task(self._watch_catalog()) if self.catalog_watcher else None
        try:
            await self._pace()
        finally:
            if watch is not None:
                watch.cancel()
            await asyncio.to_thread(self._fanout.close)
            await self.chat.close()
            await self.view.close()
            log.info("show stopped after %d frames (%.1f s)", self.frames, self.frames / FPS)

    async def _watch_catalog(self) -> None:
        assert self.catalog_watcher is not None
        next_check = self._clock.now()
        while not self._stop.is_set():
            next_check += self._config.catalog_poll_s
            await self._clock.sleep_until(next_check)
            try:
                await asyncio.to_thread(self.catalog_watcher.poll)
            except Exception:  # a watcher bug must not take the show down
                log.exception("catalog watcher failed; the show keeps its catalog")

    async def _pace(self) -> None:
        self._start = start = self._clock.now()
        while not self._stop.is_set():
            air_time = self.frames / FPS
            if self._config.max_seconds is not None and air_time >= self._config.max_seconds:
                break
            await self._clock.sleep_until(start + air_time - LEAD_S)
            chunk = await asyncio.to_thread(self._producer.next_chunk)
            await asyncio.to_thread(self._fanout.put, chunk)
            self.frames += 1
