"""Chinese-aware normalisation and tokens for lexical matching of viewers' questions.

Questions and catalog text go through the same normalisation, so "两万毫安" meets "20000mAh" and
"七天" meets "7天". Tokens are CJK unigrams and bigrams plus whole alphanumeric runs (and their
number / unit parts), which needs no word segmenter and survives typos in one character.
"""
from __future__ import annotations

import re
import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
# A numeral run is a number only when it has a multiplier (两万, 三十) or a unit follows (七天, 五件);
# "一下", "一样", "万一" stay words.
_UNIT_AFTER = "天个月年块元克斤件瓶盒片包毫升瓦次岁小分秒周"
_UNIT_WORDS = (
    ("毫安时", "mah"), ("毫安", "mah"), ("毫升", "ml"), ("千克", "kg"), ("公斤", "kg"),
)
_DIGIT_UNITS = (("克", "g"), ("瓦", "w"), ("升", "l"), ("斤", "jin"))
# Short names viewers use for what titles spell out.
ALIASES = (("维c", "维生素c"), ("vc", "维生素c"))

# Characters that carry no meaning for matching on their own (they still count inside bigrams).
STOP_CHARS = frozenset("的了吗呢么嘛吧啊呀哦哈是在这那个款些我你您他她它们就都也还又很太吧请问下一有没不和与跟给要想能可以会")
# Chat filler that says nothing about a product or a fact.
CHATTER = ("主播", "请问", "想问", "问一下", "问下", "一下", "姐姐", "小姐姐", "家人们", "老铁", "亲", "宝子",
           "那个", "这个", "那款", "这款", "一款")


def _numeral_value(run: str) -> int | None:
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _DIGITS:
            if digit is not None and section == 0 and total == 0 and ch != "零":
                return None  # "一二" reads as digits, not a number we convert
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def _convert_numerals(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        after = text[match.end():match.end() + 1]
        has_multiplier = any(ch in run for ch in "十百千万")
        if not (has_multiplier or (after and after in _UNIT_AFTER)) or run[0] in "万千百":
            return run
        if run == "十" and not after:
            return run
        value = _numeral_value(run)
        if value is None:
            return run
        before = text[match.start() - 1:match.start()] if match.start() else ""
        return f" {value}" if before.isdigit() else str(value)  # "99一瓶" is 99 for one bottle, not 991

    text = _NUMERAL_RUN.sub(replace, text)
    # "2万" / "1.5万" -> 20000 / 15000
    return re.sub(r"(\d+(?:\.\d+)?)万", lambda m: f"{float(m.group(1)) * 10000:g}", text)


def normalize(text: str) -> str:
    """Lower-case, half-width, Chinese numerals as digits, units as their Latin symbols."""
    text = unicodedata.normalize("NFKC", text).lower()
    for short, full in ALIASES:
        if short in text and full not in text:
            text = text.replace(short, full)
    text = _convert_numerals(text)
    for word, unit in _UNIT_WORDS:
        text = text.replace(word, unit)
    for word, unit in _DIGIT_UNITS:
        text = re.sub(rf"(\d){word}", rf"\1{unit}", text)
    return text


_CJK = re.compile(r"[\u3400-\u9fff]+")
_ALNUM = re.compile(r"[0-9a-z]+(?:\.[0-9]+)?[a-z]*")


def tokens(text: str, drop_chatter: bool = False) -> list[str]:
    """Unigrams (without stop characters) and bigrams of CJK runs, plus alphanumeric runs and parts."""
    text = normalize(text)
    if drop_chatter:
        for word in CHATTER:
            text = text.replace(word, " ")
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(ch for ch in run if ch not in STOP_CHARS)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    for run in _ALNUM.findall(text):
        out.append(run)
        parts = re.findall(r"\d+(?:\.\d+)?|[a-z]+", run)
        if len(parts) > 1:
            out.extend(parts)
    return out
