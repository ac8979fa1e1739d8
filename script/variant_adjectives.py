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


# Who the viewer buys for says which of a 女款 / 男款 pair ("165 110斤 女", "给我老公买").
_WOMAN = re.compile(r"女(?!儿|童|孩|宝)|老婆|媳妇|我妈|妈妈|老妈|婆婆|闺蜜|姐姐|妹妹|奶奶|外婆|姥姥|她")
_MAN = re.compile(r"男(?!孩|童|宝)|老公|我爸|爸爸|老爸|公公|哥哥|弟弟|爷爷|外公|姥爷|他(?!们)")
_GENDER_WORDS = {"女": re.compile(r"女款|女士|女式|女装|女性|女生|女子"), "男": re.compile(r"男款|男士|男式|男装|男性|男生|男子")}


def chosen_by_gender(folded: str, distinct_words: Mapping[str, tuple[str, ...]]) -> str | None:
    """The one candidate made for the woman or the man the question speaks of, or None (both or
    neither spoken of, or no candidate marked so)."""
    woman, man = bool(_WOMAN.search(folded)), bool(_MAN.search(folded))
    if woman == man or re.search(r"还是|和|跟|比|区别", folded):
        return None
    def marked(sku: str, gender: str) -> bool:
        return any(_GENDER_WORDS[gender].search(w) for w in distinct_words[sku])
    if not all(marked(s, "女") or marked(s, "男") for s in distinct_words):
        return None  # not a 女款/男款 family: a chair beside men's trousers is not chosen by 爸爸
    holding = [s for s in distinct_words if marked(s, "女" if woman else "男")]
    return holding[0] if len(holding) == 1 else None


def chosen_by_adjective(folded: str, distinct_words: Mapping[str, tuple[str, ...]]) -> str | None:
    """`folded`: the question, folded; `distinct_words`: each candidate's own words (those that
    tell it from its siblings). The candidate the adjective (or the wearer's gender) picks, or None."""
    by_gender = chosen_by_gender(folded, distinct_words)
    if by_gender is not None:
        return by_gender
    comparing = re.search(r"哪个|哪款|还是|和|跟|比", folded)  # "哪个容量大" asks, it does not choose
    # "小保温杯", "大包纸巾": the adjective before a few words ending in a container or size noun
    before_noun = r"|[\u4e00-\u9fff]{1,3}(?=[杯瓶罐桶壶锅盒袋]|号|码)"
    tail = r"(?:的|号|款|杯|瓶|支|包|盒|袋|罐|桶)" if comparing else \
        r"(?:的|号|款|一点|点|些|杯|瓶|支|包|盒|袋|罐|桶|箱|份|容量|尺寸|那|$|\s|，|,|穿|用" + before_noun + ")"
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
