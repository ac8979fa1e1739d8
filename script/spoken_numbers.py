"""Numbers as a host writes or says them: "89元", "89.9", "1,299", "1.2万", "八十九", "一百二十九",
"九块九", "百分之三十", "两三天". Each is found with its span and value, so the guard can compare
values with catalog facts however either side wrote them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .text_variants import normalize

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ANY = _CN_DIGITS + "十百千万亿"

# A Chinese numeral starts with a digit or 十 (百/千/万 alone are words: 百搭, 千万, 万一).
_CN_RE = re.compile(rf"[{_CN_DIGITS}十][{_CN_ANY}]*(?:点[{_CN_DIGITS}]+)?")
_AR_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
# "九块九", "89块9毛9": the digits after 块 are tenths (and hundredths).
_MONEY_TAIL_RE = re.compile(rf"\s*块\s*([0-9{_CN_DIGITS}])\s*(?:毛|角)?(?:\s*([0-9{_CN_DIGITS}])\s*分?)?"
                            rf"(?![0-9{_CN_ANY}件个份盒瓶])")
_MULTIPLIER_RE = re.compile(r"\s*(万|亿|千)(?![0-9一二两三四五六七八九])")


@dataclass(frozen=True)
class NumberMention:
    value: Decimal
    start: int  # span in the original text
    end: int
    raw: str


def canonical(value: Decimal | float | int | str) -> Decimal:
    """One form per value: 89, 89.0 and 89.00 compare equal and print as '89'."""
    number = Decimal(str(value))
    normalized = number.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def parse_chinese_integer(text: str) -> int:
    """"八十九" -> 89, "一百零五" -> 105, "三千五" -> 3500, "一万二" -> 12000, "一三八" -> 138."""
    if not any(ch in _SMALL_UNIT or ch in _BIG_UNIT for ch in text):
        return int("".join(str(_DIGIT[ch]) for ch in text))
    total = section = digit = 0
    last_unit = 0
    after_zero = False
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
            after_zero = after_zero or ch in "零〇"
        elif ch in _SMALL_UNIT:
            unit = _SMALL_UNIT[ch]
            section += (digit or (1 if unit == 10 else 0)) * unit
            digit, last_unit, after_zero = 0, unit, False
        else:
            unit = _BIG_UNIT[ch]
            total += (section + digit) * unit
            section = digit = 0
            last_unit, after_zero = unit, False
    if digit and last_unit >= 100 and not after_zero:
        # Colloquial tail: "三千五" is 3500, "一万二" is 12000.
        digit *= last_unit // 10
    return total + section + digit


def _chinese_value(raw: str) -> Decimal:
    whole, _, fraction = raw.partition("点")
    value = Decimal(parse_chinese_integer(whole))
    if fraction:
        value += Decimal("0." + "".join(str(_DIGIT[ch]) for ch in fraction))
    return value


def _digit_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else _DIGIT[ch]


def find_numbers(text: str, skip: tuple[tuple[int, int], ...] = ()) -> list[NumberMention]:
    """Every number in `text` with its value, skipping numbers that start inside `skip` spans
    (spans of the original text, e.g. idioms like 十分 or 一一)."""
    view = normalize(text)
    norm = view.text
    spans: list[tuple[int, int, Decimal]] = []
    for m in _AR_RE.finditer(norm):
        try:
            value = Decimal(m.group().replace(",", ""))
        except InvalidOperation:
            continue
        spans.append((m.start(), m.end(), value))
    for m in _CN_RE.finditer(norm):
        raw = m.group()
        if len(raw) == 2 and raw[0] in _DIGIT and raw[1] in _DIGIT and raw[0] not in "零〇":
            # "两三天", "三五个": two small digits side by side are a range, not 23 or 35.
            spans.append((m.start(), m.start() + 1, Decimal(_DIGIT[raw[0]])))
            spans.append((m.start() + 1, m.end(), Decimal(_DIGIT[raw[1]])))
            continue
        spans.append((m.start(), m.end(), _chinese_value(raw)))
    mentions = []
    consumed = 0
    for start, end, value in sorted(spans):
        original = view.span_in_original(start, end)
        if start < consumed or any(a <= original[0] < b for a, b in skip):
            continue
        tail = _MONEY_TAIL_RE.match(norm, end)
        if tail and "." not in norm[start:end]:
            value += Decimal(_digit_value(tail.group(1))) / 10
            if tail.group(2):
                value += Decimal(_digit_value(tail.group(2))) / 100
            end = tail.end(2) if tail.group(2) else tail.end(1)
        else:
            multiplier = _MULTIPLIER_RE.match(norm, end)
            if multiplier and norm[start:end][-1] not in "万亿千":
                value *= {"万": 10_000, "亿": 100_000_000, "千": 1000}[multiplier.group(1)]
                end = multiplier.end()
        consumed = end
        o_start, o_end = view.span_in_original(start, end)
        mentions.append(NumberMention(canonical(value), o_start, o_end, text[o_start:o_end]))
    return mentions
