"""Judging a reply against a blind label (eval/FORMAT.md): text normalisation and matching only.

Knows nothing of how answers are made; shared by bench_answers.py and its fairness check.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?")
# A run is a number when it has a multiplier, a decimal point, or a counter/unit follows it.
_COUNTER_AFTER = set("元块毛角天个月年克斤件瓶盒片包罐袋支只条套双层次岁小分秒周段号码瓦升毫米厘寸倍折人份粒杯碗斤公")


def _integer(run: str) -> int | None:
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _DIGIT:
            if ch in "零〇":
                continue  # 五百零六: a place holder
            if digit is not None:
                return None  # "一二" is a digit string, not a number
            digit = _DIGIT[ch]
        elif ch in _UNIT:
            section += (1 if digit is None else digit) * _UNIT[ch]
            digit = None
        elif ch == "万":
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def _numerals_to_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        whole, _, frac = run.partition("点")
        after = text[match.end():match.end() + 1]
        if not (frac or any(c in whole for c in "十百千万") or after in _COUNTER_AFTER):
            return run
        if whole and whole[0] in "万千百" or (run in ("一", "万") and after not in _COUNTER_AFTER):
            return run
        value = _integer(whole) if whole else 0
        if value is None:
            return run
        if frac:
            return f"{value}." + "".join(str(_DIGIT[c]) for c in frac)
        return str(value)

    return _RUN.sub(replace, text)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "", text)
    text = _numerals_to_digits(text)
    text = re.sub(r"(\d+(?:\.\d+)?)万", lambda m: f"{float(m.group(1)) * 10000:g}", text)
    text = text.replace("块钱", "元").replace("块", "元")
    text = re.sub(r"[¥￥](\d+(?:\.\d+)?)", r"\1元", text)
    text = re.sub(r"(\d+)\.(\d*?)0+(?!\d)", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)
    return text


def contains(reply: str, wanted: str) -> bool:
    """`wanted` occurs in `reply` after normalisation; a leading number matches whole numbers only."""
    r, w = normalise(reply), normalise(wanted)
    if not w:
        return True
    if w[0].isdigit():
        return re.search(rf"(?<![\d.]){re.escape(w)}" + (r"(?![\d])(?!\.\d)" if w[-1].isdigit() else ""), r) is not None
    return w in r


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", normalise(text))


@dataclass(frozen=True)
class Verdict:
    ok: bool
    why: str = ""


def judge_reply(label: dict, reply_text: str | None, on_air: bool = True) -> Verdict:
    expect = label.get("expect", "answer")
    never = [s for s in label.get("never", []) if s]
    if reply_text is not None:
        bad = [s for s in never if contains(reply_text, s)]
        if bad:
            return Verdict(False, f"said {bad[0]!r}")
    if expect == "silent":
        return Verdict(reply_text is None, "" if reply_text is None else "replied where silence was right")
    if expect == "any":
        return Verdict(True)
    if reply_text is None or not on_air:
        return Verdict(False, "no answer on air")
    alternatives = label.get("accept") or [{"all": [], "none": []}]
    reasons = []
    for alternative in alternatives:
        missing = [group for group in alternative.get("all", []) if not any(contains(reply_text, s) for s in group)]
        said = [s for s in alternative.get("none", []) if s and contains(reply_text, s)]
        if not missing and not said:
            return Verdict(True)
        reasons.append(f"missing {missing[0]}" if missing else f"said {said[0]!r}")
    return Verdict(False, "; ".join(reasons))
