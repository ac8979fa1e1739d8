"""The show producer: director + speech + avatar -> one AVChunk per call, frame k after frame k.

No clock and no I/O here: the demo calls next_chunk() as fast as it can, the live runtime
paces it on a RealClock. Chat events may be submitted from any thread.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from avatar.renderer import HostRenderer
from avatar.scene import FrameState, ProductCard
from script.catalog import Catalog
from script.chat import ChatEvent
from script.director import (ChatReceived, CutAtWordBoundary, Director, DirectorAction, DirectorEvent,
                             LineDropped, PlaybackFinished, Reply, Say, ShowProduct, ShowStarted)
from speech.types import SpeechEngine

from .media import FPS, SAMPLES_PER_FRAME, AVChunk
from .persona_bundle import PersonaBundle
from .playout import LineFinished, Playout

log = logging.getLogger("livehost.show")


@dataclass(frozen=True)
class OnAirRecord:
    """A reply and when it happened, in show seconds (for logs, tests and reports)."""

    event: ChatEvent
    reply_text: str | None
    sku: str | None
    sources: tuple[str, ...]
    t_decided: float
    t_on_air: float | None = None


def product_card(catalog: Catalog, sku: str) -> ProductCard | None:
    product = catalog.product(sku)
    if product is None:
        return None
    badge = product.promotions[0].text if product.promotions else None
    return ProductCard(product.title, product.price, product.list_price, badge)


class ShowProducer:
    def __init__(self, catalog: Catalog, persona: PersonaBundle, engine: SpeechEngine,
                 synthesize_in_background: bool = False) -> None:
        self._catalog = catalog
        self._director = Director(catalog, persona.style)
        self._renderer = HostRenderer(persona.appearance)
        # Live shows synthesize on a worker so a slow engine (Kokoro on 2 cores) never stalls frames.
        self._playout = Playout(engine.synthesize, background=synthesize_in_background)
        self._engine = engine
        # Live, engines with a synthesis cache also warm it for the sentences after the next two.
        self._warm_cache = getattr(engine, "warm", None) if synthesize_in_background else None
        if self._warm_cache is not None:  # fixed phrases (acknowledgements fill the gap before an answer)
            style = persona.style
            self._warm_cache([p for p in (*style.acknowledgements, *style.fillers, *style.reassurances,
                                          *style.unknown_answers) if "{" not in p])
        self._reply_listeners: list[Callable[[OnAirRecord], None]] = []
        self._inbox: list[ChatEvent] = []
        self._inbox_lock = threading.Lock()
        self._pending_replies: dict[str, list[OnAirRecord]] = {}  # answer line -> viewers waiting for it
        self._answers_on_air: set[str] = set()
        self._card: ProductCard | None = None
        self._index = 0
        self._started = False
        self.last_subtitle = ""

    def close(self) -> None:
        """Stop background speech work (synthesis ahead, cache warming) before the process exits."""
        self._playout.close()
        close = getattr(self._engine, "close", None)
        if close is not None:
            close()

    @property
    def frame_index(self) -> int:
        return self._index

    def add_reply_listener(self, listener: Callable[[OnAirRecord], None]) -> None:
        """Called, on the producer's thread, when a reply is decided (no line) or goes on air."""
        self._reply_listeners.append(listener)

    def _notify(self, record: OnAirRecord) -> None:
        for listener in self._reply_listeners:
            listener(record)

    def submit_chat(self, event: ChatEvent) -> None:
        with self._inbox_lock:
            self._inbox.append(event)

    def next_chunk(self) -> AVChunk:
        try:
            return self._next_chunk()
        except Exception:  # a bug in show logic costs one idle frame, not the show
            log.exception("frame %d failed; sending an idle frame", self._index)
            frame = self._renderer.render(FrameState(self._index, 0.0, "", self._card, False))
            chunk = AVChunk(self._index, frame, np.zeros(SAMPLES_PER_FRAME, dtype=np.int16))
            self._index += 1
            return chunk

    def _next_chunk(self) -> AVChunk:
        now = self._index / FPS
        if not self._started:
            self._started = True
            self._apply(self._director.feed(ShowStarted(), now), now)
        with self._inbox_lock:
            events, self._inbox = self._inbox, []
        for event in events:
            self._feed(ChatReceived(event), now)
        audio = self._playout.next_frame()
        for line_id in audio.started:
            self._mark_on_air(line_id, now)
        for done in audio.finished:
            self._finished(done, now)
        self._playout.prefetch()
        if self._warm_cache is not None and self._index % FPS == 0:
            self._warm_cache(self._playout.upcoming_texts(5)[2:])  # prefetch already has the first two
        for text in self._playout.upcoming_texts():  # build subtitle overlays before they are due
            self._renderer.prepare(self._card, text)
        self.last_subtitle = audio.subtitle
        frame = self._renderer.render(FrameState(self._index, audio.mouth_open, audio.subtitle, self._card,
                                                 audio.speaking))
        chunk = AVChunk(self._index, frame, audio.pcm)
        self._index += 1
        return chunk

    def _finished(self, done: LineFinished, now: float) -> None:
        self._answers_on_air.discard(done.line_id)
        self._feed(PlaybackFinished(done.line_id, done.resume_from, done.interrupted), now)

    def _feed(self, event: DirectorEvent, now: float) -> None:
        self._apply(self._director.feed(event, now), now)

    def _apply(self, actions: list[DirectorAction], now: float) -> None:
        for action in actions:
            if isinstance(action, ShowProduct):
                self._card = product_card(self._catalog, action.sku)
            elif isinstance(action, CutAtWordBoundary):
                for done in self._playout.cut(action.line_id):
                    self._finished(done, now)
            elif isinstance(action, Say):
                self._playout.say(action.line.line_id, action.line.sentences)
            elif isinstance(action, Reply):
                self._record_reply(action, now)
            elif isinstance(action, LineDropped):
                for record in self._pending_replies.pop(action.line_id, []):
                    log.info("dropped a stale answer to %s: %s", record.event.user, record.event.text)
                    self._notify(record)  # t_on_air stays None: it never aired

    def _record_reply(self, reply: Reply, now: float) -> None:
        line = reply.line
        record = OnAirRecord(reply.event, line.text if line else None, line.sku if line else None,
                             line.sources if line else (), now)
        if line is None:
            self._notify(record)
        elif line.line_id in self._answers_on_air:  # merged into an answer already being said
            self._notify(replace(record, t_on_air=now))
        else:
            log.info("answering %s: %s -> %s", reply.event.user, reply.event.text, line.text)
            self._pending_replies.setdefault(line.line_id, []).append(record)

    def _mark_on_air(self, line_id: str, now: float) -> None:
        records = self._pending_replies.pop(line_id, [])
        if records:
            self._answers_on_air.add(line_id)
        for record in records:
            self._notify(replace(record, t_on_air=now))
