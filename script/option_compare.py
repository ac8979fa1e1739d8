"""Two options of one product compared: the options one spec lists in its value (colours, flavours,
ports, styles with their prices), each named by the viewer's own words ("香芋紫跟白色是一个价吗",
"c口和a口差多少w", "常规款跟加绒款差多少"). Each option's figure of the asked kind is read, then
whether they are the same and by how much they differ. A value that says its options cost the same
(同价) answers a price question with the product's one price. Nothing is answered unless each
option named matches exactly one part of one spec: a guess between parts is never read out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .answer_facts import Answer, speakable
from .catalog import Product
from .derivation import derivation
from .lines import format_amount, format_price
from .product_words import fold_question

_SPLITS = (r"[；;\n]", r"\s*[/／、|]\s*")
_CUE = re.compile(r"和|跟|与|还是|比|哪个|哪款|差|一样|同价|一个价|分别|区别|不同")
_BASKET = re.compile(r"一共|总共|各|加起来|到手|凑|一起|几件|两件|三件")
_SAME_PRICE = re.compile(r"同价|价格一样|一个价|同一价|价格相同")
_MONEY = re.compile(r"贵|便宜|价|钱|元|块|差多少$|差多少[^a-z%℃\u4e00-\u9fff]|差几块")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(元|块|mah|w|g|kg|ml|l|cm|mm|小时|h|分钟|天|个月|年|℃|%|片|粒|条|包|袋|抽)",
                     re.IGNORECASE)
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*(mah|w|瓦|g|克|kg|ml|毫升|cm|厘米|mm|小时|天|片|粒|条|包|袋|抽)", re.IGNORECASE)
_UNIT_WORDS = {"瓦": "w", "克": "g", "毫升": "ml", "厘米": "cm"}
_LATIN = re.compile(r"[a-z][a-z0-9+]*", re.IGNORECASE)


@dataclass(frozen=True)
class NamedOptions:
    key: str  # the spec listing the options
    parts: tuple[str, ...]  # the options named, in the spec's order


def _parts(value: str) -> list[str]:
    for split in _SPLITS:
        pieces = [p.strip() for p in re.split(split, value) if p.strip()]
        if len(pieces) >= 2:
            return pieces
    return []


def _label(part: str) -> str:
    """What names a part: its words, without figures and notes ("香芋紫（同价）" -> "香芋紫")."""
    text = re.sub(r"[（(][^）)]*[）)]", " ", fold_question(part))
    return re.sub(r"\d+(?:\.\d+)?\s*(?:[a-z%℃]+|[元块个片粒条包袋抽天年])?", " ", text, flags=re.IGNORECASE)


def _words(label: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", label)
    grams = {run[i:i + 2] for run in runs for i in range(len(run) - 1)}
    return grams | {t.lower() for t in _LATIN.findall(label)}


def _names(asked: set[str], words: set[str]) -> bool:
    """A port letter asked ("c口") names "C1/C2" and "USB-A"; other words must be the part's own."""
    for word in words:
        if word in asked:
            return True
        if re.fullmatch(r"[a-z]\d*", word) and word[0] in asked and len(word[0]) == 1:
            return True
    return False


def named_options(product: Product, question: str) -> NamedOptions | None:
    """The spec whose options the question names two (or more) of, each unambiguously."""
    folded = fold_question(question)
    if not _CUE.search(folded) or _BASKET.search(folded):
        return None
    asked = _words(folded) | {m.group(1) for m in re.finditer(r"(?<![a-z])([a-z])口", folded)}
    asked -= _words(fold_question(product.title))
    found = []
    for key, value in product.specs.items():
        parts = _parts(str(value))
        if not parts:
            continue
        words = [_words(_label(p)) for p in parts]
        shared = set.intersection(*words)
        own = [w - shared for w in words]
        named = [p for p, w in zip(parts, own) if _names(asked, w)]
        # every word asked that names a part names only that one: "白色" in two parts picks neither
        clashing = any(sum(_names({word}, w) for w in own) > 1 for word in asked)
        if 2 <= len(named) <= 4 and not clashing:
            found.append(NamedOptions(str(key), tuple(named)))
    return found[0] if len(found) == 1 else None


_KEY_WORDS = {"净重": "净含量", "毛重": "毛重", "净含量": "净含量"}
_GRAMS = {"g": 1.0, "克": 1.0, "kg": 1000.0, "公斤": 1000.0, "千克": 1000.0, "斤": 500.0,
          "ml": 1.0, "毫升": 1.0, "l": 1000.0, "升": 1000.0}


