"""One labelled figure out of a spec value that holds several ("C1/C2 单口可达65W；USB-A 单口可达22.5W",
"净重280g；含包装毛重420g", "NB 84片；S 76片；M 64片"): the part the question's own words name. A
host reads the one asked for; reading them all puts the wrong figure on air beside the right one.
When the question names no part, or two equally, nothing is picked and the whole value is read.
"""
from __future__ import annotations

import re

from .product_words import fold_question

_SPLITS = (r"[；;\n]", r"[，,、]")
_LATIN = re.compile(r"[a-z][a-z0-9+]*|\d+[a-z]+", re.I)
_EXCLUDING = re.compile(r"(?:不算|不含|不包括|不带|除了|去掉|除去)([\u4e00-\u9fff]{2})")
_SELF = re.compile(r"本身|自身|裸机|净重|单只|单个|一只")
_IGNORED = frozenset({"多少", "多大", "多长", "多重", "多久", "几个", "一下", "请问", "这个", "那个", "可以", "能够"})
_COMMON_CHARS = frozenset("的了吗呢吧啊呀是有多少几个一这那能可以用要会还和跟与就都也很太最大小")
_MOST = re.compile(r"最[大高多长快]|峰值|可达")


def parts(value: str, levels: tuple[str, ...] = _SPLITS) -> list[str]:
    """The value's labelled figures, when it has two or more; else []."""
    for split in levels:
        pieces = [p.strip() for p in re.split(split, value) if p.strip()]
        with_figure = [p for p in pieces if re.search(r"\d", p)]
        if len(with_figure) >= 2 and len(with_figure) == len(pieces):
            return pieces
    return []


_UNIT = r"(?:[a-z%℃]+|个月|小时|分钟|[个次粒片袋包盒罐瓶支根条只天年斤克升档])"
_ASKED_UNIT = re.compile(rf"(?:几|多少)\s*({_UNIT})", re.I)
_QUESTION_WORDS = re.compile(r"几|多少|多[长久重大高宽厚]")
_TWO_QUESTIONS = re.compile(r"(?:多久|多少|几|吗)\S*[\s，,]+\S+呢$")


def _label(part: str) -> str:
    """A part without its figures and units: what names it ("单口可达", "含包装毛重", "m")."""
    return re.sub(rf"\d+(?:\.\d+)?\s*{_UNIT}?", " ", fold_question(part))


def _tokens(text: str) -> set[str]:
    folded = fold_question(text)
    latin = {t.lower() for t in _LATIN.findall(folded)}
    runs = re.findall(r"[\u4e00-\u9fff]+", folded)
    grams = {run[i:i + 2] for run in runs for i in range(len(run) - 1)} - _IGNORED
    return latin | grams


def pick(value: str, question: str, key: str = "") -> str | None:
    """The one part of `value` the question names, or None; within it, the one sub-part named
    ("耳机单次：降噪开6小时，降噪关8小时" asked "开降噪能听多久")."""
    chosen = _pick(value, question, key)
    if chosen is None:
        return None
    inner = _pick(chosen, question, key, levels=_SPLITS[1:])
    return inner or chosen


def _pick(value: str, question: str, key: str = "", levels: tuple[str, ...] = _SPLITS) -> str | None:
    question = re.sub(r"不开|关掉|关了", "关", question)  # "不开呢": the setting switched off
    pieces = parts(value, levels)
    if not pieces:
        return None
    folded = fold_question(question)
    if _TWO_QUESTIONS.search(folded) or len(_QUESTION_WORDS.findall(folded)) >= 2:
        return None  # "充电要多久 太阳能的呢", "几个 都多长": more than one figure asked
    if re.search(r"食用|用法|用量|服用|冲调|喂食", key):
        return None  # "每日2次，每次3粒": a dose is read whole (a day's count needs both)
    asked = _tokens(question) - _tokens(key)
    unit = _ASKED_UNIT.search(fold_question(question))
    excluded = {m.group(1) for m in _EXCLUDING.finditer(question)}
    scores = []
    asked_chars = {c for c in fold_question(question) if "\u4e00" <= c <= "\u9fff"} - _COMMON_CHARS - set(key)
    for piece in pieces:
        label = _tokens(_label(piece))
        score = len(asked & label) + 0.3 * len(asked_chars & set(_label(piece)))
        if unit and re.search(rf"\d\s*{re.escape(unit.group(1))}", fold_question(piece)):
            score += 1  # "每天吃几次": the part counted in 次
        if any(word in piece for word in excluded):
            score -= 2
        if _SELF.search(question) and re.search(r"包装|毛重|含盒|充电盒|总", piece):
            score -= 1
        scores.append(score)
    best = max(scores)
    if best <= 0 and not excluded and not _SELF.search(question):
        return None
    tied = [piece for piece, score in zip(pieces, scores) if score == best]
    if len(tied) > 1 and _MOST.search(fold_question(question)):
        return max(tied, key=_largest)  # "单口最大多少W": of the single-port figures, the highest
    if len(tied) != 1:
        return None
    return tied[0]


def _largest(part: str) -> float:
    return max((float(n) for n in re.findall(r"\d+(?:\.\d+)?", part)), default=0.0)
