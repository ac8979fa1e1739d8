"""The live runtime: paces the show on a real clock and wires chat, outputs, the live view,
WebRTC, the operator console and metrics.

The producer renders on its own supervised thread, at most `render_ahead_frames` ahead of air
time; the pacer, on a thread of its own so that a busy event loop (a chat flood) cannot delay
a frame, takes one frame per slot (an idle frame when the stage is late, the holding
card after an emergency stop), hands the same chunk to WebRTC peers and to the encoder, whose
outputs write on their own threads. So the two cores share the work and no stage can stall
the stream.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from avatar.factory import make_renderer
from chat.config import SourceSpec

from .admission import ChatLimits
from .catalog_watch import CatalogWatcher
from .chat_server import ChatServer
from .chat_sources import ChatSources
from .clock import MediaClock, RealClock
from .console import ConsoleServer, ConsoleToken, EventHub, resolve_token
from .console_feed import ConsoleFeed
from .control import ShowControl
from .fanout import Fanout, OutputSpec
from .holding import SILENCE, RuntimeFrames
from .live_view import LiveViewServer, TsBroadcast
from .media import FPS, SAMPLE_RATE, AVChunk
from .metrics import ShowMetrics
from .persona_bundle import shipped_personas
from .reply_announcer import ReplyAnnouncer
from .show import ShowProducer
from .show_messages import OnAirRecord
from .supervisor import FRAME_MS, RenderStage, SupervisedSpeech
from .webrtc import RawBroadcast, WebRtcHub

log = logging.getLogger("livehost.live")
# Frames go to the encoder this far ahead of air time (pts come from the frame index, so this only
# has to cover waking the pacer and handing the frame over); a barge-in cannot take back what was
# sent, so it lands at least this late (40 ms gave a soak barge-in p95 of 0.224 s).
LEAD_S = 0.015
_LOGGED_IDLE = 20


@dataclass
class LiveConfig:
    outputs: list[OutputSpec] = field(default_factory=list)
    chat_host: str = "127.0.0.1"
    chat_port: int = 8765
    chat_limits: ChatLimits = field(default_factory=ChatLimits)  # per connection and for the room
    chat_token: str | None = None  # clients must present it (see stream.chat_server)
    chat_sources: tuple[SourceSpec, ...] = ()  # platform sources besides the websocket (chat package)
    chat_record: str | None = None  # append admitted chat to this chat.jsonl (the replay format)
    view_host: str = "127.0.0.1"
    view_port: int = 8080
    live_view: bool = True
    max_seconds: float | None = None  # stop by itself after this long (tests, timed shows)
    console: bool = False
    console_host: str = "127.0.0.1"
    console_allowed_hosts: tuple[str, ...] = ()
    console_port: int = 8090
    console_token_file: str | None = None
    state_dir: str = ".livehost"
    render_ahead_frames: int = 3  # 120 ms of rendered frames waiting for air time
    stall_s: float = 3.0  # a stage stuck this long in one frame is restarted
    render_wait_s: float | None = None  # wait this long for a late frame; None: 40 ms real, stall_s fake
    catalog_path: str | None = None  # watched while live: edits take effect from the next line
    catalog_poll_s: float = 1.0


class LiveShow:
    def __init__(self, producer: ShowProducer, config: LiveConfig, clock: MediaClock | None = None,
                 rebuild: Callable[[ShowProducer], ShowProducer] | None = None,
                 make_engine: Callable | None = None) -> None:
        self._config = config
        self._clock = clock or RealClock()
        self._stop = threading.Event()  # set from the event loop, read by the pacer thread
        self.metrics = ShowMetrics()
        self.metrics.collectors.append(self._count_chat)
        self._broadcast = TsBroadcast()
        self.metrics.collectors.append(lambda: setattr(self.metrics, "live_view_clients", self._broadcast.viewers))
        outputs = list(config.outputs)
        if config.live_view:
            outputs.append(OutputSpec("live view", self._broadcast, "mpegts"))
        self._fanout = Fanout(outputs, on_reconnect=self._on_reconnect, size=producer.frame_size,
                              on_encoder_restart=lambda: self.metrics.restart("encoder"))
        self._start: float | None = None
        self._holding = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.events = EventHub()
        self._console_feed = ConsoleFeed(self.events.publish_threadsafe, self.hold)
        self._replies = ReplyAnnouncer(self._broadcast_chat, self.events.publish_threadsafe)
        self._listen(producer)
        self.stage = RenderStage(producer, rebuild, config.render_ahead_frames, config.stall_s, self.metrics,
                                 on_new_producer=self._rebuilt)
        self.stage.next_take_in = self._next_take_in
        self.chat = ChatServer(self._submit_chat, self.show_time, config.chat_host, config.chat_port,
                               config.chat_limits, self._clock, config.chat_token)
        self.chat_sources = ChatSources(self.chat, config.chat_sources, self._clock, self._submit_chat,
                                        config.chat_record)
        self.sources_gate = self.chat_sources.gate
        self.view = LiveViewServer(self._broadcast, self.chat.url, config.view_host, config.view_port)
        self.raw = RawBroadcast(self.metrics)
        self.webrtc = WebRtcHub(self.raw, self.metrics)
        self._make_engine = make_engine or _default_engine
        self.control = ShowControl(lambda: self.stage.producer, self.hold, self._reporting_engine,
                                   self.events.publish_threadsafe)
        self.console: ConsoleServer | None = None
        self.console_token: ConsoleToken | None = None
        self._runtime_frames: RuntimeFrames | None = None
        self._sent_times: deque[float] = deque(maxlen=FPS + 1)
        self._samples_sent = 0
        self.ready = asyncio.Event()
        self.frames = 0
        self._air_offset_frames = 0  # air frame number minus producer frame index (idle frames sent)
        self._background: set[asyncio.Future] = set()
        # Edits go to whichever producer is on air (a restarted stage has a new one).
        self.catalog_watcher = (CatalogWatcher(config.catalog_path, lambda edit: self.stage.producer.edit_catalog(edit),
                                               loaded=producer.catalog)
                                if config.catalog_path else None)

    @property
    def producer(self) -> ShowProducer:
        return self.stage.producer

    @property
    def active_outputs(self) -> list[str]:
        return self._fanout.active

    @property
    def holding(self) -> bool:
        return self._holding

    @property
    def fanout(self) -> Fanout:
        return self._fanout

    def show_time(self) -> float:
        """Seconds since the first frame, the time base of chat events and replies."""
        return 0.0 if self._start is None else max(0.0, self._clock.now() - self._start)

    def stop(self) -> None:
        self._stop.set()

    def _next_take_in(self) -> float | None:
        """Seconds until the pacer takes the next rendered frame."""
        if self._start is None:
            return None
        return self._start + self.frames / FPS - LEAD_S - self._clock.now()

    def hold(self, on: bool) -> None:
        """Emergency stop: from the next frame on, the holding card and silence go on air."""
        if on != self._holding:
            log.warning("holding card %s", "on air" if on else "taken down")
        self._holding = on

    def _submit_chat(self, event) -> None:
        self.metrics.chat_messages += 1
        self.stage.producer.submit_chat(event)

    def _listen(self, producer: ShowProducer) -> None:
        if isinstance(producer.engine, SupervisedSpeech):
            producer.engine.report_to(self.metrics)
        producer.add_reply_listener(self.on_reply)
        producer.add_action_listener(self._console_feed.on_action)
        producer.add_persona_listener(self._on_persona)

    def _reporting_engine(self, voice) -> object:
        """A voice the console switches to counts its restarts and times in this show's /metrics,
        and stretches its deadlines by the load this show measures."""
        engine = self._make_engine(voice)
        if isinstance(engine, SupervisedSpeech):
            engine.report_to(self.metrics)
        return engine

    def _rebuilt(self, producer: ShowProducer) -> None:
        """A fresh producer replaced a stuck one: it keeps the operator's settings."""
        self._listen(producer)
        for event in self._console_feed.settings.restore(self._holding):
            producer.submit_control(lambda p, event=event: p.feed_director(event))

    def _on_persona(self, bundle) -> None:
        self.events.publish_threadsafe({"type": "persona", "persona": bundle.persona_id})
        loop = self._loop
        if loop is not None:  # idle frames and the holding card take the new look too
            loop.call_soon_threadsafe(lambda: self._background.add(asyncio.ensure_future(
                self._refresh_runtime_frames(bundle))))

    async def _refresh_runtime_frames(self, bundle) -> None:
        size = self.stage.producer.frame_size
        try:
            self._runtime_frames = await asyncio.to_thread(lambda: RuntimeFrames(make_renderer(bundle.appearance,
                                                                                              *size)))
        except Exception:
            log.exception("idle frames keep the previous look")

    def _on_reconnect(self, name: str) -> None:
        self.metrics.rtmp_reconnects += 1

    def air_time(self, producer_seconds: float) -> float:
        """A producer time (its frame index / FPS) on the air timeline of the chat's `t`: every
        idle frame the pacer sent while the render stage was late pushes the producer's frames
        one slot later on air."""
        return producer_seconds + self._air_offset_frames / FPS

    def on_reply(self, record: OnAirRecord) -> None:
        """Hook for the producer; safe to call from its worker thread."""
        loop = self._loop
        if record.t_on_air is not None:
            record = replace(record, t_on_air=round(self.air_time(record.t_on_air), 3))
        if record.reply_text is not None and record.t_on_air is not None:
            self.metrics.observe(self.metrics.answer_latency, max(0.0, record.t_on_air - record.event.t))
        if loop is not None and record.reply_text is not None and record.t_on_air is not None:
            message = {"type": "reply", "user": record.event.user, "question": record.event.text,
                       "text": record.reply_text, "sku": record.sku, "sources": list(record.sources),
                       "t_asked": round(record.event.t, 3), "t_on_air": record.t_on_air}
            self._replies.add(message)
            self._replies.announce(self.frames / FPS)

    def _broadcast_chat(self, message: dict) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self.chat.broadcast, message)

    def console_state(self) -> dict:
        producer = self.stage.producer
        director = producer.director
        personas = shipped_personas()
        return {
            "mode": director.mode, "stopped": self._holding, "paused": self._console_feed.settings.paused,
            "pinned": self._console_feed.settings.pinned,
            "persona": producer.persona.persona_id, "personas": personas,
            "products": [{"sku": p.sku, "title": p.title, "price": p.price, "stock": p.stock}
                         for p in producer.catalog.products],
            "proposals": [{"line_id": p.line.line_id, "user": p.event.user, "question": p.event.text,
                           "text": p.line.text} for p in director.proposals],
            "frames": self.frames, "outputs": self._fanout.connected,
        }

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._runtime_frames = await asyncio.to_thread(RuntimeFrames, self._make_renderer())
        await self.chat_sources.start(self.show_time)
        if self._config.live_view:
            await self.view.start()
        if self._config.console:
            self.console_token = resolve_token(self._config.console_token_file, Path(self._config.state_dir))
            self.console = ConsoleServer(self.console_token, self.control, self.events, self.webrtc,
                                         self.metrics, self.console_state, self._config.console_host,
                                         self._config.console_port, frozenset(self._config.console_allowed_hosts))
            await self.console.start()
        await asyncio.to_thread(self._fanout.open)
        self.stage.start()
        # The first frame takes longest (first subtitles, first voice part): the clock starts once
        # frames are ready, not with an idle frame. A stage that cannot fill is the watchdog's job.
        if not await asyncio.to_thread(self.stage.wait_filled, self._config.stall_s):
            log.warning("render stage not ready after %.1f s; going live with idle frames", self._config.stall_s)
        self.ready.set()
        watch = asyncio.create_task(self._watch_catalog()) if self.catalog_watcher else None
        try:
            await self._pace()
        finally:
            self.stage.stop()
            for task in self._background:
                task.cancel()
            if watch is not None:
                watch.cancel()
            await asyncio.to_thread(self._fanout.close)
            await self.chat_sources.stop()
            await self.view.close()
            if self.console is not None:
                await self.console.close()
            log.info("show stopped after %d frames (%.1f s)", self.frames, self.frames / FPS)

    def _make_renderer(self):
        producer = self.stage.producer
        return make_renderer(producer.persona.appearance, *producer.frame_size)

    def _render_wait(self) -> float:
        if self._config.render_wait_s is not None:
            return self._config.render_wait_s
        return 1 / FPS if isinstance(self._clock, RealClock) else self._config.stall_s

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
        """Run the pacer thread until the show stops (or this task is cancelled)."""
        self._start = self._clock.now()
        loop = asyncio.get_running_loop()
        finished = loop.create_future()

        def pace_then_report() -> None:
            error: Exception | None = None
            try:
                self._pace_frames()
            except Exception as exc:  # handed to the event loop, which raises it from run()
                error = exc
            loop.call_soon_threadsafe(_settle, finished, error)

        pacer = threading.Thread(target=pace_then_report, name="livehost-pacer", daemon=True)
        pacer.start()
        try:
            await finished
        finally:
            self._stop.set()
            await asyncio.to_thread(pacer.join)

    def _pace_frames(self) -> None:
        start = self._start
        assert start is not None
        wait = self._render_wait()
        while not self._stop.is_set():
            air_time = self.frames / FPS
            if self._config.max_seconds is not None and air_time >= self._config.max_seconds:
                break
            if self._clock.wait_until(start + air_time - LEAD_S, self._stop):
                break
            if self._clock.now() > start + air_time + 1 / FPS:
                self.metrics.dropped_frames += 1  # missed its slot: sent late
            self._send_one(wait)

    def _send_one(self, wait: float) -> None:
        """Take (or make) this slot's frame and send it everywhere; runs on the pacer thread."""
        self.stage.check()
        chunk = self.stage.take(wait)
        assert self._runtime_frames is not None
        if self._holding:
            video, audio = self._runtime_frames.holding, SILENCE
        elif chunk is None:
            self.metrics.idle_frames += 1
            idle = self.metrics.idle_frames
            if idle <= _LOGGED_IDLE or idle % 1000 == 0:  # a stalled stage must not flood the log
                log.warning("frame %d: render stage late, idle frame sent (stage %s, at %s; %d idle so far)",
                            self.frames, self.stage.activity(), self.stage.where(), idle)
            video, audio = self._runtime_frames.idle(self.frames), SILENCE
        else:
            video, audio = chunk.video, chunk.audio
            self._air_offset_frames = self.frames - chunk.index
        # Outputs count frames themselves: a restarted stage or an idle frame never breaks the sequence.
        on_air = AVChunk(self.frames, video, audio)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.raw.publish, on_air)
        self._fanout.put(on_air)
        self.frames += 1
        self._account(on_air)
        self._replies.announce(self.frames / FPS)

    def _account(self, chunk: AVChunk) -> None:
        m = self.metrics
        now = time.monotonic()
        self._sent_times.append(now)
        if len(self._sent_times) > 1 and now > self._sent_times[0]:
            m.fps = (len(self._sent_times) - 1) / (now - self._sent_times[0])
        self._samples_sent += chunk.audio.shape[0]
        m.frames_sent = self.frames
        m.av_offset_ms = 1000 * (self._samples_sent / SAMPLE_RATE - self.frames / FPS)
        depths = {"render": self.stage.depth_ms}
        depths.update({name: frames * FRAME_MS for name, frames in self._fanout.queue_depths.items()})
        m.queue_depth_ms = depths

    def _count_chat(self) -> None:
        """For /metrics: chat counters live where chat is admitted and queued."""
        m = self.metrics
        m.chat_backlog, m.chat_shed, m.chat_merged = self.stage.producer.inbox.chat_stats()
        m.chat_rate_limited = dict(self.chat.admission.refused)
        m.chat_malformed = self.chat.malformed
        m.chat_sources = self.chat_sources.counts()


def _settle(future: asyncio.Future, error: Exception | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _default_engine(voice):
    from speech.voice import make_engine
    return make_engine(voice)