def compare_specs(product: Product, question: str, name: str) -> Answer | None:
    """"豆瓣酱净重毛重差多少": two specs the question names, each one figure of one measure (1kg and
    约1.15kg), and their difference in the smaller unit."""
    folded = fold_question(question)
    if not re.search(r"差|相差|比", folded):
        return None
    keys = [k for k in product.specs if k in folded or any(w in folded and v == k for w, v in _KEY_WORDS.items())]
    if len(keys) != 2:
        return None
    figures = []
    for key in keys:
        found = re.findall(r"(\d+(?:\.\d+)?)\s*(kg|公斤|千克|g|克|斤|ml|毫升|l|升)(?![a-z])", str(product.specs[key]), re.I)
        if len(found) != 1:
            return None
        figures.append((float(found[0][0]), found[0][1].lower()))
    if {u in ("ml", "毫升", "l", "升") for _, u in figures} == {True, False}:
        return None  # grams against millilitres: not one measure
    small = min(figures, key=lambda f: _GRAMS[f[1]])[1]
    scaled = [(n * _GRAMS[u] / _GRAMS[small], f"{format_amount(n)}*{format_amount(_GRAMS[u] / _GRAMS[small])}") for n, u in figures]
    (high, high_expr), (low, low_expr) = sorted(scaled, reverse=True)
    gap, expression = high - low, f"{high_expr}-{low_expr}"
    if _GRAMS[small] == 1000.0 and gap < 1:  # "差0.15kg" is said 差150g
        gap, expression, small = gap * 1000, f"({expression})*1000", "g" if small in ("kg", "公斤", "千克") else "ml"
    sides = "，".join(f"{k}{product.specs[k]}" for k in keys)
    return Answer((speakable(f"{name}的{sides}，差{format_amount(gap)}{small}。"),), product.sku,
                  tuple(f"{product.sku}.specs.{k}" for k in keys), (derivation(gap, expression),), about=(product.sku,))


def compare_options(product: Product, question: str, name: str) -> Answer | None:
    """The named options side by side on the asked figure, with the verdict; None when the
    question names no two options or their figures are not of one kind."""
    chosen = named_options(product, question)
    if chosen is None:
        return compare_specs(product, question, name)
    folded = fold_question(question)
    value = str(product.specs[chosen.key])
    spec_source = f"{product.sku}.specs.{chosen.key}"
    labels = [_short(p) for p in chosen.parts]
    money = bool(_MONEY.search(folded)) and not _ASKED_UNIT.search(folded)
    if money and _SAME_PRICE.search(value) and not any(_FIGURE.search(p) for p in chosen.parts):
        return Answer((f"{'和'.join(labels)}是同价的，都是{format_price(product.price)}。",), product.sku,
                      (spec_source, f"{product.sku}.price"), about=(product.sku,))
    figures = _figures(chosen.parts, folded, money)
    if figures is None:
        return None
    unit = figures[0][1]
    sides = "，".join(speakable(p) for p in chosen.parts)
    lead = speakable(f"{name}的{chosen.key}：{sides}。")  # "单口最大输出" is said 峰值, never 最大
    numbers = [n for n, _ in figures]
    if len(set(numbers)) == 1:
        return Answer((lead, f"{'和'.join(labels)}是一样的。"), product.sku, (spec_source,), about=(product.sku,))
    high, low = max(numbers), min(numbers)
    said_unit = "元" if unit in ("元", "块") else {"mah": "mAh", "w": "W", "l": "L", "h": "小时"}.get(unit, unit)
    gap = high - low
    verdict = f"差{format_amount(gap)}{said_unit}。"
    if len(numbers) == 2 and re.search(r"哪|谁", folded):
        more = labels[numbers.index(high)]
        word = "更贵" if money else "更高" if unit in ("℃", "%") else "更多" if unit in ("片", "粒", "条", "包", "袋", "抽") \
            else "更大"
        verdict = f"{more}{word}，{verdict}"
    derived = (derivation(gap, f"{format_amount(high)}-{format_amount(low)}"),) if len(numbers) == 2 else ()
    if len(numbers) != 2:
        verdict = ""
    return Answer((lead, verdict) if verdict else (lead,), product.sku, (spec_source,), derived, about=(product.sku,))


def _figures(parts: tuple[str, ...], folded: str, money: bool) -> list[tuple[float, str]] | None:
    """One figure per part, all of one unit: the asked unit's, or the money, or each part's only one."""
    unit_asked = _ASKED_UNIT.search(folded)
    wanted = _UNIT_WORDS.get(unit_asked.group(1), unit_asked.group(1)).lower() if unit_asked else \
        "元" if money else None
    chosen = []
    for part in parts:
        found = [(float(n), u.lower().replace("块", "元")) for n, u in _FIGURE.findall(part)]
        if wanted is not None:
            found = [f for f in found if f[1] == wanted]
        if not found or (wanted is None and len(found) != 1):
            return None
        chosen.append(found[0])
    return chosen if len({u for _, u in chosen}) == 1 else None


def _short(part: str) -> str:
    """The part's name as a host says it: its first word ("USB-A 单口最大22.5W" -> "USB-A")."""
    words = re.split(r"[\s：:，,]+", re.sub(r"[（(][^）)]*[）)]", "", part).strip())
    head = next((w for w in words if w), part)
    return re.sub(r"\d+(?:\.\d+)?\s*(?:元|块)$", "", head) or head


__all__ = ["NamedOptions", "named_options", "compare_options"]
