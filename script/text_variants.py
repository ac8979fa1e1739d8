"""Variant spellings folded into one form, so evasions in chat and slips in lines are caught.

Every view keeps, for each of its characters, the index of the original character it came
from (`origin`), so a match found in a view can be cut or redacted in the original text.

- `normalize`: full-width -> half-width (NFKC), lower case, a few traditional -> simplified
  characters, zero-width characters dropped.
- `compact`: `normalize` without separators (spaces, punctuation, symbols, emoji), so
  "加 V 信" and "Q.Q" read as "加v信" and "qq". `_` and `-` stay (they occur in IDs).
- `digits_view`: Chinese, financial and circled numerals as ASCII digits, and separators
  between two digits dropped, so "壹叁捌 0013-8000" reads as phone digits.
- `syllables`: toneless pinyin per character (pypinyin's table, looked up per character and
  cached, since calling pypinyin per message costs ~0.2 ms), for homophone checks.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin.pinyin_dict import pinyin_dict

# Common traditional forms seen in chat; enough for the words the checks look for.
_TRADITIONAL = str.maketrans({
    "電": "电", "話": "话", "號": "号", "碼": "码", "聯": "联", "繫": "系", "維": "维",
    "價": "价", "錢": "钱", "貨": "货", "線": "线", "這": "这", "個": "个", "嗎": "吗", "麼": "么",
    "來": "来", "們": "们", "機": "机", "騙": "骗", "腦": "脑", "殘": "残", "媽": "妈", "鏈": "链",
    "網": "网", "絡": "络", "買": "买", "賣": "卖", "東": "东", "說": "说", "時": "时", "間": "间",
    "為": "为", "癡": "痴", "廢": "废", "滾": "滚", "條": "条",
    "與": "与", "會": "会", "員": "员", "樣": "样", "麽": "么", "還": "还", "沒": "没", "們": "们",
    "種": "种", "幾": "几", "優": "优", "寶": "宝", "裡": "里", "裏": "里", "對": "对",
    "開": "开", "發": "发", "進": "进", "羣": "群", "紅": "红", "點": "点", "擊": "击", "頭": "头",
    "覽": "览", "請": "请", "問": "问", "後": "后", "現": "现", "讓": "让",
    "處": "处", "長": "长", "雙": "双", "鐘": "钟", "萬": "万", "兩": "两", "億": "亿",
})
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_KEEP_IN_COMPACT = frozenset("_-")
_CN_DIGITS = {
    "零": "0", "〇": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6",
    "七": "7", "柒": "7", "拐": "7", "八": "8", "捌": "8", "九": "9", "玖": "9",
}


@dataclass(frozen=True)
class View:
    """Text in one normalised form; origin[i] is the index in the original of character i."""

    text: str
    origin: tuple[int, ...]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


# Per-character caches as plain dicts: chat classification calls these for every character,
# and a dict lookup costs a fraction of a cached function call. Bounded by the characters seen.
_FOLDED: dict[str, str] = {}
_SEPARATOR: dict[str, bool] = {}
_CACHE_LIMIT = 50_000


def _fold_char(ch: str) -> str:
    folded = "" if ch in _ZERO_WIDTH else unicodedata.normalize("NFKC", ch).lower().translate(_TRADITIONAL)
    if len(_FOLDED) < _CACHE_LIMIT:
        _FOLDED[ch] = folded
    return folded


def normalize(text: str) -> View:
    if text.isascii():
        return View(text.lower(), tuple(range(len(text))))
    cache = _FOLDED
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = cache.get(ch)
        if folded is None:
            folded = _fold_char(ch)
        if len(folded) == 1:
            chars.append(folded)
            origin.append(i)
        else:
            chars.append(folded)
            origin.extend([i] * len(folded))
    return View("".join(chars), tuple(origin))


def is_separator(ch: str) -> bool:
    known = _SEPARATOR.get(ch)
    if known is None:
        known = ch not in _KEEP_IN_COMPACT and unicodedata.category(ch)[0] in "PSZC"
        if len(_SEPARATOR) < _CACHE_LIMIT:
            _SEPARATOR[ch] = known
    return known


def compact(view: View) -> View:
    cache = _SEPARATOR
    chars: list[str] = []
    origin: list[int] = []
    for ch, where in zip(view.text, view.origin):
        separator = cache.get(ch)
        if separator is None:
            separator = is_separator(ch)
        if not separator:
            chars.append(ch)
            origin.append(where)
    return View("".join(chars), tuple(origin))


def digits_view(view: View) -> View:
    """Numerals as ASCII digits; separators (and _ -) between two digits dropped."""
    mapped = [_CN_DIGITS.get(ch, ch) for ch in view.text]
    chars: list[str] = []
    origin: list[int] = []
    n = len(mapped)
    i = 0
    while i < n:
        ch = mapped[i]
        if chars and chars[-1].isdigit() and (is_separator(ch) or ch in _KEEP_IN_COMPACT):
            j = i
            while j < n and (is_separator(mapped[j]) or mapped[j] in _KEEP_IN_COMPACT):
                j += 1
            if j < n and mapped[j].isdigit():
                i = j
                continue
        chars.append(ch)
        origin.append(view.origin[i])
        i += 1
    return View("".join(chars), tuple(origin))


def _strip_tone(reading: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
    return bare.lower()


@lru_cache(maxsize=16384)
def syllable(ch: str) -> str:
    """Toneless pinyin of a Han character (first reading), or '' for anything else."""
    readings = pinyin_dict.get(ord(ch))
    if not readings:
        return ""
    return _strip_tone(readings.split(",")[0])


def syllables(view: View) -> tuple[str, ...]:
    """One entry per character of `view`: its pinyin, or the character itself when not Han."""
    return tuple(syllable(ch) or ch for ch in view.text)
