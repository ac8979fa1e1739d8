"""Welcomes and thank-yous: a viewer's name goes on air only when the viewer-text screen allows it.

A nick or gift name is text a stranger wrote for the host to say, so it is screened first
(script/viewer_text.py) and the whole line then passes the same guard as every other line.
When in doubt the line leaves the name out, in the persona's words ("欢迎新进来的家人"); a gift
name that may not be said is "礼物". Every name left out is reported as a guard block (its
contact details redacted), so the replay report and the console show what was refused and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .chat import ChatEvent
from .contact import redact
from .director_messages import GuardBlocked, LineChecker
from .lines import Line, LineKind, Priority
from .persona import PersonaStyle
from .viewer_text import Screened, screen_for

PLAIN_GIFT = "礼物"


@dataclass(frozen=True)
class ReactionChoice:
    line: Line | None  # the welcome or thanks to say, or None when nothing safe is left
    blocked: tuple[GuardBlocked, ...]  # names left out and lines the guard refused, in order


@dataclass(frozen=True)
class _Candidate:
    text: str
    vouched: tuple[str, ...]  # numbers that are part of the name (Lily_88)


def _pick(options: tuple[str, ...], event: ChatEvent) -> str:
    # Keyed on the event's text, as the director picks its phrases, so a replay reads the same.
    return options[sum(map(ord, event.text)) % len(options)]


def _candidates(event: ChatEvent, kind: str, style: PersonaStyle, nick: Screened, gift: Screened | None,
                refused: list[tuple[tuple[str, ...], str]]) -> list[_Candidate]:
    """The lines to try, named first; names the screen refused are noted in `refused`."""
    raw_nick = event.nick.strip()
    if kind == "gift":
        gift_name = gift.spoken if gift is not None and gift.ok else PLAIN_GIFT
        gift_vouched = gift.vouched if gift is not None and gift.ok else ()
        named, nameless = _pick(style.gift_thanks, event), _pick(style.nameless_gift_thanks, event)
        if gift is not None and not gift.ok and event.text.strip():
            refused.append((gift.reasons, named.format(nick=nick.spoken or raw_nick, gift=event.text.strip())))
        found = []
        if nick.ok:
            found.append(_Candidate(named.format(nick=nick.spoken, gift=gift_name), nick.vouched + gift_vouched))
        elif raw_nick:
            refused.append((nick.reasons, named.format(nick=raw_nick, gift=gift_name)))
        found.append(_Candidate(nameless.format(gift=gift_name), gift_vouched))
        if gift_name != PLAIN_GIFT:
            found.append(_Candidate(nameless.format(gift=PLAIN_GIFT), ()))
        return found
    named, nameless = _pick(style.welcomes, event), _pick(style.nameless_welcomes, event)
    if nick.ok:
        return [_Candidate(named.format(nick=nick.spoken), nick.vouched), _Candidate(nameless, ())]
    if raw_nick:
        refused.append((nick.reasons, named.format(nick=raw_nick)))
    return [_Candidate(nameless, ())]


def choose_reaction(event: ChatEvent, kind: str, style: PersonaStyle, line_id: str, checker: LineChecker,
                    now: datetime | None) -> ReactionChoice:
    """The welcome (kind "greeting") or thanks (kind "gift") for `event`: the first candidate the
    checker passes, the named one when the viewer's nick may be said."""
    screen = screen_for(checker)
    nick = screen.nick(event.nick)
    gift = screen.gift(event.text) if kind == "gift" and event.text.strip() else None
    refused: list[tuple[tuple[str, ...], str]] = []
    chosen: Line | None = None
    for candidate in _candidates(event, kind, style, nick, gift, refused):
        line = Line(line_id, Priority.REACTION, (candidate.text,), kind=LineKind.REACTION,
                    derived=candidate.vouched)
        verdict = checker(line, (), now)
        if not verdict.blocked_by:
            chosen = verdict.line
            break
        refused.append((verdict.blocked_by, candidate.text))
    said = chosen.text if chosen is not None else None
    blocked = tuple(GuardBlocked(line_id, LineKind.REACTION.value, rules, redact(text), said)
                    for rules, text in refused)
    return ReactionChoice(chosen, blocked)
