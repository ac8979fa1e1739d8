"""A persona's speaking style: the part of a persona bundle that script/ uses."""
from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Any, Mapping

_PHRASE_LISTS = ("openers", "transitions", "catch_phrases", "calls_to_action", "acknowledgements",
                 "fillers", "reassurances")


@dataclass(frozen=True)
class PersonaStyle:
    persona_id: str
    display_name: str
    industry: str
    openers: tuple[str, ...]  # may contain {title}
    transitions: tuple[str, ...]
    catch_phrases: tuple[str, ...]
    calls_to_action: tuple[str, ...]
    acknowledgements: tuple[str, ...]
    fillers: tuple[str, ...]
    reassurances: tuple[str, ...]
    pace: float = 1.0

    @classmethod
    def from_dict(cls, persona_id: str, data: Mapping[str, Any]) -> "PersonaStyle":
        style = data.get("style")
        if not isinstance(style, Mapping):
            raise ValueError(f"persona {persona_id}: style: must be a mapping")
        lists: dict[str, tuple[str, ...]] = {}
        for key in _PHRASE_LISTS:
            value = style.get(key)
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                raise ValueError(f"persona {persona_id}: style.{key}: must be a non-empty list of phrases")
            lists[key] = tuple(v.strip() for v in value)
        for i, opener in enumerate(lists["openers"]):
            try:
                fields = {name for _, name, _, _ in Formatter().parse(opener) if name is not None}
            except ValueError as exc:
                raise ValueError(f"persona {persona_id}: style.openers[{i}]: {exc}") from None
            if fields != {"title"}:
                raise ValueError(f"persona {persona_id}: style.openers[{i}]: must contain {{title}} and no "
                                 f"other {{placeholder}}, got {sorted(fields)}")
        pace = style.get("pace", 1.0)
        if not isinstance(pace, (int, float)) or not 0.5 <= pace <= 2.0:
            raise ValueError(f"persona {persona_id}: style.pace: must be a number in 0.5..2.0")
        return cls(persona_id=persona_id, display_name=str(data.get("display_name") or persona_id),
                   industry=str(data.get("industry") or "general"), pace=float(pace), **lists)
