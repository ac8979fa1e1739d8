"""Whether text a viewer supplied (a nick, a gift name, a quote) may be spoken on air.

The host reads viewers' names in welcomes and thank-yous, so a nick is a line a stranger writes
for the host. Pure: the caller passes the guard (with the merchant's rules) and the text.

    screen = screen_for(checker)           # the director's guard, or the default rules
    name = screen.nick(event.nick)
    if name.ok: say(f"欢迎{name.spoken}来到直播间", derived=name.vouched)
    else: say("欢迎新进来的家人")           # when in doubt, no name

A text is refused (`reasons` says why) when:
- its shape is odd: control or format characters (a right-to-left override), stacked combining
  marks, letters of a script a Mandarin voice does not read (Cyrillic look-alikes, Arabic...),
  sentence punctuation (a name that carries a sentence), a character repeated five times, longer
  than `max_chars` once decorations are taken off, or nothing left to say (emoji only, digits only);
- the guard, read as for viewer text (`Guard.for_viewer_text`), hits: every rule the host's own
  lines pass (contacts, absolute and medical terms, urgency, numbers that trace to nothing) plus
  the viewer lists (`viewer_text_rules.yaml`: abuse, political names, smears of the shop, health
  and promotion claims, ads, impersonation, illegal goods, injection). It reads the folded text
  and its compact form, so "傻 逼", "傻.逼" and full-width or traditional spellings are caught;
- a rule's `options.sounds` match the pinyin reading: homophones (沙比, 煞笔) and pinyin or mixed
  spellings (shabi, sha逼).

Decorations (emoji, symbols, brackets) are taken off what is spoken: "阿花🌸" is said "阿花".
Short bare numbers in a name (Lily_88, 小鹿520) are part of it and vouched for; a number with a
unit, a money sign or a promotion word before it (到手价1元, 满199减30, 5折) is a claim and must
trace to the catalog like any number the host says, which a nick never does.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .guard import Guard, GuardContext
from .spoken_numbers import find_numbers
from .text_variants import compact, normalize, syllable

MAX_NAME_CHARS = 12
MAX_GIFT_CHARS = 10
_MAX_RUN = 5  # the same character this many times in a row is a flood, not a name
_NAME_NUMBER_LIMIT = Decimal(10_000)  # larger bare numbers read as IDs or phone fragments
# A name that carries a sentence (or ends one early) is not a name.
_SENTENCE_MARKS = frozenset("。！？!?；;，,：:、…")
_CONNECTORS = frozenset(" _-·.'")
# Emoji glue: variation selectors, zero-width joiner, keycap; skin tones are symbols (Sk).
_EMOJI_GLUE = frozenset("\ufe0e\ufe0f\u200d\u20e3")
_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "LATIN ", "HIRAGANA", "KATAKANA")
_MONEY_SIGNS = ("¥", "￥", "$", "第")


@dataclass(frozen=True)
class Screened:
    """What may be said of one piece of viewer text."""

    spoken: str | None  # the text as the host would say it, or None when it must not be said
    reasons: tuple[str, ...] = ()  # rule ids and shape problems ("odd_script", "too_long", ...)
    vouched: tuple[str, ...] = ()  # numbers in `spoken` that are part of a name, for Line.derived

    @property
    def ok(self) -> bool:
        return self.spoken is not None


def _is_letter(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    name = unicodedata.name(ch, "")
    return name.startswith(_SCRIPTS) or ch in "々〇"


def spoken_form(text: str, max_chars: int) -> tuple[str | None, tuple[str, ...]]:
    """The text with decorations taken off, or None and the shape problems that refuse it."""
    folded = unicodedata.normalize("NFKC", text)
    kept: list[str] = []
    problems: set[str] = set()
    for ch in folded:
        category = unicodedata.category(ch)
        if ch in _EMOJI_GLUE or category[0] == "S" or category in ("Ps", "Pe", "Pi", "Pf"):
            kept.append(" ")  # decoration: a gap, so the words on either side stay apart
        elif ch in _SENTENCE_MARKS:
            problems.add("sentence_punctuation")
        elif category[0] == "C" or category in ("Mn", "Me", "Zl", "Zp"):
            problems.add("control_or_combining_characters")
        elif ch.isspace() or ch in _CONNECTORS:
            kept.append(" " if ch.isspace() else ch)
        elif category[0] == "P":
            kept.append(" ")  # other punctuation (@, #, *) decorates
        elif _is_letter(ch):
            kept.append(ch)
        else:
            problems.add("odd_script")
    spoken = re.sub(r"\s+", " ", "".join(kept)).strip(" _-·.'")
    # "小 鹿" is one name: spaces between CJK characters are dropped, between Latin words kept.
    spoken = re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", spoken)
    if not any(_is_letter(ch) and not ch.isdigit() for ch in spoken):
        problems.add("no_name")  # emoji only, digits only, punctuation only
    if len(spoken) > max_chars:
        problems.add("too_long")
    if re.search(rf"(.)\1{{{_MAX_RUN - 1},}}", spoken):
        problems.add("repeated")
    return (None, tuple(sorted(problems))) if problems else (spoken, ())


def _sound_pattern(sounds: str) -> re.Pattern:
    syllables = [re.escape(s) for s in sounds.lower().split()]
    return re.compile(r"(?<![a-z])" + r"\|*".join(syllables) + r"(?![a-z])")


def _reading(tight: str) -> str:
    """Han characters as |pinyin|, everything else as it is: "傻b" -> "|sha|b"."""
    return "".join(f"|{s}|" if (s := syllable(ch)) else ch for ch in tight)


class ViewerTextScreen:
    """Decides whether viewer text may be spoken, with one guard's rules (the merchant's too)."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard.for_viewer_text()
        self._sounds = tuple((rule.id, _sound_pattern(str(s))) for rule in guard.rules.rules
                             for s in rule.options.get("sounds", ()) if str(s).split())
        numbers = guard.rules.rule("untraced_number")
        options = numbers.options if numbers is not None else {}
        self._units = tuple(sorted((normalize(str(u)).text for u in options.get("units", ())), key=len, reverse=True))
        self._markers = tuple(normalize(str(m)).text for m in options.get("markers_before", ()))

    def nick(self, text: str) -> Screened:
        return self.screen(text, MAX_NAME_CHARS)

    def gift(self, text: str) -> Screened:
        return self.screen(text, MAX_GIFT_CHARS)

    def screen(self, text: str, max_chars: int = MAX_NAME_CHARS) -> Screened:
        if not text or not text.strip():
            return Screened(None, ("empty",))
        spoken, problems = spoken_form(text, max_chars)
        vouched = self._name_numbers(spoken) if spoken else ()
        reasons = list(problems)
        tight = compact(normalize(text)).text
        for candidate in dict.fromkeys((text, tight, spoken or "")):
            if candidate:
                verdict = self.guard.check(candidate, GuardContext(derived_numbers=vouched))
                reasons += verdict.rule_ids
        reading = _reading(tight)
        reasons += [rule_id for rule_id, pattern in self._sounds if pattern.search(reading)]
        reasons = list(dict.fromkeys(reasons))
        if reasons or spoken is None:
            return Screened(None, tuple(reasons))
        return Screened(spoken, (), vouched)

    def _name_numbers(self, spoken: str) -> tuple[str, ...]:
        """Bare numbers that belong to the name: whole, small, with no unit after them and no
        money sign or promotion word before them."""
        vouched = []
        for m in find_numbers(spoken):
            if m.value != m.value.to_integral() or not 0 <= m.value < _NAME_NUMBER_LIMIT:
                continue
            before = normalize(spoken[:m.start]).text.rstrip()
            if self._unit_after(normalize(spoken[m.end:]).text.lstrip()) or before.endswith(
                    self._markers + _MONEY_SIGNS):
                continue
            vouched.append(str(m.value))
        return tuple(dict.fromkeys(vouched))

    def _unit_after(self, rest: str) -> bool:
        for unit in self._units:
            if rest.startswith(unit):
                following = rest[len(unit):len(unit) + 1]
                # "88girl": a Latin unit letter (g) inside a word is no unit, as in the guard.
                if not (unit.isascii() and unit.isalpha() and following.isascii() and following.isalpha()):
                    return True
        return False


@lru_cache(maxsize=1)
def default_screen() -> ViewerTextScreen:
    return ViewerTextScreen(Guard.default())


def screen_for(checker: object) -> ViewerTextScreen:
    """The screen of a line checker that carries one (GuardedLines, with the merchant's rules),
    else of the default rules: a test's pass-all checker never lets a hostile name through."""
    screen = getattr(checker, "viewer_screen", None)
    return screen if isinstance(screen, ViewerTextScreen) else default_screen()
