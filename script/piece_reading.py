"""What one piece of a pack holds and how many pieces it has ("一袋多少克", "一共几包"), read from the
way catalogs write packs: "1000g(250g×4袋)", "30ml×30袋/盒", "250g(约10小包)". A count written
with 约 gives an approximate piece, said as 约.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Product
from .derivation import derivation
from .lines import format_amount
from .product_words import fold_question

_PIECES = "袋|包|小包|片|粒|支|条|块|罐|瓶|颗|根"
_PER_PIECE = re.compile(rf"(\d+(?:\.\d+)?)\s*(g|ml|克|毫升)\s*[×x*]\s*(\d+)\s*({_PIECES})")
_ABOUT_COUNT = re.compile(rf"(\d+(?:\.\d+)?)\s*(g|ml|kg|克|毫升)\s*[（(]\s*(约)?\s*(\d+)\s*({_PIECES})\s*[）)]")
_ASKS_PIECE = re.compile(rf"[一每单1]\s*(?:小)?({_PIECES})(?:是|有|装)?\s*(?:多少|几)\s*(g|克|ml|毫升)")
_ASKS_COUNT = re.compile(rf"(?:一共|总共|有)?\s*(?:几|多少)\s*(?:小)?({_PIECES})")


@dataclass(frozen=True)
class Pack:
    per_piece: float
    unit: str  # g | ml
    count: int
    piece: str  # 袋, 包 ...
    approximate: bool
    key: str  # the spec (or "title") it was read from
    derived: tuple[str, ...]


def read_pack(product: Product) -> Pack | None:
    for key, value in [*product.specs.items(), ("title", product.title)]:
        text = fold_question(str(value))
        if m := _PER_PIECE.search(text):
            unit = {"克": "g", "毫升": "ml"}.get(m.group(2), m.group(2))
            return Pack(float(m.group(1)), unit, int(m.group(3)), m.group(4).lstrip("小"), False, key, ())
        if m := _ABOUT_COUNT.search(text):
            total, unit, count = float(m.group(1)), m.group(2), int(m.group(4))
            if unit in ("kg",):
                total, unit = total * 1000, "g"
            unit = {"克": "g", "毫升": "ml"}.get(unit, unit)
            each = total / count
            return Pack(round(each, 2), unit, count, m.group(5).lstrip("小"), bool(m.group(3)), key,
                        (derivation(round(each, 2), f"{format_amount(total)}/{count}"),))
    return None


def asks_about_pieces(text: str) -> bool:
    folded = fold_question(text)
    return bool(_ASKS_PIECE.search(folded)) or bool(re.search(rf"一共几(?:小)?(?:{_PIECES})|有几(?:小)?(?:{_PIECES})", folded))


def piece_sentence(name: str, pack: Pack, text: str) -> str:
    """"家庭装一袋250g，一共4袋。" with what the question asks (a piece, the count, or both)."""
    folded = fold_question(text)
    about = "约" if pack.approximate else ""
    piece = f"一{pack.piece}{about}{format_amount(pack.per_piece)}{pack.unit}"
    count = f"一共{pack.count}{pack.piece}"
    asks_piece = bool(_ASKS_PIECE.search(folded))
    asks_total = bool(re.search(r"(?:一共|总共)(?:多少|几)?(?:克|g|ml|毫升)?(?:$|\s|[?？呢啊])", folded))
    asks_count = bool(_ASKS_COUNT.search(folded)) or asks_total
    if asks_total:  # "一共多少": the pieces and what they hold together
        count += f"，共{format_amount(pack.per_piece * pack.count)}{pack.unit}"
    parts = [piece] if asks_piece and not asks_count else [count] if asks_count and not asks_piece else [piece, count]
    return f"{name}{'，'.join(parts)}。"


def total_derivation(pack: Pack) -> str:
    return derivation(pack.per_piece * pack.count, f"{format_amount(pack.per_piece)}*{pack.count}")
