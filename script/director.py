"""The director: a pure state machine `feed(event, now) -> actions`.

It walks each product's rundown for that product's share of airtime, turns viewers' chat into
grounded answers and rate-limited reactions, obeys the operator, and decides what cuts what.
It never reads a clock or touches audio: the runtime reports what was actually played
(`PlaybackFinished`), and the director resumes an interrupted line from the cut sentence.
Every line passes the injected checker (the compliance and fact guard) before it is said.
"""
from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable

from .answers import Answer, Answerer
from .catalog import Catalog, Product
from .chat import ChatEvent
from .line_guard import GuardedLines, products_of
from .lines import Line, LineKind, Priority
from .chat_understanding import ChatReading, classify
from .persona import PersonaStyle
from .viewer_memory import ViewerMemory
from .reactions import choose_reaction
from .director_answers import AnswerDesk
from .director_rundown import Rundown, Visit
from .director_messages import (  # noqa: F401  (re-exported: callers import them from here)
    MODES, ShowStarted, ChatReceived, PlaybackFinished, CatalogUpdated, PersonaChanged, OperatorSay,
    PinProduct, PauseRundown, SetMode, ApproveReply, RejectReply, EmergencyStop, ResumeShow,
    MachineLoad, NO_FILLERS, ANSWERS_ONLY, DirectorEvent, ShowProduct, Say, CutAtWordBoundary, LineDropped, Reply, ChatClassified,
    ProposeReply, GuardBlocked, StopShow, OperatorLogged, DirectorAction, LineVerdict, LineChecker,
    LinePolisher, pass_all, DirectorConfig, MAX_QUEUED_ANSWERS)


