"""Rewrite commerce text into what a Mandarin TTS engine should read aloud.

Numbers, prices, units and symbols become Chinese words the way live-commerce hosts
say them; phone numbers are hidden; decoration (emoji, stars, 【】) is dropped.
The order of the passes in normalize_for_speech matters: each pass turns some digits
into Chinese, and later passes only see the digits that are left.
"""
from __future__ import annotations

import re
import unicodedata

_DIGITS = "零一二三四五六七八九"

# Measure words: a bare 2 in front of them is said 两 (两件, 两小时), and they can
# follow "/" to mean "per" (元/斤). Multi-character words come first so they win.
_MEASURES = ("小时", "分钟", "公斤", "千克", "公里", "毫升", "平方米", "厘米", "毫米", "英寸", "千瓦") + tuple(
    "个件瓶罐盒袋包只支双对套台张条块元斤片粒颗根份杯碗箱桶"
    "天周年岁次位名人款种色样层本倍秒晚米克升寸瓦伏"
)
_LIANG_NEXT = _MEASURES + tuple("点百千万亿")

# Unit spellings after a number. Case matters: 5G is a network, 5g is grams.
_UNITS = {
    "mAh": "毫安时", "mah": "毫安时", "MAH": "毫安时",
    "ml": "毫升", "mL": "毫升", "ML": "毫升", "㎖": "毫升", "L": "升",
    "kg": "公斤", "Kg": "公斤", "KG": "公斤", "㎏": "公斤",
    "mg": "毫克", "㎎": "毫克", "g": "克",
    "km": "公里", "㎞": "公里", "cm": "厘米", "㎝": "厘米",
    "mm": "毫米", "㎜": "毫米", "m": "米",
    "m²": "平方米", "㎡": "平方米",
    "kPa": "千帕", "Pa": "帕", "dB": "分贝", "kW": "千瓦", "W": "瓦", "V": "伏", "Hz": "赫兹", "HZ": "赫兹", "hz": "赫兹",
    "GB": "G", "TB": "T", "G": "G",
    "min": "分钟", "h": "小时",
    "℃": "摄氏度", "°C": "摄氏度", "°": "度",
}
_PER_NEXT = _MEASURES + ("月",) + tuple(v for v in _UNITS.values() if not v.isascii())
# What may stand before a "/" that means "per": money words and the Chinese units.
_PER_PREV = "元块角毛次" + "".join(sorted({v[-1] for v in _UNITS.values() if not v.isascii()}))

# Symbol-category characters that carry meaning and are converted, not dropped.
_KEEP_SYMBOLS = frozenset("×") | frozenset(k for k in _UNITS if len(k) == 1 and not k.isascii())
_DECORATIVE = frozenset("【】〖〗•√")
_DECORATIVE_CATEGORIES = frozenset({"So", "Sk", "Co"})
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Me"})  # zero-width joiners, keycap marks

_FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"％": "%", "＋": "+", "－": "-", "／": "/", "．": ".", "＜": "<", "＞": ">"}
)

