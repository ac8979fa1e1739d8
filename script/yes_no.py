"""Yes or no first, as a host answers "能机洗吗" or "零下二十度能穿吗": decided only from the fact
the answer states, never guessed. Without a clear reading the fact is said as it is.
"""
from __future__ import annotations

import re

from .spoken_numbers import parse_chinese_integer

# "能…吗", "可以…不", "能不能…", "支持…吗": a question a host answers with 可以 or 不能.
_QUESTION_END = re.compile(r"(吗|么|嘛|不|没有|没|否)[?？!！~。\s]*$|能不能|可不可以|支不支持")
_NEGATION = r"(?:不可以?|不能|不支持|不建议|不宜|禁止|无法|请勿|勿|切勿|不适合|不可用)"
_FEATURE = re.compile(r"(?:能不能|可不可以|支不支持|能|可以|支持)(?:用来|拿来)?([\u4e00-\u9fff]{2,4}?)(?:吗|么|嘛|不|没|呢|啊|$)")
_COLD = re.compile(r"(零下|负|-)\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?:度|℃|°)?")
_CELSIUS = re.compile(r"(-|零下|负)?\s*(\d+(?:\.\d+)?)\s*(?:℃|度|°C|°)")


def asks_yes_no(text: str) -> bool:
    return bool(_QUESTION_END.search(text.strip())) and bool(re.search(r"能|可以|支持|可|会", text))


def _viewer_cold(text: str) -> float | None:
    m = _COLD.search(text)
    if m is None:
        return None
    raw = m.group(2)
    value = float(raw) if raw[0].isdigit() else float(parse_chinese_integer(raw))
    return -value


def _cold_limit(fact: str) -> float | None:
    """The coldest temperature the fact allows: the lowest figure of a range or a "耐寒-35℃"."""
    values = [(-1 if m.group(1) else 1) * float(m.group(2)) for m in _CELSIUS.finditer(fact)]
    if not values or not re.search(r"适用|耐寒|耐低温|抗寒|温度|保暖|防寒", fact):
        return None
    return min(values)


def verdict(question: str, fact: str) -> str | None:
    """"可以" / "不能" for a yes-no question the stated fact settles; None when it does not."""
    if not asks_yes_no(question):
        return None
    cold = _viewer_cold(question)
    if cold is not None:
        limit = _cold_limit(fact)
        if limit is None:
            return None
        return "可以" if cold >= limit else "不建议"
    m = _FEATURE.search(question)
    if m is None:
        return None
    feature = m.group(1)
    if re.search(_NEGATION + r"[\u4e00-\u9fff]{0,2}?" + re.escape(feature), fact):
        return "不能"
    if feature in fact:
        return "可以"
    return None


def with_verdict(question: str, sentences: tuple[str, ...]) -> tuple[str, ...]:
    """The answer's sentences led by the verdict, when there is one and they do not give it yet."""
    if not sentences:
        return sentences
    said = "".join(sentences)
    answer = verdict(question, said)
    if answer is None or said.startswith(("可以", "能", "不能", "不可以", "不建议", "支持", "不支持")):
        return sentences
    return (f"{answer}，{sentences[0]}", *sentences[1:])
