"""What flows into and out of the director: events, actions, the guard seam and its settings.

Frozen dataclasses only; the state machine that consumes and emits them is script/director.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Mapping, Union

from .answers import Answerer
from .catalog import Catalog, Product
from .chat import ChatEvent
from .lines import Line
from .persona import PersonaStyle

MODES = ("auto", "approve", "takeover")


# --- inputs -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShowStarted:
    at: datetime | None = None  # wall-clock start, so promotions can expire during the show


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
    voice_failed: bool = False  # part of it aired as silence because the voice could not make it


@dataclass(frozen=True)
class CatalogUpdated:
    catalog: Catalog
    answerer: Answerer | None = None  # built off the show thread (embedding new facts takes time)


@dataclass(frozen=True)
class PersonaChanged:
    style: PersonaStyle
    operator: str = ""


@dataclass(frozen=True)
class OperatorSay:
    text: str
    operator: str


@dataclass(frozen=True)
class PinProduct:
    sku: str | None  # None unpins
    operator: str


@dataclass(frozen=True)
class PauseRundown:
    paused: bool
    operator: str


NO_FILLERS, ANSWERS_ONLY = 2, 3  # load levels at which the director sheds lines (1 sheds render detail)


@dataclass(frozen=True)
class MachineLoad:
    """The machine is too busy to do everything: from NO_FILLERS no filler lines, from
    ANSWERS_ONLY no selling lines either (AI disclosures go on), so answers get the CPU."""
    level: int  # 0 normal .. 3


@dataclass(frozen=True)
class SetMode:
    mode: str  # one of MODES
    operator: str


@dataclass(frozen=True)
class ApproveReply:
    line_id: str
    operator: str


@dataclass(frozen=True)
class RejectReply:
    line_id: str
    operator: str


@dataclass(frozen=True)
class EmergencyStop:
    operator: str
    reason: str = ""


@dataclass(frozen=True)
class ResumeShow:
    operator: str


DirectorEvent = Union[ShowStarted, ChatReceived, PlaybackFinished, CatalogUpdated, PersonaChanged, OperatorSay,
                      PinProduct, PauseRundown, SetMode, ApproveReply, RejectReply, EmergencyStop, ResumeShow,
                      MachineLoad]


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
    """A queued line was dropped before it was said (stale, out of date, or the show stopped)."""

    line_id: str


@dataclass(frozen=True)
class Reply:
    """What the director decided about a chat event, for logs, the console and replay reports."""

    event: ChatEvent
    line: Line | None


@dataclass(frozen=True)
class ChatClassified:
    event: ChatEvent
    kind: str  # question, greeting, gift, spam, abuse, other
    redacted_text: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposeReply:
    """Approve mode: an answer waits for the operator (ApproveReply / RejectReply)."""

    event: ChatEvent
    line: Line


@dataclass(frozen=True)
class GuardBlocked:
    line_id: str
    kind: str
    rules: tuple[str, ...]
    text: str
    replaced_by: str | None  # the safe line said instead, if any


@dataclass(frozen=True)
class StopShow:
    """Emergency stop: cut the audio now and show the holding card until ResumeShow."""

    reason: str


@dataclass(frozen=True)
class OperatorLogged:
    operator: str
    action: str
    detail: str


DirectorAction = Union[ShowProduct, Say, CutAtWordBoundary, LineDropped, Reply, ChatClassified, ProposeReply,
                       GuardBlocked, StopShow, OperatorLogged]


# --- the guard seam -------------------------------------------------------------------------
@dataclass(frozen=True)
class LineVerdict:
    blocked_by: tuple[str, ...]  # rule ids; empty when the line may be said
    line: Line  # the line to say (the checker may append a required disclaimer)


LineChecker = Callable[[Line, tuple[Product, ...], "datetime | None"], LineVerdict]
LinePolisher = Callable[[Line], Line]  # an optional rewrite of a rundown line (an LLM); must keep its facts


def pass_all(line: Line, products: tuple[Product, ...], now: datetime | None) -> LineVerdict:
    return LineVerdict((), line)


@dataclass(frozen=True)
class DirectorConfig:
    product_seconds: float = 120.0  # airtime per product visit before the rundown moves on
    product_weights: Mapping[str, float] = field(default_factory=dict)  # sku -> share multiplier
    disclosure_every_s: float = 300.0  # the spoken "I am an AI host" reminder recurs this often
    disclosure_retry_s: float = 20.0  # ... and one the voice failed to make is tried again this soon
    reaction_gap_s: float = 20.0  # at most one welcome or thanks this often: a flood never drowns selling
    greeting_reply_gap_s: float = 8.0  # ... and one reply to a greeting typed in chat this often
    repeat_window_s: float = 3600.0  # an identical rundown line is not repeated within this window
    max_queued_answers: int = 3  # a flood of questions must not drown the selling or go stale
    max_answer_wait_s: float = 2.0  # a question never waits longer than this behind another viewer's answer ...
    min_answer_airtime_s: float = 0.8  # ... unless that answer has only just started (then it waits for it)
    speech_chars_per_s: float = 4.6  # Mandarin at pace 1.0: how the director estimates what is left of a line
    max_proposals: int = 20
    seed: int = 0


MAX_QUEUED_ANSWERS = DirectorConfig.max_queued_answers
