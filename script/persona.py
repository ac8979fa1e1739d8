"""A persona's speaking style: the part of a persona bundle that script/ uses."""
from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Any, Mapping

# Each phrase list and the {placeholders} its phrases must use (exactly these, so a typo fails at load).
_PHRASE_LISTS: dict[str, frozenset[str]] = {
    "openers": frozenset({"title"}),
    "transitions": frozenset(),
    "catch_phrases": frozenset(),
    "scene_intros": frozenset({"scene"}),
    "calls_to_action": frozenset(),
    "acknowledgements": frozenset(),
    "fillers": frozenset(),
    "reassurances": frozenset(),
    "welcomes": frozenset({"nick"}),
    "gift_thanks": frozenset({"nick", "gift"}),
    "ai_disclosures": frozenset({"name"}),
    "answer_prefixes": frozenset(),
    "unknown_answers": frozenset(),
    "not_sold": frozenset(),
}
# Lists a persona may leave out, their placeholders and what is said instead: a welcome and a
# thanks with no name, for when a viewer's nick may not be said on air (script/viewer_text.py).
_OPTIONAL_PHRASE_LISTS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "nameless_welcomes": (frozenset(), ("欢迎新进来的家人。", "欢迎新来的朋友，喜欢可以点个关注。")),
    "nameless_gift_thanks": (frozenset({"gift"}), ("谢谢家人送的{gift}。", "感谢这位家人的{gift}，谢谢支持。")),
}
OBJECTION_CONCERNS = ("price", "quality", "after_sales")


@dataclass(frozen=True)
class PersonaStyle:
    persona_id: str
    display_name: str
    industry: str
    openers: tuple[str, ...]  # contain {title}
    transitions: tuple[str, ...]
    catch_phrases: tuple[str, ...]
    scene_intros: tuple[str, ...]  # contain {scene}
    calls_to_action: tuple[str, ...]
    acknowledgements: tuple[str, ...]
    fillers: tuple[str, ...]
    reassurances: tuple[str, ...]
    welcomes: tuple[str, ...]  # contain {nick}
    gift_thanks: tuple[str, ...]  # contain {nick} and {gift}
    ai_disclosures: tuple[str, ...]  # contain {name}
    answer_prefixes: tuple[str, ...]
    unknown_answers: tuple[str, ...]
    not_sold: tuple[str, ...]
    objections: tuple[tuple[str, tuple[str, ...]], ...]  # (concern, replies) in OBJECTION_CONCERNS order
    pace: float = 1.0
    energy: str = "warm"
    nameless_welcomes: tuple[str, ...] = _OPTIONAL_PHRASE_LISTS["nameless_welcomes"][1]
    nameless_gift_thanks: tuple[str, ...] = _OPTIONAL_PHRASE_LISTS["nameless_gift_thanks"][1]  # may contain {gift}

    def objection_replies(self, concern: str) -> tuple[str, ...]:
        return dict(self.objections).get(concern, ())

    @classmethod
    def from_dict(cls, persona_id: str, data: Mapping[str, Any]) -> "PersonaStyle":
        style = data.get("style")
        if not isinstance(style, Mapping):
            raise ValueError(f"persona {persona_id}: style: must be a mapping")
        lists: dict[str, tuple[str, ...]] = {}
        for key, placeholders in _PHRASE_LISTS.items():
            lists[key] = _phrase_list(persona_id, f"style.{key}", style.get(key), placeholders)
        for key, (placeholders, default) in _OPTIONAL_PHRASE_LISTS.items():
            given = style.get(key)
            lists[key] = default if given is None else _phrase_list(persona_id, f"style.{key}", given, placeholders)
        objections = style.get("objections")
        if not isinstance(objections, Mapping) or not objections:
            raise ValueError(f"persona {persona_id}: style.objections: must map concerns "
                             f"({', '.join(OBJECTION_CONCERNS)}) to lists of phrases")
        unknown = sorted(map(str, set(objections) - set(OBJECTION_CONCERNS)))
        if unknown:
            raise ValueError(f"persona {persona_id}: style.objections: unknown concern(s) {unknown}; "
                             f"known: {', '.join(OBJECTION_CONCERNS)}")
        parsed_objections = tuple(
            (concern, _phrase_list(persona_id, f"style.objections.{concern}", objections[concern], frozenset()))
            for concern in OBJECTION_CONCERNS if concern in objections)
        pace = style.get("pace", 1.0)
        if not isinstance(pace, (int, float)) or not 0.5 <= pace <= 2.0:
            raise ValueError(f"persona {persona_id}: style.pace: must be a number in 0.5..2.0")
        return cls(persona_id=persona_id, display_name=str(data.get("display_name") or persona_id),
                   industry=str(data.get("industry") or "general"), pace=float(pace),
                   energy=str(style.get("energy") or "warm"), objections=parsed_objections, **lists)


def _phrase_list(persona_id: str, where: str, value: Any, placeholders: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"persona {persona_id}: {where}: must be a non-empty list of phrases")
    for i, phrase in enumerate(value):
        try:
            fields = {name for _, name, _, _ in Formatter().parse(phrase) if name is not None}
        except ValueError as exc:
            raise ValueError(f"persona {persona_id}: {where}[{i}]: {exc}") from None
        if not fields <= placeholders or (placeholders == {"title"} and fields != placeholders):
            expected = ", ".join("{" + p + "}" for p in sorted(placeholders)) or "no placeholders"
            raise ValueError(f"persona {persona_id}: {where}[{i}]: may use only {expected}, "
                             f"got {sorted(fields)}")
        try:  # a format spec ({name:d}) or an index would only fail on air
            phrase.format(**{name: "样例" for name in placeholders})
        except (ValueError, IndexError, KeyError, AttributeError) as exc:
            raise ValueError(f"persona {persona_id}: {where}[{i}]: {phrase[:40]!r} cannot be filled in: {exc}") from None
    return tuple(v.strip() for v in value)
