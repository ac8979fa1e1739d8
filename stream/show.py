"""The show producer: director + speech + avatar -> one AVChunk per call, frame k after frame k.

No clock and no I/O here: the demo calls next_chunk() as fast as it can, the live runtime
paces it on a RealClock. Chat, operator controls and catalog edits may be submitted from any
thread (stream.inbox: controls before chat, chat bounded, edits as transactions).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable

import numpy as np

from avatar.factory import FrameRenderer, make_renderer
from avatar.scene import FrameState, ProductCard
from script.answers import Answerer
from script.catalog import Catalog
from script.chat import ChatEvent
from script.chat_understanding import redact
from script.director import (CatalogUpdated, ChatClassified, ChatReceived, CutAtWordBoundary, Director, DirectorAction,
                             DirectorEvent, GuardBlocked, LineChecker, LineDropped, LinePolisher, PersonaChanged,
                             PlaybackFinished, Reply, Say, ShowProduct, ShowStarted, StopShow, MachineLoad)
from script.lines import LineKind
from speech.types import SpeechEngine

from .cpu_load import LoadLevels
from .inbox import CatalogEdit, ShowInbox
from .media import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME, AVChunk
from .persona_bundle import PersonaBundle
from .product_card import product_card
from .show_messages import OnAirRecord, StagedPersona
from .playout import LineFinished, Playout
from .speech_ahead import likely_speech

log = logging.getLogger("livehost.show")

ControlFn = Callable[["ShowProducer"], None]
CHAT_EVENTS_PER_FRAME = 16  # 400 messages/s; one costs the director 0.3-0.9 ms (lexical / with e5)
URGENT_KINDS = frozenset({LineKind.ANSWER, LineKind.OPERATOR})  # the room or the operator is waiting for these


class ShowProducer:
    def __init__(self, catalog: Catalog, persona: PersonaBundle, engine: SpeechEngine,
                 started_at: datetime | None = None, answerer: Answerer | None = None,
                 checker: LineChecker | None = None, size: tuple[int, int] = (1280, 720),
                 renderer: FrameRenderer | None = None, polisher: LinePolisher | None = None,
                 first_frame: int = 0, synthesize_in_background: bool = False,
                 machine_load: Callable[[], float] | None = None) -> None:
        """`size` is (width, height): 1280x720, or 720x1280 for phone apps. `renderer` may be one
        already built for `persona` (see persona_bundle.prepare_persona). `first_frame` > 0 when a
        restarted render stage takes over a running show. `machine_load` (live shows: the CPU
        slowdown, stream.cpu_load) lets a busy machine shed work; off the clock it means nothing."""
        self._catalog = catalog  # the one the director has; the inbox's head may be newer
        self._started_at = started_at  # wall clock at frame 0: promotions end in wall time
        answerer = answerer or Answerer.build(catalog)
        self._inbox = ShowInbox(catalog, answerer)
        self._retired = False  # a restarted stage's producer took the inbox over
        self._director = Director(catalog, persona.style, answerer=answerer, checker=checker,
                                  polisher=polisher)
        self._renderer = renderer or make_renderer(persona.appearance, *size)
        # Live shows synthesize on a worker so a slow engine (Kokoro on 2 cores) never stalls frames.
        self._playout = Playout(engine.synthesize, background=synthesize_in_background)
        self._engine = engine
        # Live, engines with a synthesis cache also warm it for the sentences after the next two.
        self._warm_cache = getattr(engine, "warm", None) if synthesize_in_background else None
        self.persona = persona
        self._next_persona: StagedPersona | None = None
        self._reply_listeners: list[Callable[[OnAirRecord], None]] = []
        self._action_listeners: list[Callable[[object, float], None]] = []
        self._line_listeners: list[Callable[[str, bool, float], None]] = []
        self._persona_listeners: list[Callable[[PersonaBundle], None]] = []
        self._filler_count = 0
        self.consecutive_failures = 0
        # Set by the render stage: takes back up to n rendered frames not yet on air, returns how many.
        self.withdraw_unaired: Callable[[int], int] = lambda n: 0
        # Set by the render stage: new input arrived, take it between frames (see take_input).
        self.on_input: Callable[[], None] = lambda: None
        self._chat_budget = CHAT_EVENTS_PER_FRAME  # chat events this frame may still take
        self._fresh_from = first_frame  # frames from here on were never rendered (not re-renders after a cut)
        self._pending_replies: dict[str, list[OnAirRecord]] = {}  # answer line -> viewers waiting for it
        self._answers_on_air: set[str] = set()
        self._card: ProductCard | None = None
        self._index = first_frame
        self._started = False
        self._load = LoadLevels()
        self._machine_load = machine_load
        self.last_subtitle = ""
        self._background = synthesize_in_background
        if synthesize_in_background:
            self._prepare_speech_ahead()

    def _prepare_speech_ahead(self) -> None:
        """Live: the opening made before frame 0, covers for a slow answer, this persona's cache warmed."""
        self._playout.make_ahead(self._director.opening() if self._index == 0 else ())
        self._playout.prepare_covers(self.persona.style.acknowledgements, self.persona.style.fillers)
        self._warm_likely_speech(self._inbox.head[1])

    def _warm_likely_speech(self, answerer: Answerer) -> None:
        """The persona's fixed phrases and likeliest answers, made into the cache in the background."""
        if self._warm_cache is not None:
            self._warm_cache(likely_speech(self.persona.style, answerer.likely_answers(self._wall(self._index / FPS))))

    def close(self) -> None:
        """Stop background speech work (synthesis ahead, cache warming) before the process exits."""
        self._playout.close()
        close = getattr(self._engine, "close", None)
        if close is not None:
            close()

    @property
    def catalog(self) -> Catalog:
        """The newest catalog: every edit committed so far, on air from the next frame."""
        return self._inbox.head[0]

    @property
    def inbox(self) -> ShowInbox:
        return self._inbox

    @property
    def director(self) -> Director:
        """Read-only use outside the producer's thread (console snapshots)."""
        return self._director

    @property
    def engine(self) -> SpeechEngine:
        """The voice the show started with (a persona switch brings its own)."""
        return self._engine

    @property
    def frame_size(self) -> tuple[int, int]:
        return (self._renderer.width, self._renderer.height)

    @property
    def frame_index(self) -> int:
        return self._index

    def add_reply_listener(self, listener: Callable[[OnAirRecord], None]) -> None:
        """Called, on the producer's thread, when a reply is decided (no line) or goes on air."""
        self._reply_listeners.append(listener)

    def _notify(self, record: OnAirRecord) -> None:
        for listener in self._reply_listeners:
            listener(record)

    def add_action_listener(self, listener: Callable[[object, float], None]) -> None:
        """Sees every director action (console: classifications, proposals, audit entries)."""
        self._action_listeners.append(listener)

    def add_line_listener(self, listener: Callable[[str, bool, float], None]) -> None:
        """Called with (line_id, interrupted, show seconds) when a line leaves the air."""
        self._line_listeners.append(listener)

    def add_persona_listener(self, listener: Callable[[PersonaBundle], None]) -> None:
        """Called when a staged persona actually takes over (at a sentence boundary)."""
        self._persona_listeners.append(listener)

    def submit_chat(self, event: ChatEvent) -> None:
        if self._inbox.put_chat(event):  # else a backlog is being worked through: the stage is awake
            self.on_input()

    @property
    def chat_backlog(self) -> int:
        return self._inbox.chat_stats()[0]

    def submit_control(self, control: ControlFn) -> None:
        """Run `control(self)` on the producer's thread before the next frame and before any chat."""
        self._inbox.put_control(control)
        self.on_input()

    def adopt_pending(self, other: "ShowProducer") -> None:
        """Take over the inbox of a stuck producer (stage restart): its chat, controls and newest
        catalog, then this one's own. Call before this producer is published: whatever still
        reaches `other` lands in the same inbox."""
        other._inbox.absorb(self._inbox)
        self._inbox, other._retired = other._inbox, True
        self.submit_control(ShowProducer._take_catalog)  # the newest catalog, whatever this one began with

    def feed_director(self, event: object) -> None:
        """Feed an event to the director on the producer's thread (call through submit_control)."""
        now = self._index / FPS
        self._feed(event, now)  # type: ignore[arg-type]

    def stage_persona(self, prepared: StagedPersona) -> None:
        """Swap voice and look at the next sentence boundary; the style goes to the director."""
        self._next_persona = prepared
        self._playout.switch_voice(prepared.engine.synthesize)

    def cut_current_line(self) -> None:
        """End the line on air at its next word boundary; the director resumes it from the cut
        sentence later (after an emergency stop is lifted)."""
        line_id = self._playout.current_line()
        if line_id is not None:
            self._apply([CutAtWordBoundary(line_id)], self._index / FPS)

    def say_filler(self) -> None:
        """A short persona line that covers a stage restart, said next."""
        fillers = self.persona.style.fillers or self.persona.style.acknowledgements
        if not fillers:
            return
        self._filler_count += 1
        self._playout.insert_next(f"filler-{self._filler_count}",
                                  (fillers[self._filler_count % len(fillers)],))

    def edit_catalog(self, edit: CatalogEdit) -> Catalog:
        """Apply `edit` to the newest catalog (stream.inbox: one transaction at a time); the result
        goes on air from the next frame, ahead of any chat. Returns it once that is certain. The
        caller's thread builds the new fact index: the show thread never waits for embeddings."""
        catalog, answerer = self._inbox.commit(edit)
        self.submit_control(ShowProducer._take_catalog)
        if self._background:  # new prices and stock: new answers to have ready (here, off the show thread)
            self._warm_likely_speech(answerer)
        return catalog

    def update_catalog(self, catalog: Catalog) -> None:
        """Replace the whole catalog with a validated new one (see edit_catalog)."""
        self.edit_catalog(lambda current: catalog)

    def _take_catalog(self) -> None:
        """On the show thread: the director gets the newest catalog, if it does not have it yet."""
        catalog, answerer = self._inbox.head
        if catalog is not self._catalog:
            self._catalog = catalog
            self._feed(CatalogUpdated(catalog, answerer), self._index / FPS)

    def begin_at(self, started_at: datetime) -> None:  # frame 0's wall time, for `run --standby`
        self._started_at = started_at

    def _wall(self, now: float) -> datetime | None:
        return None if self._started_at is None else self._started_at + timedelta(seconds=now)

    def next_chunk(self) -> AVChunk:
        try:
            chunk = self._next_chunk()
            self.consecutive_failures = 0
            return chunk
        except Exception:  # a bug in show logic costs one idle frame, not the show
            self.consecutive_failures += 1
            log.exception("frame %d failed; sending an idle frame", self._index)
            frame = self._renderer.render(FrameState(self._index, 0.0, "", self._card, False))
            chunk = AVChunk(self._index, frame, np.zeros(SAMPLES_PER_FRAME, dtype=np.int16))
            self._index += 1
            return chunk

    def has_input(self) -> bool:
        """Operator controls, or chat this frame may still take, are waiting."""
        return self._started and not self._retired and self._inbox.waiting(self._chat_budget)

    def take_input(self) -> None:
        """Handle waiting input now, between frames: the render stage calls this while its frames
        wait for air time, so a barge-in takes back those frames and lands sooner."""
        if not self._started:
            return
        try:
            self._take_input(self._index / FPS)
            self.consecutive_failures = 0
        except Exception:  # as in next_chunk: a bug in show logic must not take the stage down
            self.consecutive_failures += 1
            log.exception("handling input before frame %d failed", self._index)

    def _take_input(self, now: float) -> None:
        if self._retired:  # a stuck thread that woke up: the inbox is the fresh producer's now
            return
        # Every control first; chat at most this many a frame, so a flood cannot hold up the frame
        # (the bounded queue sheds the oldest, so nothing waits long either).
        controls, events = self._inbox.take(self._chat_budget)
        self._chat_budget -= len(events)
        for control in controls:
            try:
                control(self)
            except Exception:  # an operator action that fails is reported, the frame goes on
                log.exception("operator control failed")
        for event in events:
            self._feed(ChatReceived(event), now)

    def _next_chunk(self) -> AVChunk:
        now = self._index / FPS
        if not self._started:
            self._started = True
            self._apply(self._director.feed(ShowStarted(self._started_at), now), now)
        self._take_input(now)
        now = self._index / FPS  # a cut may have taken back frames rendered ahead
        if self._index >= self._fresh_from:  # a new frame slot, not a frame rendered again after a cut
            self._chat_budget = CHAT_EVENTS_PER_FRAME
            self._fresh_from = self._index + 1
        audio = self._playout.next_frame()
        if self._playout.voice_switched:
            self._playout.voice_switched = False
            self._take_staged_persona()
        for line_id, at in zip(audio.started, audio.start_samples):
            self._mark_on_air(line_id, now + at / SAMPLE_RATE)
        for done in audio.finished:
            self._finished(done, now + done.at_sample / SAMPLE_RATE)
        self._playout.prefetch()
        if self._machine_load is not None and self._index % FPS == 0:
            self._sense_load(self._machine_load())
        if self._warm_cache is not None and self._index % FPS == 0 and self._load.level == 0:  # answers first
            self._warm_cache(self._playout.upcoming_texts(5)[2:])  # prefetch already has the first two
        for text in self._playout.upcoming_texts():  # build subtitle overlays before they are due
            self._renderer.prepare(self._card, text)
        self.last_subtitle = audio.subtitle
        frame = self._renderer.render(FrameState(self._index, audio.mouth_open, audio.subtitle, self._card,
                                                 audio.speaking, audio.mouth_shape, audio.pointing,
                                                 lean=self._load.level >= 1))
        chunk = AVChunk(self._index, frame, audio.pcm)
        self._index += 1
        return chunk

    def _sense_load(self, slowdown: float) -> None:
        """A busy machine sheds render detail, then fillers, then selling lines (MachineLoad)."""
        before = self._load.level
        if self._load.sample(slowdown) != before:
            log.warning("machine load level %d -> %d (CPU slowdown %.1fx)", before, self._load.level, slowdown)
            self._feed(MachineLoad(self._load.level), self._index / FPS)

    def _withdraw_before_cut(self, line_id: str) -> None:
        """A cut lands at the next word boundary after what is on air, not after what was
        rendered ahead: frames of the cut line waiting for air time are taken back and the line
        is rewound to where the air is (only within its current sentence)."""
        if self._playout.current_line() != line_id:
            return
        withdrawn = self.withdraw_unaired(self._playout.rewindable_frames())
        if withdrawn:
            self._playout.rewind(withdrawn)
            self._index -= withdrawn

    def _take_staged_persona(self) -> None:
        prepared, self._next_persona = self._next_persona, None
        if prepared is None:
            return
        self._renderer = prepared.renderer
        self.persona = prepared.bundle
        if self._background:  # the new voice's cache, acknowledgements and answers
            self._warm_cache = getattr(prepared.engine, "warm", None)
            self._prepare_speech_ahead()
        self.feed_director(PersonaChanged(prepared.bundle.style, prepared.operator))
        log.info("persona %s on air", prepared.bundle.persona_id)
        for listener in self._persona_listeners:
            listener(prepared.bundle)

    def _finished(self, done: LineFinished, now: float) -> None:
        for listener in self._line_listeners:
            listener(done.line_id, done.interrupted, now)
        if done.line_id.startswith("filler-"):  # the runtime's own line; the director never saw it
            return
        self._answers_on_air.discard(done.line_id)
        self._feed(PlaybackFinished(done.line_id, done.resume_from, done.interrupted, done.voice_failed), now)

    def _feed(self, event: DirectorEvent, now: float) -> None:
        self._apply(self._director.feed(event, now), now)

    def _apply(self, actions: list[DirectorAction], now: float) -> None:
        for action in actions:
            for listener in self._action_listeners:
                listener(action, now)
            if isinstance(action, StopShow):
                self._playout.clear()  # the director already forgot these lines: cut now, report nothing
            elif isinstance(action, ShowProduct):
                self._card = product_card(self._catalog, action.sku, self._wall(now))
            elif isinstance(action, CutAtWordBoundary):
                self._withdraw_before_cut(action.line_id)
                now = min(now, self._index / FPS)  # what follows the cut airs from the frame taken back
                for done in self._playout.cut(action.line_id):
                    self._finished(done, now)
            elif isinstance(action, Say):
                line = action.line
                self._playout.say(line.line_id, line.sentences,
                                  point_at_last=line.kind == LineKind.CLOSE,  # the call to action
                                  urgent=line.kind in URGENT_KINDS)
            elif isinstance(action, Reply):
                self._record_reply(action, now)
            elif isinstance(action, ChatClassified) and action.kind in ("spam", "abuse"):
                log.info("not answering %s from %s: %s", action.kind, action.event.user, action.redacted_text)
            elif isinstance(action, GuardBlocked):
                log.warning("guard blocked the %s line (%s): %s -> said instead: %s", action.kind,
                            ", ".join(action.rules), action.text, action.replaced_by)
            elif isinstance(action, LineDropped):
                for record in self._pending_replies.pop(action.line_id, []):
                    log.info("dropped a stale answer to %s: %s", record.event.user, redact(record.event.text))
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
            log.info("answering %s: %s -> %s", reply.event.user, redact(reply.event.text), line.text)
            self._pending_replies.setdefault(line.line_id, []).append(record)

    def _mark_on_air(self, line_id: str, now: float) -> None:
        records = self._pending_replies.pop(line_id, [])
        if records:
            self._answers_on_air.add(line_id)
        for record in records:
            self._notify(replace(record, t_on_air=now))
