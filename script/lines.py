"""Lines: what the director asks the host to say, and how urgent it is."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Priority(IntEnum):
    """Higher cuts lower (DESIGN.md: stop/takeover > operator > answer > reaction > rundown)."""

    RUNDOWN = 10
    REACTION = 20
    ANSWER = 30
    OPERATOR = 40
    STOP = 50


@dataclass(frozen=True)
class Line:
    line_id: str
    priority: Priority
    sentences: tuple[str, ...]
    sku: str | None = None
    sources: tuple[str, ...] = ()  # catalog facts the line states, e.g. "A1001.price"
    resumes: str | None = None  # the line this one continues after an interruption

    def __post_init__(self) -> None:
        if not self.sentences:
            raise ValueError(f"line {self.line_id} has no sentences")

    @property
    def text(self) -> str:
        return "".join(self.sentences)

    def remainder(self, from_sentence: int, new_id: str) -> "Line":
        """The rest of this line from sentence `from_sentence` on, to resume after a cut."""
        return Line(new_id, self.priority, self.sentences[from_sentence:], self.sku, self.sources,
                    resumes=self.resumes or self.line_id)


def format_price(value: float) -> str:
    """89.0 -> '89元', 89.9 -> '89.9元': how a host writes a price before speech normalisation."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}元"
