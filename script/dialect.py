"""Regional chat read as plain Mandarin before it is understood.

Guangdong rooms type Cantonese ("有冇货", "几钱", "系唔系真人"), northeastern rooms their own
colloquial words ("多钱", "咋整", "整俩"), and everyone chat shorthand ("yhq", "sm时候"). The
question readers are written for Mandarin, so such a comment was taken for chatter or answered
about the wrong thing. Each rewrite below is one a Mandarin sentence cannot be hurt by: a word
that only the dialect uses, or a character rewritten only where its neighbours show the dialect
sense (系 in 系列 stays, 食 in 食品 stays). The original text is what reports and logs show.
"""
from __future__ import annotations

import re

# (pattern, replacement), applied in order: longer, more specific forms first.
_REWRITES: tuple[tuple[str, str], ...] = (
    # Cantonese
    (r"有冇得|有冇|有无(?=[货得])", "有没有"),
    (r"冇得|冇", "没有"),
    (r"[系係是]唔[系係是]|[系係是]咪", "是不是"),
    (r"得唔得", "可不可以"),
    (r"唔该", "谢谢"),
    (r"唔[使洗]", "不用"),
    (r"唔", "不"),
    (r"点解", "为什么"),
    (r"点样", "怎么样"),
    (r"(?<![一早快晚多少有慢重差半几钟整两三四五六七八九十0-9])点(?=[泡用食饮喝买落拍退换洗煮冲穿戴充煲炖收寄发选拣揀])", "怎么"),
    (r"边(?:度|到|处)", "哪里"),
    (r"边(?=[个款种只件码样位年色])", "哪"),
    (r"几多钱|几钱", "多少钱"),
    (r"几多", "多少"),
    (r"几耐", "多久"),
    (r"几时", "什么时候"),
    (r"乜嘢|咩嘢|乜", "什么"),
    (r"(?<=[送有系係是做食买讲叫用装])咩(?=[\s，,。.？?!！~～]*$)", "什么"),
    (r"咩(?=[\s，,。.？?!！~～]*$)", "吗"),
    (r"咩", "什么"),
    (r"嘢", "东西"),
    (r"嘅", "的"),
    (r"咗", "了"),
    (r"嚟", "来"),
    (r"喺", "在"),
    (r"佢", "它"),
    (r"啲", "些"),
    (r"嗰", "那"),
    (r"㗎", "的"),
    (r"[喎啫囉]", ""),
    (r"^呢(?=[个款只件种])", "这"),
    (r"仲(?=[有系係是要可能会卖剩退换])", "还"),
    (r"^咁", "那"),
    (r"咁(?=[贵平大细多])", "这么"),
    (r"而家|依家", "现在"),
    (r"(?<![关体联派星直维银院水])[系係](?![列统数带])", "是"),
    (r"一齐", "一起"),
    (r"落单", "下单"),
    (r"睇", "看"),
    (r"[俾畀]", "给"),
    (r"揾", "找"),
    (r"攞", "拿"),
    (r"靓", "漂亮"),
    (r"(?<=[好太])平(?=[\s，,。？?!！啊呀喔哦了]|$)", "便宜"),
    (r"(?<![零美饮粮主肉素甜面狗猫饲辅])食(?![品物材谱盐疗用])", "吃"),
    (r"(?<![十廿月0-9初])一日", "一天"),
    (r"(?<![相不共协连如陪一合赞认混])同(?![款时样步类等意学城事期一])", "和"),
    # Northeastern and general colloquial
    (r"多钱", "多少钱"),
    (r"啥玩意儿?", "是什么"),
    (r"咋整", "怎么办"),
    (r"贼(?=[好暖贵便宜厚大软快])", "很"),
    (r"嘎嘎", "很"),
    (r"整(?=[一两俩仨几盒箱袋])", "买"),
    # Chat shorthand and slips of the input method
    (r"(?<![a-z])fh(?![a-z])", "发货"),
    (r"(?<![a-z])kd(?![a-z])", "快递"),
    (r"(?<=[能可以])推(?=[吗嘛么不呀啊?？]|$)|推(?=货|款|换)", "退"),
    (r"(?<![a-z])sm(?=时候)", "什么"),
    (r"(?<![a-z])yhq(?![a-z])", "优惠券"),
    (r"(?<![a-z])pb(?![a-z])", "充电宝"),
    (r"💰", "价格"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in _REWRITES)
# Characters only Cantonese (or the shorthand) uses: text without them skips the rewrites entirely.
_MARKERS = re.compile(r"[冇唔嘅咗嚟喺佢啲嗰㗎喎啫囉咩乜嘢係咁睇俾畀揾攞靓仲系几边点同食平]|多钱|啥玩意|咋整|贼|嘎嘎|整|"
                      r"sm时候|yhq|pb|fh|kd|推|💰|而家|依家|一日|一齐|落单", re.IGNORECASE)


def to_mandarin(text: str) -> str:
    """`text` with regional and shorthand words rewritten as plain Mandarin."""
    if not _MARKERS.search(text):
        return text
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text