_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)"  # mobile
    r"|(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s]?)\d{3,4}[-\s]?\d{4}(?!\d)"  # landline
    r"|(?<!\d)[48]00[-\s]?\d{3}[-\s]?\d{4}(?!\d)"  # 400/800 service lines
)
_THOUSANDS = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?!\d)")
_DATE = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_SPEND_AND_SAVE = re.compile(r"满(\d+(?:\.\d+)?)\s*-\s*(?=\d)")  # 满199-30 is 满199减30, not a range
_BELOW_ZERO = re.compile(r"(?<![\dA-Za-z])-\s*(?=\d+(?:\.\d+)?\s*(?:℃|°C))")
_TIMES = re.compile(r"(?<=\d)\s*[xX×*]\s*(?=\d)|×\s*(?=\d)|(?<=[A-Za-z\u4e00-\u9fff])\s*\*\s*(?=\d)")
# Shopping festivals are read digit by digit: 六一八, 五二零 (双11 is just 双十一).
_FESTIVAL = re.compile(r"(?<!\d)(618|520|1111|1212)(?=大促|活动|狂欢|年中|购物节|当天|期间|特惠|专场|节)")
_SPF = re.compile(r"(?<![A-Za-z])(SPF\s*\d+)\s*\+", re.IGNORECASE)  # SPF50+ is 五十加, not 五十多
_PA = re.compile(r"(?<![A-Za-z])PA(\+{1,4})")
_SIZE_RANGE = re.compile(r"(?<![A-Za-z])(\d?X{0,3}[SML])\s*[-~～]\s*(\d?X{0,3}[SML])(?![A-Za-z])")  # S-XL: S到XL
_SHADE = re.compile(r"#\s*(\d{1,4})(?!\d)(号)?")  # lipstick and colour numbers: #316 is 三一六号
_DISCOUNT = re.compile(r"(?<![\d.])(\d)\.(\d)(?=\s*折)")  # 8.5折 is 八五折
_ENGLISH_WORDS = ((re.compile(r"(?<![A-Za-z])GaN(?![A-Za-z])"), "氮化镓"),)
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_PRICE = re.compile(r"[¥￥]\s*(\d+(?:\.\d+)?)(?:\s*元)?")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_UNIT = re.compile(
    r"(?<=[\d/])\s*(" + "|".join(map(re.escape, sorted(_UNITS, key=len, reverse=True))) + r")(?![A-Za-z])"
)
_COMPARE = (("≥", "大于等于"), ("≤", "小于等于"), (">=", "大于等于"), ("<=", "小于等于"))
_LESS_MORE = re.compile(r"([<>])\s*(?=[¥￥]?\d)")
_PLUS = re.compile(r"(?<=\S)\s*\+\s*(?=\d)")
_PLUS_MORE = re.compile(r"(?<=[\d万千百亿])\+")  # 1万+ means "over ten thousand"
_WAN_PLUS = re.compile(r"(?<=\d)w(?=\+)")  # sales counts: 10w+ is 十万多; a bare 65w stays ambiguous
_RANGE = re.compile(r"(?<=[\d\u4e00-\u9fff])\s*[-~～〜]\s*(?=\d|百分之\d)")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:：](\d{2})(?!\d)")
_PER = re.compile(
    r"(?<=[" + _PER_PREV + r"])\s*/\s*(?=\d|" + "|".join(sorted(_PER_NEXT, key=len, reverse=True)) + ")"
)
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")
_LIANG_CONTEXT = re.compile(
    r"(?:到\d+(?:\.\d+)?)?\s*(?:" + "|".join(sorted(_LIANG_NEXT, key=len, reverse=True)) + ")"
)


def digits_to_chinese(s: str) -> str:
    """Read every ASCII digit on its own (2026 -> 二零二六); other characters pass through."""
    return "".join(_DIGITS[int(c)] if "0" <= c <= "9" else c for c in s)


def number_to_chinese(n: int) -> str:
    """Cardinal reading with 万/亿 grouping: 10086 -> 一万零八十六, 100000 -> 十万."""
    n = int(n)
    if n < 0:
        return "负" + number_to_chinese(-n)
    text = _grouped(n)
    # 一十 is only shortened at the very front: 十五, 十万, but 一百一十.
    if text.startswith("一十"):
        return text[1:]
    # A leading 2 before 百, 千, 万 or 亿 is said 两, as hosts say prices: 两百九十九, 两万零五百 (but 一万二千).
    return "两" + text[1:] if text[:2] in ("二百", "二千", "二万", "二亿") else text