class Director(AnswerDesk, Rundown):
    def __init__(self, catalog: Catalog, style: PersonaStyle, config: DirectorConfig | None = None,
                 checker: LineChecker | None = None,
                 reader: Callable[[ChatEvent], ChatReading] = classify,
                 polisher: LinePolisher | None = None, answerer: Answerer | None = None) -> None:
        self._catalog = catalog
        self._answerer = answerer or Answerer.build(catalog)
        self._style = style
        self._config = config or DirectorConfig()
        if checker is None:
            checker = GuardedLines()  # the real guard unless a test injects another
        self._check = checker
        self._read = reader
        self._polish = polisher
        self._rng = random.Random(self._config.seed)
        self._started_at: datetime | None = None
        self._now = 0.0
        self._line_counter = 0
        self._on_air: Line | None = None
        self._queue: list[Line] = []  # waiting lines, highest priority first, FIFO within one
        self._lines: dict[str, Line] = {}  # lines said or saying, to build a resume from
        self._answer_events: dict[str, ChatEvent] = {}  # answer line -> the question it answers
        self._answer_keys: dict[str, set[tuple]] = {}  # answer line -> what it states (merging duplicates)
        self._no_resume: set[str] = set()  # cut lines whose facts went out of date
        self._proposals: dict[str, ProposeReply] = {}
        self._shown_sku: str | None = None
        self._product_index = -1
        self._visit: Visit | None = None
        self._said_at: dict[str, float] = {}  # rundown line text -> when it was last said
        self._last_disclosure: float | None = None
        self._last_reaction: dict[bool, float] = {}  # typed greeting or not -> when one was last answered
        self._mode = "auto"
        self._paused = False
        self._load = 0  # MachineLoad level
        self._pinned: str | None = None
        self._stopped = False
        self._filler_turn = 0
        self._viewers = ViewerMemory()
        self._on_air_at = 0.0

    # --- what the runtime and console read ------------------------------------------------
    @property
    def on_air(self) -> Line | None:
        return self._on_air

    @property
    def shown_sku(self) -> str | None:
        return self._shown_sku

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def style(self) -> PersonaStyle:
        return self._style

    @property
    def proposals(self) -> tuple[ProposeReply, ...]:
        return tuple(self._proposals.values())

    def wall_time(self, now: float) -> datetime | None:
        return None if self._started_at is None else self._started_at + timedelta(seconds=now)

    # --- the one entry point --------------------------------------------------------------
    def feed(self, event: DirectorEvent, now: float) -> list[DirectorAction]:
        self._now = now
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise TypeError(f"director cannot handle {type(event).__name__}")
        return handler(self, event)

    def _on_started(self, event: ShowStarted) -> list[DirectorAction]:
        self._started_at = event.at
        return self._advance()

    def _new_id(self, prefix: str) -> str:
        self._line_counter += 1
        return f"{prefix}{self._line_counter}"

    # --- chat -------------------------------------------------------------------------------
    def _on_chat(self, received: ChatReceived) -> list[DirectorAction]:
        event = received.event
        reading = self._read(event)
        actions: list[DirectorAction] = [ChatClassified(event, reading.kind, reading.redacted_text,
                                                        tuple(sorted(reading.flags)))]
        if reading.answerable:
            actions += self._answer(event, reading)
        elif reading.kind in ("greeting", "gift"):
            actions += self._react(event, reading.kind)
        else:
            actions.append(Reply(event, None))
        return actions

    def _react(self, event: ChatEvent, kind: str) -> list[DirectorAction]:
        typed = event.type == "comment"  # "主播晚上好" is said to the host: owed a reply sooner than an enter
        gap = self._config.greeting_reply_gap_s if typed else self._config.reaction_gap_s
        if self._mode != "auto" or self._stopped or self._now - self._last_reaction.get(typed, float("-inf")) < gap:
            return [Reply(event, None)]
        # A nick or gift name is screened before it is said; when in doubt the line has no name.
        choice = choose_reaction(event, kind, self._style, self._new_id("reaction-"), self._check,
                                 self.wall_time(self._now))
        if choice.line is None:
            return [*choice.blocked, Reply(event, None)]
        self._last_reaction[typed] = self._now
        return [*choice.blocked, Reply(event, choice.line), *self._submit(choice.line)]

    # --- operator ---------------------------------------------------------------------------
    def _log(self, operator: str, action: str, detail: str = "") -> OperatorLogged:
        return OperatorLogged(operator or "unknown", action, detail)

    def _on_operator_say(self, event: OperatorSay) -> list[DirectorAction]:
        sentences = tuple(s for s in re.findall(r"[^。！？!?]+[。！？!?]?", event.text.strip()) if s.strip())
        if not sentences:
            return [self._log(event.operator, "say", "refused: empty line")]
        line = Line(self._new_id("operator-"), Priority.OPERATOR, sentences, self._shown_sku, (),
                    kind=LineKind.OPERATOR)
        verdict = self._check(line, self._products_for(line), self.wall_time(self._now))
        if verdict.blocked_by:
            return [GuardBlocked(line.line_id, line.kind.value, verdict.blocked_by, line.text, None),
                    self._log(event.operator, "say", f"refused by guard ({', '.join(verdict.blocked_by)}): "
                                                     f"{line.text}")]
        log = self._log(event.operator, "say", verdict.line.text)
        if self._stopped:
            return [log, self._log(event.operator, "say", "refused: the show is stopped")]
        return [log, *self._submit(verdict.line)]

    def _on_pin(self, event: PinProduct) -> list[DirectorAction]:
        if event.sku is not None and self._catalog.product(event.sku) is None:
            return [self._log(event.operator, "pin", f"refused: no product {event.sku}")]
        self._pinned = event.sku
        self._visit = None  # the next rundown line starts on the pinned product
        actions: list[DirectorAction] = [self._log(event.operator, "pin", event.sku or "unpinned")]
        if event.sku is not None:  # half-said selling lines of other products are not resumed
            for line in [q for q in self._queue if q.priority == Priority.RUNDOWN and q.sku != event.sku]:
                self._queue.remove(line)
                self._forget(line.line_id)
                actions.append(LineDropped(line.line_id))
        if event.sku is not None and event.sku != self._shown_sku:
            self._shown_sku = event.sku  # the card changes now; the host talks about it from the next line
            actions.append(ShowProduct(event.sku))
        return actions

    def _on_pause(self, event: PauseRundown) -> list[DirectorAction]:
        self._paused = event.paused
        actions: list[DirectorAction] = [self._log(event.operator, "pause" if event.paused else "unpause")]
        return actions + (self._advance() if self._on_air is None else [])

    def _on_load(self, event: MachineLoad) -> list[DirectorAction]:
        self._load = event.level
        return self._advance() if self._on_air is None else []  # lighter again: the rundown goes on

    def _on_mode(self, event: SetMode) -> list[DirectorAction]:
        if event.mode not in MODES:
            return [self._log(event.operator, "mode", f"refused: unknown mode {event.mode!r}")]
        self._mode = event.mode
        actions: list[DirectorAction] = [self._log(event.operator, "mode", event.mode)]
        return actions + (self._advance() if self._on_air is None else [])

    def _on_approve(self, event: ApproveReply) -> list[DirectorAction]:
        proposal = self._proposals.pop(event.line_id, None)
        if proposal is None:
            return [self._log(event.operator, "approve", f"refused: no proposal {event.line_id}")]
        return [self._log(event.operator, "approve", proposal.line.text), Reply(proposal.event, proposal.line),
                *self._submit(proposal.line)]

    def _on_reject(self, event: RejectReply) -> list[DirectorAction]:
        proposal = self._proposals.pop(event.line_id, None)
        if proposal is None:
            return [self._log(event.operator, "reject", f"refused: no proposal {event.line_id}")]
        self._answer_events.pop(event.line_id, None)
        return [self._log(event.operator, "reject", proposal.line.text), Reply(proposal.event, None),
                LineDropped(event.line_id)]

    def _on_stop(self, event: EmergencyStop) -> list[DirectorAction]:
        self._stopped = True
        actions: list[DirectorAction] = [self._log(event.operator, "emergency_stop", event.reason),
                                         StopShow(event.reason or "operator stop")]
        if self._on_air is not None:
            self._no_resume.add(self._on_air.line_id)
            self._on_air = None
        for line in self._queue:
            self._forget(line.line_id)
            actions.append(LineDropped(line.line_id))
        self._queue.clear()
        return actions

    def _on_resume(self, event: ResumeShow) -> list[DirectorAction]:
        if not self._stopped:
            return [self._log(event.operator, "resume", "ignored: the show is running")]
        self._stopped = False
        self._visit = None
        return [self._log(event.operator, "resume"), *self._advance()]

    def _on_persona(self, event: PersonaChanged) -> list[DirectorAction]:
        self._style = event.style
        return [self._log(event.operator, "persona", event.style.persona_id)]

    # --- catalog ----------------------------------------------------------------------------
    def _on_catalog(self, event: CatalogUpdated) -> list[DirectorAction]:
        old = {p.sku: p for p in self._catalog.products}
        self._catalog = event.catalog
        self._answerer = event.answerer or self._answerer.with_catalog(event.catalog)
        changed = {p.sku for p in event.catalog.products if old.get(p.sku) != p}
        changed |= set(old) - {p.sku for p in event.catalog.products}
        actions: list[DirectorAction] = []
        # Nothing written from the old facts may still be said: re-answer or drop what waits.
        kept: list[Line] = []
        for line in self._queue:
            if line.sku not in changed:
                kept.append(line)
            elif line.priority == Priority.ANSWER and line.line_id in self._answer_events:
                kept.append(self._reanswer(line, actions))
            else:
                self._forget(line.line_id)
                actions.append(LineDropped(line.line_id))
        self._queue = kept
        if self._on_air is not None and self._on_air.sku in changed and self._on_air.priority < Priority.OPERATOR:
            self._no_resume.add(self._on_air.line_id)
            actions.append(CutAtWordBoundary(self._on_air.line_id))
            self._on_air = None
        if self._visit is not None and self._visit.sku in changed:
            self._visit = None
        if self._shown_sku in changed:
            shown = self._catalog.product(self._shown_sku or "")
            self._shown_sku = shown.sku if shown else None
            if shown:
                actions.append(ShowProduct(shown.sku))  # the card redraws with the new price
        if self._on_air is None:
            actions += self._advance()
        return actions

    def _reanswer(self, line: Line, actions: list[DirectorAction]) -> Line:
        event = self._answer_events[line.line_id]
        found = self._answer_for(event, self._read(event))
        answer = found[0] if found else Answer((self._style.unknown_answers[0],), line.sku, ())
        if found:
            self._answer_keys[line.line_id] = {found[1]}
        fresh = Line(line.line_id, line.priority, answer.sentences, answer.sku, answer.cited,
                     kind=LineKind.ANSWER, derived=answer.derived)
        fresh = self._checked(fresh, actions, fallback=self._unknown_answer)
        self._lines[fresh.line_id] = fresh
        return fresh

    # --- airtime ----------------------------------------------------------------------------
    def _checked(self, line: Line, actions: list[DirectorAction], fallback: Callable[[Line], Line]) -> Line:
        verdict = self._check(line, self._products_for(line), self.wall_time(self._now))
        if not verdict.blocked_by:
            return verdict.line
        safe = fallback(line)
        if self._check(safe, self._products_for(safe), self.wall_time(self._now)).blocked_by:
            safe = self._filler_line(line.line_id)  # fillers state no facts: the last safe thing to say
        actions.append(GuardBlocked(line.line_id, line.kind.value, verdict.blocked_by, line.text, safe.text))
        return safe

    def _products_for(self, line: Line) -> tuple[Product, ...]:
        return products_of(line, self._catalog)

    def _forget(self, line_id: str) -> None:
        self._lines.pop(line_id, None)
        self._answer_events.pop(line_id, None)
        self._answer_keys.pop(line_id, None)

    def _submit(self, line: Line) -> list[DirectorAction]:
        self._lines[line.line_id] = line
        if self._stopped:  # accepted, and said once the operator resumes the show
            self._enqueue(line)
            return []
        if self._on_air is None:
            return self._start(line)
        # A welcome or a thanks waits for the current line to end: only answers and the operator cut.
        if (line.priority > self._on_air.priority and line.priority >= Priority.ANSWER) or self._long_answer_yields(line):
            cut = self._on_air
            self._on_air = None
            # The interrupted line is re-queued when the runtime reports where it was cut.
            return [CutAtWordBoundary(cut.line_id), *self._start(line)]
        self._enqueue(line)
        return []

    def _enqueue(self, line: Line, front: bool = False) -> None:
        if front:
            index = next((i for i, q in enumerate(self._queue) if q.priority <= line.priority), len(self._queue))
        else:
            index = next((i for i, q in enumerate(self._queue) if q.priority < line.priority), len(self._queue))
        self._queue.insert(index, line)

    def _start(self, line: Line) -> list[DirectorAction]:
        self._on_air = line
        self._on_air_at = self._now
        self._lines[line.line_id] = line
        actions: list[DirectorAction] = []
        if line.sku and line.sku != self._shown_sku and line.priority == Priority.RUNDOWN:
            self._shown_sku = line.sku
            actions.append(ShowProduct(line.sku))
        actions.append(Say(line))
        return actions

    def _on_finished(self, event: PlaybackFinished) -> list[DirectorAction]:
        line = self._lines.pop(event.line_id, None)
        self._answer_events.pop(event.line_id, None)
        self._answer_keys.pop(event.line_id, None)
        if line is None:
            return []
        if line.kind == LineKind.DISCLOSURE and event.voice_failed:
            # The room did not hear it: say it again soon, not a whole interval later.
            self._last_disclosure = self._now - self._config.disclosure_every_s + self._config.disclosure_retry_s
        resumable = event.line_id not in self._no_resume and not self._stopped
        self._no_resume.discard(event.line_id)
        if event.interrupted and resumable and event.resume_from < len(line.sentences):
            resumed = line.remainder(event.resume_from, self._new_id("resume-"))
            if resumed.priority == Priority.ANSWER:  # fresh questions go first; a later one cuts it again
                resumed = replace(resumed, priority=Priority.ANSWER_TAIL)
            self._lines[resumed.line_id] = resumed
            self._enqueue(resumed, front=True)
        if self._on_air is not None and self._on_air.line_id == event.line_id:
            self._on_air = None
        if self._on_air is not None:
            return []
        return self._advance()

    def _advance(self) -> list[DirectorAction]:
        if self._stopped:
            return []
        if self._queue:
            return self._start(self._queue.pop(0))
        if self._mode == "takeover" or self._paused:
            return []  # the operator holds the floor: idle frames until they speak or unpause
        actions: list[DirectorAction] = []
        if self._last_disclosure is None or self._now - self._last_disclosure >= self._config.disclosure_every_s:
            self._last_disclosure = self._now
            text = self._disclosure(self._line_counter)
            return self._start(Line(self._new_id("disclosure-"), Priority.RUNDOWN, (text,), kind=LineKind.DISCLOSURE))
        if self._load >= ANSWERS_ONLY:
            return []
        line = self._next_rundown_line(actions)
        if line.kind == LineKind.FILLER and self._load >= NO_FILLERS:
            return actions
        return actions + self._start(line)

_HANDLERS: dict[type, Callable[[Director, object], list[DirectorAction]]] = {
    ShowStarted: Director._on_started,
    ChatReceived: Director._on_chat,
    PlaybackFinished: Director._on_finished,
    CatalogUpdated: Director._on_catalog,
    PersonaChanged: Director._on_persona,
    OperatorSay: Director._on_operator_say,
    PinProduct: Director._on_pin,
    PauseRundown: Director._on_pause,
    MachineLoad: Director._on_load,
    SetMode: Director._on_mode,
    ApproveReply: Director._on_approve,
    RejectReply: Director._on_reject,
    EmergencyStop: Director._on_stop,
    ResumeShow: Director._on_resume,
}
