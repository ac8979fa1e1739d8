"""What a viewer says of a body: a child's age ("8个月", "刚满月") in months, height and weight
("165 110斤", "身高125 体重25")."""
from __future__ import annotations

import re

from .textmatch import normalize


def age_in_months(text: str) -> float | None:
    """"8个月", "宝宝1岁半", "两岁": a child's age in months."""
    if re.search(r"刚满月|满月了|刚出生|新生儿", text):
        return 1.0
    if m := re.search(r"(\d+)\s*岁半", normalize(text)):
        return int(m.group(1)) * 12 + 6.0  # "一岁半": 18 months
    folded = text.replace("半", ".5")
    if m := re.search(r"(\d+(?:\.5)?)\s*个?月", normalize(folded)):
        return float(m.group(1))
    if m := re.search(r"(\d+(?:\.5)?)\s*岁", normalize(folded)):
        return float(m.group(1)) * 12
    return None


def body_measures(text: str) -> tuple[float | None, float | None]:
    """Height in cm and weight in kg a viewer gives ("165 110斤", "1米7 60kg", "身高172体重65")."""
    folded = normalize(text)
    height = weight = None
    if m := re.search(r"1\s*米\s*(\d{1,2})|一米([六七八九])([一二三四五六七八九])?", text):
        if m.group(1):
            digits = m.group(1)
            height = 100 + (int(digits) * 10 if len(digits) == 1 else int(digits))
        else:
            tens = "零一二三四五六七八九".index(m.group(2))
            ones = "零一二三四五六七八九".index(m.group(3)) if m.group(3) else 0
            height = 100 + tens * 10 + ones
    if m := re.search(r"(?:身高|高)\s*(\d{2,3}(?:\.\d)?)\s*(?:cm|厘米|公分)?(?![\d.]|\s*(?:kg|公斤|斤|米|mm))", folded):
        height = height or float(m.group(1))  # "身高125": a child's height, named as one
        folded = folded[:m.start()] + " " + folded[m.end():]
    if m := re.search(r"体重\s*(\d{1,3}(?:\.\d)?)(?![\d.]|\s*(?:kg|公斤|斤|jin|cm|厘米))", folded):
        value = float(m.group(1))
        weight = value / 2 if value >= 90 else value  # "体重25" of a child is kg; "体重110" is jin
        folded = folded[:m.start()] + " " + folded[m.end():]
    # "零下30度能穿吗": a temperature, not a body.
    folded = re.sub(r"(?:零下|负|-)\s*\d+(?:\.\d+)?\s*(?:度|℃)?|\d+(?:\.\d+)?\s*(?:度|℃)", " ", folded)
    # "L码纸尿裤69对不对": a figure put to the host to confirm is a price, not a body.
    folded = re.sub(r"(?<![\d.])\d+(?:\.\d+)?\s*(?=(?:块|元)?\s*(?:对不|对吧|是吧|是不是|吧|嘛|哦))", " ", folded)
    # A number glued to Latin letters is a model or a rating ("SPF30", "x30"), not a body.
    for number, unit in re.findall(r"(?<![a-z\d.])(\d+(?:\.\d+)?)\s*(cm|厘米|公分|kg|公斤|斤|jin|g|码|号|元|块|段|ml|w|米|%|"
                                   r"以内|以下|之内|左右|上下)?", folded):
        if unit in ("g", "码", "号", "元", "块", "段", "ml", "w", "米", "%", "以内", "以下", "之内", "左右", "上下"):
            continue  # "73码", "99元", "预算200以内": sizes, prices and budgets, not a body
        value = float(number)
        if unit in ("kg", "公斤"):
            weight = value
        elif unit in ("斤", "jin"):
            weight = value / 2
        elif unit in ("cm", "厘米", "公分") or (height is None and 130 <= value <= 200 and not unit):
            height = height or value
        elif weight is None and not unit and 30 <= value < 130:
            weight = value / 2 if value > 90 else value  # "110" beside a height is jin; "55" is kg
    if weight is not None and re.search(r"\d\s*(?:kg|公斤|斤)\s*(?:多点|多一点|出头|多(?![少大重久]))", folded):
        weight += 0.1  # "5公斤多点": over the 5 kg a chart's "5kg以内" ends at
    return height, weight
