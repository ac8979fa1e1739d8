"""Replay recorded chat against a catalog on a simulated clock, without rendering.

The director runs unchanged; speech is simulated from text length at the persona's pace, so
word boundaries, cuts, acknowledgements and answer latency behave as on air. Everything is
derived from the seed and the input, so the same replay writes the same report.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace, dataclass, field
from datetime import datetime

from script.answers import Answerer
from script.catalog import Catalog
from script.chat import ChatEvent, ChatFormatError, parse_chat_event
from script.director import (ChatClassified, ChatReceived, CutAtWordBoundary, Director, DirectorAction,
                             DirectorConfig, GuardBlocked, LineChecker, LineDropped, PinProduct, PlaybackFinished,
                             Reply, Say, ShowProduct, ShowStarted)
from script.lines import Line, Priority
from script.persona import PersonaStyle

from .media import SAMPLE_RATE
from .playout import CUT_FADE, MAX_CUT_WAIT
from .time_budget import BudgetExceeded, time_budget

_WORD = re.compile(r"[A-Za-z0-9.%]+|[\u4e00-\u9fff]|[^\s]")
_PAUSES = {"，": 0.2, ",": 0.2, "、": 0.15, "。": 0.35, "！": 0.35, "？": 0.35, "!": 0.35, "?": 0.35, "；": 0.25}


@dataclass(frozen=True)
class SpeechModel:
    """How long speech takes: measured figures stand in for the voice and its synthesis."""

    chars_per_second: float = 4.6  # Mandarin selling speech at pace 1.0
    # An answer opens with a part synthesized before anyone asked (the persona's prefix, or a
    # fixed phrase): its audio is due one render-ahead after the decision (bench_soak: p50 0.15 s).
    first_audio_s: float = 0.15
    ack_after_s: float = 0.2  # a longer wait is filled with a pre-synthesized acknowledgement (playout)
    max_cut_wait_s: float = MAX_CUT_WAIT / SAMPLE_RATE  # a cut waits this long for a word boundary, else fades
    cut_fade_s: float = CUT_FADE / SAMPLE_RATE

    def word_ends(self, sentences: tuple[str, ...], pace: float) -> list[tuple[float, int]]:
        """(end time, sentence index) of every word, from the start of the line."""
        ends: list[tuple[float, int]] = []
        t = 0.0
        for index, sentence in enumerate(sentences):
            for token in _WORD.findall(sentence):
                pause = _PAUSES.get(token)
                if pause is not None:
                    t += pause
                    if ends:
                        ends[-1] = (t, ends[-1][1])
                    continue
                t += max(1, len(token) // 2 if token.isascii() else len(token)) / (self.chars_per_second * pace)
                ends.append((t, index))
        return ends or [(0.1, 0)]

    def duration(self, sentences: tuple[str, ...], pace: float) -> float:
        return self.word_ends(sentences, pace)[-1][0]


@dataclass(frozen=True)
class ReplyRecord:
    text: str
    sku: str | None
    sources: tuple[str, ...]
    line_id: str
    t_ack: float | None = None
    t_on_air: float | None = None
    guard_hits: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()  # numbers the answer computed (basket totals), which the guard vouched for


@dataclass
class EventRecord:
    line: int  # 1-based line in the chat file
    t: float
    user: str
    text: str  # redacted
    kind: str
    flags: tuple[str, ...] = ()
    reply: ReplyRecord | None = None
    error: str | None = None
    shown_sku: str | None = None  # the product on screen when the event arrived


@dataclass(frozen=True)
class AiredLine:
    line_id: str
    kind: str
    priority: int
    sku: str | None
    text: str  # the part actually said (up to a cut)
    sources: tuple[str, ...]
    derived: tuple[str, ...]
    start: float
    end: float
    cut: bool


@dataclass(frozen=True)
class GuardEvent:
    t: float
    line_id: str
    kind: str
    rules: tuple[str, ...]
    text: str
    replaced_by: str | None


@dataclass
class ReplayResult:
    events: list[EventRecord]
    aired: list[AiredLine]
    guard_blocks: list[GuardEvent]
    duration_s: float
    seed: int
    persona: str
    started_at: datetime | None
    products_shown: dict[str, float] = field(default_factory=dict)  # sku -> seconds on air


@dataclass
class _Playing:
    line: Line
    start: float
    word_ends: list[tuple[float, int]]
    ack: str | None = None

    @property
    def end(self) -> float:
        return self.start + self.word_ends[-1][0]


def read_chat_lines(text: str) -> list[tuple[int, ChatEvent | None, str | None]]:
    """Every non-empty line of a .jsonl chat: (line number, event or None, error or None)."""
    out: list[tuple[int, ChatEvent | None, str | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out.append((number, parse_chat_event(raw), None))
        except ChatFormatError as exc:
            out.append((number, None, str(exc)))
    return out


class ReplaySimulator:
    def __init__(self, catalog: Catalog, style: PersonaStyle, *, seed: int = 0,
                 started_at: datetime | None = None, checker: LineChecker | None = None,
                 speech: SpeechModel = SpeechModel(), config: DirectorConfig | None = None,
                 reader=None, answerer: Answerer | None = None, event_budget_s: float | None = None) -> None:
        """`event_budget_s`: the most one chat event may take (see stream.time_budget)."""
        config = config or DirectorConfig(seed=seed)
        kwargs = {"reader": reader} if reader is not None else {}
        self.director = Director(catalog, style, config=config, checker=checker, answerer=answerer, **kwargs)
        self._style = style
        self._event_budget_s = event_budget_s
        self._speech = speech
        self._seed = seed
        self._started_at = started_at
        self._now = 0.0
        self._playing: _Playing | None = None
        self._next_free = 0.0  # when the audio of a cut line actually stops
        self._decided_at: dict[str, float] = {}
        self._waiting: dict[str, list[EventRecord]] = {}  # line id -> events waiting for it on air
        self._records: list[EventRecord] = []
        self._by_event: dict[int, EventRecord] = {}
        self._aired: list[AiredLine] = []
        self._guard: list[GuardEvent] = []
        self._airtime: dict[str, float] = {}

    def run(self, chat: list[tuple[int, ChatEvent | None, str | None]], until: float | None = None,
            rundown: list[tuple[float, str]] = ()) -> ReplayResult:
        """Replay `chat`; `rundown` optionally pins the product on screen at given times, as the
        operator did in the recorded show, so "这个多少钱" is judged against the same product."""
        # A malformed line has no time of its own: it happened when the line before it did.
        timed: list[tuple[float, int, ChatEvent | None, str | None]] = []
        previous = 0.0
        for number, event, error in chat:
            previous = event.t if event is not None else previous
            timed.append((previous, number, event, error))
        timed.sort(key=lambda item: (item[0], item[1]))
        last_t = timed[-1][0] if timed else 0.0
        until = last_t + 30.0 if until is None else until
        self._apply(self.director.feed(ShowStarted(self._started_at), 0.0))
        index = 0
        pins = sorted(rundown)
        while True:
            if pins and pins[0][0] <= min(timed[index][0] if index < len(timed) else math.inf,
                                          self._playing.end if self._playing else math.inf):
                t_pin, sku = pins.pop(0)
                self._now = max(self._now, t_pin)
                self._apply(self.director.feed(PinProduct(sku, "recorded rundown"), self._now))
                continue
            next_chat = timed[index][0] if index < len(timed) else math.inf
            next_end = self._playing.end if self._playing else math.inf
            step = min(next_chat, next_end)
            if step == math.inf or step > until:
                break
            self._now = max(self._now, step)
            if next_chat <= next_end:
                _, number, event, error = timed[index]
                index += 1
                if event is None:
                    self._records.append(EventRecord(number, self._now, "", "", "error", error=error))
                    continue
                record = EventRecord(number, event.t, event.user, event.text, "other",
                                     shown_sku=self.director.shown_sku)
                self._records.append(record)
                self._by_event[id(event)] = record
                try:
                    with time_budget(self._event_budget_s, f"line {number}"):
                        self._apply(self.director.feed(ChatReceived(event), self._now))
                except BudgetExceeded as exc:
                    record.kind, record.error = "error", str(exc)
            else:
                self._finish(interrupted=False)
        if self._playing is not None:
            self._close_playing(min(self._playing.end, max(until, self._now)), cut=True)
        return ReplayResult(self._records, self._aired, self._guard, max(until, self._now), self._seed,
                            self._style.persona_id, self._started_at, dict(self._airtime))

    # --- playback --------------------------------------------------------------------------
    def _finish(self, interrupted: bool) -> None:
        playing = self._playing
        assert playing is not None
        self._close_playing(playing.end, cut=False)
        self._apply(self.director.feed(
            PlaybackFinished(playing.line.line_id, len(playing.line.sentences), interrupted), self._now))

    def _close_playing(self, end: float, cut: bool) -> None:
        playing = self._playing
        assert playing is not None
        self._playing = None
        line = playing.line
        said_until = end - playing.start
        spoken = sorted({i for t, i in playing.word_ends if t <= said_until + 1e-9})
        text = "".join(line.sentences[i] for i in spoken) if cut else line.text
        self._aired.append(AiredLine(line.line_id, line.kind.value, int(line.priority), line.sku, text,
                                     line.sources, line.derived, round(playing.start, 3), round(end, 3), cut))
        if line.sku and end > playing.start:
            self._airtime[line.sku] = self._airtime.get(line.sku, 0.0) + (end - playing.start)
        self._next_free = end

    def _cut(self, line_id: str) -> None:
        playing = self._playing
        if playing is None or playing.line.line_id != line_id:
            return
        position = self._now - playing.start
        boundary = next(((t, i) for t, i in playing.word_ends if t >= position - 1e-9), playing.word_ends[-1])
        t_cut, sentence = boundary
        if t_cut - position > self._speech.max_cut_wait_s:  # a long word is faded out, not waited for
            t_cut = position + self._speech.cut_fade_s
        sentence_done = all(i != sentence for t, i in playing.word_ends if t > t_cut + 1e-9)
        resume_from = sentence + 1 if sentence_done else sentence
        if position <= 0:  # cut before its first word: nothing of it was said
            t_cut, resume_from = 0.0, 0
        self._close_playing(playing.start + max(t_cut, 0.0), cut=True)
        self._apply(self.director.feed(PlaybackFinished(line_id, resume_from, True), self._now))

    def _start(self, line: Line) -> None:
        start = max(self._now, self._next_free)
        ack = None
        t_ack = start
        if line.priority == Priority.ANSWER:
            ready = self._decided_at.get(line.line_id, self._now) + self._speech.first_audio_s
            if ready - start > self._speech.ack_after_s:
                # The pre-synthesized acknowledgement covers the wait for the answer's audio.
                ack = self._style.acknowledgements[len(self._aired) % len(self._style.acknowledgements)]
                start = max(ready, start + self._speech.duration((ack,), self._style.pace))
            else:
                start = max(start, ready)
                t_ack = start
        self._playing = _Playing(line, start, self._speech.word_ends(line.sentences, self._style.pace), ack)
        waiting = self._waiting.pop(line.resumes or line.line_id, []) + self._waiting.pop(line.line_id, [])
        for record in waiting:
            if record.reply is not None:
                record.reply = _replace_times(record.reply, t_ack, start)

    # --- director actions ------------------------------------------------------------------
    def _apply(self, actions: list[DirectorAction]) -> None:
        for action in actions:
            if isinstance(action, Say):
                self._start(action.line)
            elif isinstance(action, CutAtWordBoundary):
                self._cut(action.line_id)
            elif isinstance(action, ChatClassified):
                record = self._by_event.get(id(action.event))
                if record is not None:
                    record.kind, record.text, record.flags = action.kind, action.redacted_text, action.flags
            elif isinstance(action, Reply):
                self._reply(action)
            elif isinstance(action, LineDropped):
                for record in self._waiting.pop(action.line_id, []):
                    record.reply = _replace_times(record.reply, None, None) if record.reply else None
            elif isinstance(action, GuardBlocked):
                self._guard.append(GuardEvent(self._now, action.line_id, action.kind, action.rules, action.text,
                                              action.replaced_by))
            elif isinstance(action, ShowProduct):
                pass  # airtime is counted from the lines actually said

    def _reply(self, reply: Reply) -> None:
        record = self._by_event.get(id(reply.event))
        if record is None:
            return
        line = reply.line
        if line is None:
            record.reply = None
            return
        hits = tuple(rule for g in self._guard if g.line_id == line.line_id for rule in g.rules)
        record.reply = ReplyRecord(line.text, line.sku, line.sources, line.line_id, guard_hits=hits,
                                   derived=line.derived)
        self._decided_at.setdefault(line.line_id, self._now)
        playing = self._playing
        if playing is not None and playing.line.line_id == line.line_id and playing.start <= self._now:
            record.reply = _replace_times(record.reply, self._now, self._now)  # merged into the answer on air
        elif playing is not None and playing.line.line_id == line.line_id:
            record.reply = _replace_times(record.reply, playing.start, playing.start)
        else:
            self._waiting.setdefault(line.line_id, []).append(record)


def _replace_times(reply: ReplyRecord, t_ack: float | None, t_on_air: float | None) -> ReplyRecord:
    return replace(reply, t_ack=None if t_ack is None else round(t_ack, 3),
                   t_on_air=None if t_on_air is None else round(t_on_air, 3))
