"""The director: a pure state machine `feed(event, now) -> actions`.

It cycles the rundown, turns viewers' questions into grounded answers, and decides what cuts
what. It never reads a clock or touches audio: the runtime reports what was actually played
(`PlaybackFinished`), and the director resumes an interrupted line from the cut sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .answers import answer_question
from .catalog import Catalog
from .chat import ChatEvent
from .lines import Line, Priority
from .persona import PersonaStyle
from .writer import write_selling_line


# --- inputs -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShowStarted:
    pass


@dataclass(frozen=True)
class ChatReceived:
    event: ChatEvent


@dataclass(frozen=True)
class PlaybackFinished:
    """The runtime finished (or cut) a line. `resume_from` is the first sentence not fully
    spoken: len(sentences) when the line played to the end."""

    line_id: str
    resume_from: int
    interrupted: bool


@dataclass(frozen=True)
class CatalogUpdated:
    catalog: Catalog


DirectorEvent = Union[ShowStarted, ChatReceived, PlaybackFinished, CatalogUpdated]


# --- outputs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShowProduct:
    sku: str


@dataclass(frozen=True)
class Say:
    line: Line


@dataclass(frozen=True)
class CutAtWordBoundary:
    """Stop `line_id` at its next word boundary and drop what was buffered after it."""

    line_id: str


@dataclass(frozen=True)
class LineDropped:
    """A queued line was dropped before it was said (a stale answer pushed out by a flood)."""

    line_id: str


@dataclass(frozen=True)
class Reply:
    """What the director decided about a chat event, for logs, the console and replay reports."""

    event: ChatEvent
    line: Line | None


DirectorAction = Union[ShowProduct, Say, CutAtWordBoundary, Reply, LineDropped]


MAX_QUEUED_ANSWERS = 3  # a flood of questions must not drown the selling or go stale


class Director:
    def __init__(self, catalog: Catalog, style: PersonaStyle) -> None:
        self._catalog = catalog
        self._style = style
        self._next_product = 0
        self._cycle = 0
        self._line_counter = 0
        self._on_air: Line | None = None
        self._queue: list[Line] = []  # waiting lines, highest priority first, FIFO within one
        self._lines: dict[str, Line] = {}  # lines said or saying, to build a resume from
        self._shown_sku: str | None = None

    @property
    def on_air(self) -> Line | None:
        return self._on_air

    @property
    def shown_sku(self) -> str | None:
        return self._shown_sku

    def feed(self, event: DirectorEvent, now: float) -> list[DirectorAction]:
        if isinstance(event, ShowStarted):
            return self._advance()
        if isinstance(event, ChatReceived):
            return self._on_chat(event.event)
        if isinstance(event, PlaybackFinished):
            return self._on_finished(event)
        if isinstance(event, CatalogUpdated):
            self._catalog = event.catalog
            return []
        raise TypeError(f"director cannot handle {type(event).__name__}")

    def _new_id(self, prefix: str) -> str:
        self._line_counter += 1
        return f"{prefix}{self._line_counter}"

    def _on_chat(self, event: ChatEvent) -> list[DirectorAction]:
        if event.type != "comment":
            return [Reply(event, None)]
        answer = answer_question(event.text, self._catalog, self._shown_sku)
        if answer is None:
            return [Reply(event, None)]
        same = self._pending_answer(answer.sentences)
        if same is not None:  # ten viewers asking the price get one answer
            return [Reply(event, same)]
        line = Line(self._new_id("answer-"), Priority.ANSWER, answer.sentences, answer.sku, answer.sources)
        dropped: list[DirectorAction] = []
        queued = [q for q in self._queue if q.priority == Priority.ANSWER]
        if len(queued) >= MAX_QUEUED_ANSWERS:
            self._queue.remove(queued[0])  # the oldest question has waited longest: it is stale
            self._lines.pop(queued[0].line_id, None)
            dropped.append(LineDropped(queued[0].line_id))
        return [*dropped, Reply(event, line), *self._submit(line)]

    def _pending_answer(self, sentences: tuple[str, ...]) -> Line | None:
        candidates = [self._on_air] if self._on_air is not None else []
        candidates += [q for q in self._queue if q.priority == Priority.ANSWER]
        return next((c for c in candidates if c.priority == Priority.ANSWER and c.sentences == sentences), None)

    def _submit(self, line: Line) -> list[DirectorAction]:
        self._lines[line.line_id] = line
        if self._on_air is None:
            return self._start(line)
        if line.priority > self._on_air.priority:
            cut = self._on_air
            self._on_air = None
            # The interrupted line is re-queued when the runtime reports where it was cut.
            return [CutAtWordBoundary(cut.line_id), *self._start(line)]
        self._enqueue(line)
        return []

    def _enqueue(self, line: Line, front: bool = False) -> None:
        same_or_higher = [i for i, q in enumerate(self._queue) if q.priority >= line.priority]
        if front:
            index = next((i for i, q in enumerate(self._queue) if q.priority <= line.priority), len(self._queue))
        else:
            index = (same_or_higher[-1] + 1) if same_or_higher else 0
        self._queue.insert(index, line)

    def _start(self, line: Line) -> list[DirectorAction]:
        self._on_air = line
        actions: list[DirectorAction] = []
        if line.sku and line.sku != self._shown_sku and line.priority == Priority.RUNDOWN:
            self._shown_sku = line.sku
            actions.append(ShowProduct(line.sku))
        actions.append(Say(line))
        return actions

    def _on_finished(self, event: PlaybackFinished) -> list[DirectorAction]:
        line = self._lines.pop(event.line_id, None)
        if line is None:
            return []
        if event.interrupted and event.resume_from < len(line.sentences):
            resumed = line.remainder(event.resume_from, self._new_id("resume-"))
            self._lines[resumed.line_id] = resumed
            self._enqueue(resumed, front=True)
        if self._on_air is not None and self._on_air.line_id == event.line_id:
            self._on_air = None
        if self._on_air is not None:
            return []
        return self._advance()

    def _advance(self) -> list[DirectorAction]:
        if self._queue:
            return self._start(self._queue.pop(0))
        product = self._catalog.products[self._next_product % len(self._catalog.products)]
        self._next_product += 1
        if self._next_product % len(self._catalog.products) == 0:
            self._cycle += 1
        line = write_selling_line(product, self._style, self._cycle, self._new_id("rundown-"))
        self._lines[line.line_id] = line
        return self._start(line)
