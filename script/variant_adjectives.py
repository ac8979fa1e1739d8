"""Which variant of a family an adjective picks: "大的", "小的那个", "宽一点的".

A variant whose own word holds the adjective (宽楦) is picked first; otherwise the one whose own
number is largest or smallest (1L/2L, 50ml/100ml). Both opposites together ("大瓶小瓶差多少")
pick none: the viewer asks about both.
"""
from __future__ import annotations

import re
from typing import Mapping

_OPPOSITE = dict(zip("大小长短高矮宽窄厚薄重轻", "小大短长矮高窄宽薄厚轻重"))
_MORE = "大长高宽厚重"


def chosen_by_adjective(folded: str, distinct_words: Mapping[str, tuple[str, ...]]) -> str | None:
    """`folded`: the question, folded; `distinct_words`: each candidate's own words (those that
    tell it from its siblings). The candidate the adjective picks, or None."""
    comparing = re.search(r"哪个|哪款|还是|和|跟|比", folded)  # "哪个容量大" asks, it does not choose
    tail = r"(?:的|号|款|杯|瓶)" if comparing else r"(?:的|号|款|一点|点|些|杯|瓶|容量|尺寸|那|$|\s|，|,|穿|用)"
    m = re.search(rf"([大小长短高矮宽窄厚薄重轻]){tail}", folded)
    if not m:
        return None
    adjective = m.group(1)
    if re.search(rf"{_OPPOSITE[adjective]}{tail}", folded):
        return None
    candidates = tuple(distinct_words)
    holding = [s for s in candidates if any(adjective in w for w in distinct_words[s])]
    if len(holding) == 1:
        return holding[0]
    sized = [(max(float(n) for n in found), s) for s in candidates
             for found in [re.findall(r"\d+(?:\.\d+)?", " ".join(distinct_words[s]))] if found]
    if len(sized) != len(candidates) or len({v for v, _ in sized}) != len(sized):
        return None
    pick = max if adjective in _MORE else min
    return pick(sized)[1]