def _grouped(n: int) -> str:
    for size, name in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _grouped(high) + name
            if low:
                text += ("零" if low < size // 10 else "") + _grouped(low)
            return text
    return _below_ten_thousand(n)


def _below_ten_thousand(n: int) -> str:
    parts: list[str] = []
    gap = False
    for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            gap = bool(parts)
            continue
        if gap:
            parts.append("零")
            gap = False
        parts.append(_DIGITS[digit] + name)
    return "".join(parts) or "零"


def _is_invisible(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or unicodedata.category(ch) in _INVISIBLE_CATEGORIES


def _is_decorative(ch: str) -> bool:
    if ch in _KEEP_SYMBOLS:
        return False
    if ch in _DECORATIVE or "\u2190" <= ch <= "\u21ff":
        return True
    return unicodedata.category(ch) in _DECORATIVE_CATEGORIES


def _strip_decorations(text: str) -> str:
    text = "".join(ch for ch in text if not _is_invisible(ch))  # keycaps: 9️⃣9️⃣ is 99
    marked = "".join("\0" if _is_decorative(ch) else ch for ch in text)
    # A sticker between two numbers must not glue them into one number.
    marked = re.sub(r"(?<=\d)\0+(?=\d)", " ", marked)
    return marked.replace("\0", "")


def _say_date(m: re.Match[str]) -> str:
    year, month, day = m.group(1), int(m.group(3)), int(m.group(4))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return f"{digits_to_chinese(year)}年{number_to_chinese(month)}月{number_to_chinese(day)}日"


def _say_code(m: re.Match[str]) -> str:
    token = m.group(0)
    if not re.search(r"\d{3}", token):
        return token  # iPhone15, Mate60, A1: short numbers are read as numbers later
    return digits_to_chinese(token.replace("-", ""))


def _say_shade(m: re.Match[str]) -> str:
    digits = m.group(1)
    said = digits_to_chinese(digits) if len(digits) > 2 or digits.startswith("0") else number_to_chinese(int(digits))
    return said + "号"


def _say_unit(m: re.Match[str]) -> str:
    return _UNITS[m.group(1)]


def _say_clock(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 24 or minute > 59:
        return m.group(0)
    text = ("两" if hour == 2 else number_to_chinese(hour)) + "点"
    if minute == 30:
        return text + "半"
    if minute:
        text += ("零" if minute < 10 else "") + number_to_chinese(minute) + "分"
    return text


def _say_number(m: re.Match[str]) -> str:
    whole, fraction = m.group(1), m.group(2) or ""
    after = m.string[m.end():]
    if after.startswith(("元", "块")):
        fraction = fraction.rstrip("0")  # hosts say 五十九点九元 for 59.90元
    if fraction:
        return number_to_chinese(int(whole)) + "点" + digits_to_chinese(fraction)
    if len(whole) == 4 and after.startswith("年"):
        return digits_to_chinese(whole)
    if len(whole) > 12 or (len(whole) > 2 and whole.startswith("0")):
        return digits_to_chinese(whole)  # order numbers, codes like 007
    if whole == "2" and not m.string[: m.start()].endswith("第") and _LIANG_CONTEXT.match(after):
        return "两"
    return number_to_chinese(int(whole))


def _tidy(text: str) -> str:
    text = re.sub(r"[~～〜¥￥]", "", text)
    text = re.sub(r"(?<![A-Za-z])-|-(?![A-Za-z])", "", text)  # keep Wi-Fi, Type-C
    text = text.replace("/", "、")
    return re.sub(r"\s+", " ", text).strip()


def normalize_for_speech(text: str) -> str:
    """Turn display text into the text a Mandarin TTS engine should read."""
    text = text.translate(_FULLWIDTH)
    text = _PHONE.sub("号码", text)
    text = _strip_decorations(text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _DATE.sub(_say_date, text)
    text = _FESTIVAL.sub(lambda m: digits_to_chinese(m.group(1)), text)
    text = _SPF.sub(r"\1加", text)
    text = _PA.sub(lambda m: "P A" + _DIGITS[len(m.group(1))] + "个加", text)  # letters, not the word "pa"
    text = _SIZE_RANGE.sub(r"\1到\2", text)
    text = _SHADE.sub(_say_shade, text)
    text = _DISCOUNT.sub(lambda m: _DIGITS[int(m.group(1))] + _DIGITS[int(m.group(2))], text)
    for pattern, words in _ENGLISH_WORDS:
        text = pattern.sub(words, text)
    text = _SPEND_AND_SAVE.sub(r"满\1减", text)
    text = _BELOW_ZERO.sub("零下", text)
    text = _TIMES.sub("乘", text)
    text = _CODE.sub(_say_code, text)
    for symbol, words in _COMPARE:
        text = text.replace(symbol, words)
    text = _LESS_MORE.sub(lambda m: "小于" if m.group(1) == "<" else "大于", text)
    text = _PRICE.sub(r"\1元", text)
    text = _PERCENT.sub(r"百分之\1", text)
    text = _UNIT.sub(_say_unit, text)
    text = _WAN_PLUS.sub("万", text)
    text = _PLUS.sub("加", text)
    text = _PLUS_MORE.sub("多", text)
    text = _RANGE.sub("到", text)
    text = _CLOCK.sub(_say_clock, text)
    text = _PER.sub("每", text)
    text = _NUMBER.sub(_say_number, text)
    return _tidy(text)
