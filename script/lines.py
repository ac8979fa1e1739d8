"""Lines: what the director asks the host to say, and how urgent it is."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class Priority(IntEnum):
    """Higher cuts lower (DESIGN.md: stop/takeover > operator > answer > reaction > rundown)."""

    RUNDOWN = 10
    REACTION = 20
    ANSWER_TAIL = 25  # the rest of an answer cut for another viewer's: after every fresh answer, before welcomes
    ANSWER = 30
    OPERATOR = 40
    STOP = 50


class LineKind(str, Enum):
    """What a line is for: rundown kinds first, then the lines that react to the room."""

    OPENER = "opener"
    SPECS = "specs"
    SCENE = "scene"
    OBJECTION = "objection"
    PROMOTION = "promotion"
    POLICY = "policy"
    CLOSE = "close"  # price and call to action: the host gestures toward the card
    DISCLOSURE = "disclosure"  # the recurring "I am an AI host" reminder
    FILLER = "filler"
    ANSWER = "answer"
    REACTION = "reaction"
    OPERATOR = "operator"
    SAFE = "safe"  # a template line that replaced one the guard blocked


@dataclass(frozen=True)
class Line:
    line_id: str
    priority: Priority
    sentences: tuple[str, ...]
    sku: str | None = None
    sources: tuple[str, ...] = ()  # catalog facts the line states, e.g. "A1001.price"
    resumes: str | None = None  # the line this one continues after an interruption
    kind: LineKind = LineKind.FILLER
    derived: tuple[str, ...] = ()  # numbers computed from catalog facts (promotion arithmetic)

    def __post_init__(self) -> None:
        if not self.sentences:
            raise ValueError(f"line {self.line_id} has no sentences")

    @property
    def text(self) -> str:
        return "".join(self.sentences)

    def remainder(self, from_sentence: int, new_id: str) -> "Line":
        """The rest of this line from sentence `from_sentence` on, to resume after a cut."""
        return Line(new_id, self.priority, self.sentences[from_sentence:], self.sku, self.sources,
                    resumes=self.resumes or self.line_id, kind=self.kind, derived=self.derived)


def format_amount(value: float) -> str:
    """89.0 -> '89', 89.90 -> '89.9', 66.725 -> '66.73': a number as a host writes it."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_price(value: float) -> str:
    """89.0 -> '89元', 89.9 -> '89.9元': how a host writes a price before speech normalisation."""
    return f"{format_amount(value)}元"


def spoken_count(count: int) -> str:
    """两件, 三件: small counts in words, which the guard reads as structure, not as a claim."""
    return {1: "一", 2: "两", 3: "三"}.get(count, str(count))
