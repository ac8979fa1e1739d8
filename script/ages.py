"""A child's age as a viewer writes it ("8个月", "宝宝1岁半", "刚满月"), in months."""
from __future__ import annotations

import re

from .textmatch import normalize


def age_in_months(text: str) -> float | None:
    """"8个月", "宝宝1岁半", "两岁": a child's age in months."""
    if re.search(r"刚满月|满月了|刚出生|新生儿", text):
        return 1.0
    folded = text.replace("半", ".5")
    if m := re.search(r"(\d+(?:\.5)?)\s*个?月", normalize(folded)):
        return float(m.group(1))
    if m := re.search(r"(\d+(?:\.5)?)\s*岁", normalize(folded)):
        return float(m.group(1)) * 12
    return None
