"""Pinyin for a run of Chinese characters, as a Mandarin live-commerce host reads it.

pypinyin chooses readings from its phrase list and applies 3-3 and 不 sandhi; what it gets wrong
in commerce talk is corrected here, in context: polyphones of everyday selling words (衣服长了,
调风速, 一行一行, 量一下, 得抓紧), 一's tone change (一件 yi2, 一斤 yi4, but 第一, 十一, 六一八
and 一点五 keep yi1), and 儿化: a suffix 儿 (一点儿, 小包儿) is an unstressed r-colouring of the
syllable before it (er5, no tone of its own), unlike the word 儿 in 儿童, 婴儿, 女儿.
"""
from __future__ import annotations

import re

_GARMENT = r"(?:衣服|上衣|外套|大衣|衣袖|袖子|袖|裤子|裤腿|裤|裙子|裙|衣长|袖长|裤长|下摆|款)"
# (pattern, reading): the character in the group named c gets the reading.
_CONTEXT_READINGS = [
    # 长 of garments is cháng (too long), not zhǎng (to grow): 衣服长了, 袖子有点长.
    (re.compile(_GARMENT + r"(?:有点儿?|有一点|稍微|偏|太|会|还是|不)?(?P<c>长)(?![高胖大肉个])"), "chang2"),
    # 调 is tiáo when adjusting something: 调风速, 调亮度, 调到二十六度 (but 色调, 音调, 强调 diào).
    (re.compile(r"(?<![色音声语单强曲格基论腔])(?P<c>调)(?=[风亮温音档色光节味速高低大小成到整])"), "tiao2"),
    # 行 of rows and trades is háng.
    (re.compile(r"一(?P<c>行)一行"), "hang2"),
    (re.compile(r"一行一(?P<c>行)"), "hang2"),
    (re.compile(r"(?<=[这那哪干本同])(?P<c>行)(?=[的业里都也就啊]|$)"), "hang2"),
    (re.compile(r"(?:(?<=[这那哪]一)|(?<=干[这那]))(?P<c>行)"), "hang2"),
    (re.compile(r"衣(?P<c>服)"), "fu5"),
    # 量 is liáng when measuring: 量一下, 量好尺寸.
    (re.compile(r"(?P<c>量)(?=一下|一量|好|下|了|尺|身|腰|胸|臀|脚|头)"), "liang2"),
    # 得 of "have to" is děi: 得抓紧, 还得等.
    (re.compile(r"(?<![觉记获取赢懂值难显变舍晓使博])(?P<c>得)(?=抓紧|赶紧|赶快|快点|先|等|买|拍|抢|提前|早点|注意|看看|囤)"),
     "dei3"),
    # 得 after a verb and before how it went is the light de: 长得快, 做得好 (but 难得, 心得 dé).
    (re.compile(r"(?<=[\u4e00-\u9fff])(?<![获取赢难心所懂])(?P<c>得)(?=[快慢好很真多太特非挺漂高低大小清干舒])"), "de5"),
    (re.compile(r"一(?P<c>会)儿"), "hui4"),
    (re.compile(r"(?<!一)(?P<x>[\u4e00-\u9fff])(?P<c>一)(?P=x)"), "yi5"),  # 看一看, 试一试: light, no tone
]
# Words where 儿 is its own syllable, never 儿化 (misaki's list plus commerce ones).
_FULL_ER = ("儿童", "儿子", "儿科", "儿歌", "婴儿", "女儿", "幼儿", "男儿", "孤儿", "患儿", "健儿", "少儿", "胎儿",
            "新生儿", "宠儿", "婴幼儿", "孙儿", "侄儿", "妻儿", "混血儿", "儿女", "儿时")
_FULL_ER_RE = re.compile("|".join(sorted(_FULL_ER, key=len, reverse=True)))
# 一 keeps yi1 when it is a digit or an ordinal, or ends a number: 第一, 十一, 六一八, 一点五, 一月.
_YI_KEEPS = re.compile(r"(?<=[第十零统唯初周期])一|(?<=[买送])一(?=送|$)|一(?=[零一二三四五六七八九十]|点[零一二三四五六七八九]|[月号楼])|(?<=[零一二三四五六七八九])一")


def apply_context(run: str, syllables: list[str]) -> list[str]:
    """Correct pypinyin's `syllables` (TONE3, neutral as 5, one per character of `run`) in place."""
    for pattern, reading in _CONTEXT_READINGS:
        for match in pattern.finditer(run):
            syllables[match.start("c")] = reading
    _yi_sandhi(run, syllables)
    _erhua(run, syllables)
    return syllables


def _yi_sandhi(run: str, syllables: list[str]) -> None:
    keeps = {m.start() + m.group(0).index("一") for m in _YI_KEEPS.finditer(run)}
    keeps |= {i for i, s in enumerate(syllables) if s == "yi5"}
    for i, char in enumerate(run):
        if i in keeps and syllables[i].startswith("yi") and syllables[i] != "yi5":
            syllables[i] = "yi1"
            continue
        if char != "一" or i in keeps or i + 1 >= len(run) or not syllables[i].startswith("yi"):
            continue
        following = syllables[i + 1]
        if not following[-1:].isdigit() or not "\u4e00" <= run[i + 1] <= "\u9fff":
            continue
        syllables[i] = "yi2" if following[-1] in "45" else "yi4"


def _erhua(run: str, syllables: list[str]) -> None:
    full = {m.start() + m.group(0).index("儿") for m in _FULL_ER_RE.finditer(run)}
    for i, char in enumerate(run):
        if char == "儿" and i > 0 and i not in full and "\u4e00" <= run[i - 1] <= "\u9fff" \
                and syllables[i].startswith("er"):
            syllables[i] = "er5"


def reading(run: str) -> list[str]:
    """The syllables Kokoro is given for a run of Chinese characters (for tests and inspection)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True)
    if len(syllables) != len(run):
        return syllables
    return apply_context(run, syllables)
