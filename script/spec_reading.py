"""Reading merchants' spec text: which spec a question asks for when a product has several numbers
of one kind (wired vs wireless W, height vs diameter), a size from height and weight against a
size chart written as text, and how long a pack lasts from its net amount and the daily dose.
Pure functions over one product; every number they return is from the specs or computed here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Product
from .derivation import derivation
from .lines import format_amount
from .text_variants import syllable
from .textmatch import STOP_CHARS, normalize

# What the question asks for, as a class of quantity: the words that ask, the spec-name words and
# the value units that answer.
_CLASSES: tuple[tuple[str, str, str, str], ...] = (
    ("power", r"功率|多少瓦|几瓦|瓦数|\d\s*w\b|快充|充电速度|充得快|多少w|几w|哪个快|更快|快不快|充电快", r"功率|快充|输出|输入", r"\d\s*w\b|瓦"),
    ("battery", r"毫安|mah|电池|电量|容量多大", r"容量|电池|电量", r"mah|毫安"),
    ("charge_time", r"充得满|充满要多久|多久能充满|充满需要|充电要多久|充电时间|多久充满|充电多久|充电几小时|充多久|充满电(?:要|需要|得)?(?:多久|多长时间|几个小时)|"
                    r"充满电要|充满电需要|充电(?:要|需要|得)?(?:多久|多长时间)|几个小时充满", r"充电|充满", r"小时|分钟|(?<![a-z])h\b"),
    ("hours", r"续航|用多久|能用几|多少小时|几个小时|几小时|几个钟|多少个钟|听多久|能听几|待机|充一次|耐用|用得久|哪个久|亮多久|充满.{0,4}多久|能[剪刮吹]多久|多久没电", r"续航|时长|使用时间|待机|播放",
     r"\d\s*(?:h\b|小时)"),
    ("height", r"多高|高度|身高", r"高", r"cm|厘米|mm|毫米"), ("diameter", r"直径|口径|多粗|多宽|宽度", r"直径|口径|宽", r"cm|厘米|mm|毫米"),
    ("length", r"多长|长度|哪个短|哪个长|更短|更长|收起来|收缩", r"长", r"cm|厘米|mm|毫米|米"),
    ("volume", r"容量|多少毫升|几升|多少升|多大容量|能装多少|装多少|几毫升|ml", r"容量|容积|净含量", r"ml|毫升|\d\s*l\b|升"),
    ("weight", r"(?<![严贵])重多少|轻多少|重几|轻几|几重|有多重|哪个沉|更沉|沉吗|多重|重量|几克|多少克|几斤|多少斤|重不重|沉不沉|净含量|分量|多少g|哪个重|哪个轻|更重|更轻|重吗|轻吗|多沉|量大|哪个量|轻点|轻一点|轻些|重点", r"重|净含量|克重", r"\d\s*(?:g|kg|克|千克|斤)"),
    ("dose_unit", r"毫克|mg|含量多少|多少iu|微克", r"含量|规格", r"mg|毫克|μg|微克|iu"),
    ("usage", r"喂几|能喂|一天喂|怎么吃|一天吃几|吃几[粒片颗袋条包支]|每天几|每天吃多少|一次几|一次吃|用量|怎么用|怎么喂|喂多少|吃多少|怎么冲|冲多少|"
              r"[一1每]天(?:吃|喝|用)?几[粒片颗袋条包支勺]|[一1每]天多少[粒片颗袋条包支勺]|喝几[袋瓶杯]|[一1每]天喝|[一1]次喝|冲几勺|几勺|多少勺|[一1每]天(?:吃|喝|用)多少",
     r"食用方法|用法|用量|喂食|食用量|冲调|服用|喂哺|食用建议|建议|冲泡", r"每[日天次]|勺"),
    ("count", r"几片|多少片|片多|片数|几粒|多少粒|粒数|几包|多少包|几袋|多少袋|多少抽|几抽|抽数|几支|多少支|几根|多少根|几块|几条|几只|"
              r"[一每1][袋盒包箱罐瓶](?:有)?(?:几|多少)个",
     r"片数|粒数|规格|数量|包数|抽数|净含量", r"\d\s*(?:片|粒|包|袋|抽|支|根|条|只|个)"),
    ("heat", r"多少度|几度|温度|多热|多高温|零下|\d+度|-\d+", r"温度|℃|耐寒|耐低温|防寒", r"℃|度"),
    ("temperature", r"色温|几k|多少k|暖光|白光|几种光|什么光|光色|几档光|黄光", r"色温", r"\d\s*k\b"),
    ("shelf_life", r"开盖后|开封后|保质期|放多久|能放|过期|有效期|放得久|放得长|保存多久|存多久", r"保质期|有效期|保存期|期限|开封|开盖", r"(?<!\d)\d{1,2}\s*(?:个月|年|天)"),
    ("filling", r"什么绒|啥绒|哪种绒|鸭绒还是鹅绒|鹅绒还是鸭绒|填充物|填的什么", r"填充", r"绒|棉"),
    ("fill", r"充绒|含绒|绒量|多少绒|填充", r"绒", r"g|克|%"),
    ("year", r"哪年|哪一年|几几年|什么年份|啥年份|年份", r"年份|年", r"(?:19|20)\d\d\s*年"),
    ("spf", r"spf|倍数|防晒指数|pa", r"spf|防晒", r"spf|pa"),
    ("levels", r"几档|几个档|多少档|档位|几级|几种模式|几个模式", r"档|模式|级", r"档|级"),
    ("material", r"材质|什么材料|啥材料|什么做的|啥做的|陶瓷|瓷的|不锈钢|塑料的|玻璃的|铁的|铝的|实木|木头的|什么料子|啥料子|"
                 r"真丝|蚕丝|纯棉|全棉|羊毛|羊绒|亚麻|真皮",
     r"材质|材料|面料|内胆|外壳|料", r"瓷|钢|塑|玻璃|铁|铝|木|棉|麻|丝|绒|皮|硅胶|纤维|尼龙|涤纶"),
)


@dataclass(frozen=True)
class SpecChoice:
    keys: tuple[str, ...]  # the spec names chosen (several when the question does not say which)
    asked_class: str | None


def class_unit(name: str) -> str:
    """The pattern of a figure of this kind of spec ("hours": 8小时, 30h)."""
    return next(unit for kind, _, _, unit in _CLASSES if kind == name)


def asked_class(text: str) -> str | None:
    folded = normalize(text)
    return next((name for name, asks, _, _ in _CLASSES if re.search(asks, folded)), None)


def _matches_class(key: str, value: str, name: str) -> bool:
    _, _, key_words, units = next(c for c in _CLASSES if c[0] == name)
    return bool(re.search(key_words, normalize(key))) or bool(re.search(units, normalize(value)))


def keys_named(keys, text: str) -> list[str]:
    """The spec names the text says a two-character word of (充电 of 充电时间, 有线 of 有线输出)."""
    return [k for k in keys if any(k[i:i + 2] in text for i in range(len(k) - 1))]


def choose_specs(product: Product, text: str) -> SpecChoice | None:
    """The spec(s) a question asks for. Among several of the asked kind, the one whose name shares
    most words with the question (无线, 单口, 直径); all of them when none is named more than another."""
    folded_text = normalize(text)
    spelled = [k for k in product.specs if len(k) >= 2 and normalize(k) in folded_text]
    if spelled:  # the question names the spec itself ("含绒量多少")
        return SpecChoice(tuple(spelled[:2]), None)
    name = asked_class(text)
    if name is None:
        return _by_spec_name(product, text)
    _, _, key_words, unit = next(c for c in _CLASSES if c[0] == name)
    by_key = [k for k in product.specs if re.search(key_words, normalize(k))]
    # "多少瓦": a spec named for the kind that states a wattage, not 快充协议 (PD3.0) beside it
    by_key = [k for k in by_key if re.search(unit, normalize(product.specs[k]))] or by_key
    # A spec named for the kind (保质期) beats one whose value merely has its unit (原料: 2019年春茶).
    candidates = by_key or [k for k, v in product.specs.items() if _matches_class(k, v, name)]
    folded = normalize(text)
    # "狗粮蛋白含量多少": 粗蛋白 is named by a word of its own, beside the kind's 净含量
    title = normalize(product.title)
    own_words = {folded[i:i + 2] for i in range(len(folded) - 1)} - {title[i:i + 2] for i in range(len(title) - 1)}
    own_words = {g for g in own_words if all("\u3400" <= c <= "\u9fff" and c not in STOP_CHARS for c in g)}
    own_words -= {"含量", "多少", "多大", "多久", "多长", "多重"}
    candidates += [k for k in product.specs if k not in candidates and any(g in normalize(k) for g in own_words)]
    if not candidates:
        return SpecChoice((), name)
    asked = {folded[i:i + 2] for i in range(len(folded) - 1)} | set(folded)

    def overlap(key: str) -> int:
        k = normalize(key)
        grams = {k[i:i + 2] for i in range(len(k) - 1)}
        real = 3 if "额定" in k and re.search(r"实际|真实|真正|实打实|放得出|充得出|充出来", folded) else 0  # rated, not cell
        return real + 2 * len(grams & asked) + len({c for c in k if c not in STOP_CHARS and c in asked and "\u3400" <= c})

    best = max(overlap(k) for k in candidates)
    chosen = [k for k in candidates if overlap(k) == best]
    return SpecChoice(tuple(chosen[:4]), name)


def _by_spec_name(product: Product, text: str) -> SpecChoice | None:
    """The spec whose own name the question uses ("防水吗" -> 防水等级, "什么面料" -> 面料); words of
    the product's own title (坚果 in 坚果果干比例) do not count."""
    folded = normalize(text)
    title = normalize(product.title)
    asked = {folded[i:i + 2] for i in range(len(folded) - 1)} - {title[i:i + 2] for i in range(len(title) - 1)}
    asked = {g for g in asked if "\u3400" <= g[0] <= "\u9fff" and "\u3400" <= g[1] <= "\u9fff"
             and not any(c in STOP_CHARS for c in g)}
    heard = {_sounds(g) for g in asked}

    def grams(words: str) -> set[str]:
        words = normalize(words)
        return {words[i:i + 2] for i in range(len(words) - 1)}

    # The spec's own name (防水 -> 防水等级; 放水 by sound), else a word of its value (深烘 -> 中深烘焙).
    for field in (lambda k, v: k, lambda k, v: v):
        named = [k for k, v in product.specs.items() if any(g in asked or _sounds(g) in heard
                                                               for g in grams(field(k, v)) if g.strip())]
        if 1 <= len(named) <= 2:
            return SpecChoice(tuple(named), None)
    return None


def _sounds(gram: str) -> tuple[str, ...]:
    return tuple(syllable(c) or c for c in gram)


# ---- size chart -----------------------------------------------------------------------------
_SIZE_ENTRY = re.compile(r"([A-Za-z0-9]{1,5}码?|[\u3400-\u9fff]{1,3}码?)\s*[：:]\s*([^；;]+)")
_FOOT_ENTRY = re.compile(r"(\d{2}(?:\.5)?)\s*码\s*[：:]?\s*(\d+(?:\.\d+)?)\s*(mm|毫米|cm|厘米)")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-~～至到]\s*(\d+(?:\.\d+)?)\s*(cm|厘米|kg|公斤|斤)?")


@dataclass(frozen=True)
class SizeRow:
    size: str
    height: tuple[float, float] | None
    weight_kg: tuple[float, float] | None
    foot_mm: float | None = None  # a shoe size's foot length


def size_chart(product: Product) -> tuple[str, list[SizeRow]] | None:
    """The product's size chart (spec name, rows) when one of its specs is written as one: sizes by
    height and weight ranges ("S：150-160cm，40-50kg"), or shoe sizes by foot length ("38码240mm")."""
    for key, value in product.specs.items():
        feet = [SizeRow(f"{size}码", None, None, float(length) * (10 if unit in ("cm", "厘米") else 1))
                for size, length, unit in _FOOT_ENTRY.findall(value)]
        if len(feet) >= 2:
            return key, feet
        rows = []
        for size, ranges in _SIZE_ENTRY.findall(value):
            height = weight = None
            for bound, unit, side in re.findall(r"(\d+(?:\.\d+)?)\s*(kg|公斤|斤|cm|厘米)?\s*(以下|以内|以上)", ranges):
                limits = (0.0, float(bound)) if side != "以上" else (float(bound), 999.0)
                if unit == "斤":
                    limits = (limits[0] / 2, limits[1] / 2)
                if unit in ("cm", "厘米"):
                    height = limits
                else:
                    weight = limits  # "10kg以下小型犬", "20kg以上"
            for low, high, unit in _RANGE.findall(ranges):
                low_f, high_f = float(low), float(high)
                if unit in ("cm", "厘米") or (not unit and low_f >= 100):
                    height = (low_f, high_f)
                elif unit == "斤":
                    weight = (low_f / 2, high_f / 2)
                else:
                    weight = (low_f, high_f)
            if height or weight:
                rows.append(SizeRow(size, height, weight))
        if len(rows) >= 2:
            return key, rows
    return None


def foot_length_mm(text: str) -> float | None:
    """A foot length the viewer gives ("脚长27", "脚长25cm", "250mm的脚")."""
    folded = normalize(text)
    m = re.search(r"脚长?\s*(\d+(?:\.\d+)?)\s*(mm|毫米|cm|厘米)?|(\d+(?:\.\d+)?)\s*(mm|毫米)", folded)
    if not m:
        return None
    value = float(m.group(1) or m.group(3))
    unit = m.group(2) or m.group(4) or ""
    return value if unit in ("mm", "毫米") or value > 100 else value * 10


def pick_foot_size(rows: list[SizeRow], length_mm: float) -> tuple[str, str] | None:
    """The smallest shoe size long enough for the foot (between two sizes: the larger)."""
    fitting = [r for r in rows if r.foot_mm is not None and r.foot_mm >= length_mm - 1e-6]
    if not fitting:
        return None
    best = min(fitting, key=lambda r: r.foot_mm)
    return best.size, "" if abs(best.foot_mm - length_mm) < 1e-6 else "脚长在两个码之间，选大一码"


def pick_size(rows: list[SizeRow], height: float | None, weight: float | None,
              prefer: str = "") -> tuple[str, str] | None:
    """(size, why) for a body: the size whose rows hold both. A figure inside two overlapping ranges
    takes the larger; one on a shared boundary (160 of 150-160 / 160-170) the smaller. When height
    and weight point to different sizes: the merchant's rule (`prefer` "weight" or "height", from
    "身高体重跨码时按体重选"), else the larger (a host's usual advice)."""
    def index_for(value: float | None, attr: str) -> int | None:
        if value is None:
            return None
        holding = [i for i, row in enumerate(rows) if getattr(row, attr) and getattr(row, attr)[0] <= value <= getattr(row, attr)[1]]
        if len(holding) > 1 and value < getattr(rows[holding[0]], attr)[1]:
            return holding[-1]  # truly overlapping ranges
        if holding:
            return holding[0]
        for i, row in enumerate(rows):
            bounds = getattr(row, attr)
            if bounds and bounds[0] <= value <= bounds[1]:
                return i
        spans = [(i, getattr(r, attr)) for i, r in enumerate(rows) if getattr(r, attr)]
        if spans and value > spans[-1][1][1]:
            return spans[-1][0]
        if spans and value < spans[0][1][0]:
            return spans[0][0]
        return None

    by_height, by_weight = index_for(height, "height"), index_for(weight, "weight_kg")
    chosen = [i for i in (by_height, by_weight) if i is not None]
    if not chosen:
        return None
    if by_height is not None and by_weight is not None and by_height != by_weight:
        if prefer == "weight":
            return rows[by_weight].size, "身高体重跨码时按体重选"
        if prefer == "height":
            return rows[by_height].size, "身高体重跨码时按身高选"
        return rows[max(chosen)].size, "身高和体重在两个码之间，建议选大一码"
    return rows[chosen[0]].size, ""


# ---- dose -----------------------------------------------------------------------------------
_AMOUNT = r"(\d+(?:\.\d+)?)\s*(g|克|kg|ml|毫升|粒|片|袋|包|支|勺|颗|条)"


def _total_amount(product: Product, unit: str) -> float | None:
    """The pack's net amount in `unit` (g, ml, 粒, 片...), from its net-content or size spec."""
    for key, value in product.specs.items():
        if not re.search(r"净含量|规格|容量|重量|粒数|片数|数量|包装", key):
            continue
        folded = normalize(value)
        for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(kg|g|ml|l|粒|片|袋|包|支|颗|条)(?![a-z])", folded):
            amount, found = float(m.group(1)), m.group(2)
            if found in ("kg", "l"):
                amount, found = amount * 1000, {"kg": "g", "l": "ml"}[found]
            if found != unit:
                continue
            # "60粒×2瓶": the count per pack times the packs
            if pack := re.match(r"\s*[×x*]\s*(\d+)\s*(?:瓶|盒|罐|袋|包)", folded[m.end():]):
                amount *= int(pack.group(1))
            return amount
    return None


def _counted(text: str) -> str:
    """"每天一袋", "每次两粒": a small count before a unit as digits."""
    return re.sub(r"([一二两三四五六七八九])(?=\s*(?:g|克|ml|毫升|粒|片|袋|包|支|勺|颗|条|次))",
                  lambda m: str("一二三四五六七八九".index(m.group(1)) + 1 if m.group(1) != "两" else 2), text)


def _daily_amount(product: Product, body_kg: float | None = None, age_months: float | None = None
                  ) -> tuple[float, str, str, str] | None:
    """The daily amount from a dose spec, FAQ or selling point; from a feeding table by body
    weight ("3kg猫每日40g；4kg猫每日50g") the row for the viewer's pet, by age ("0-3月龄：每日6次，
    每次3勺") the row for the viewer's baby."""
    unit_words = r"(g|克|ml|毫升|粒|片|袋|包|支|勺|颗|条|份)"
    sources = list(product.specs.items()) + [(f.q, f.a) for f in product.faq] + [(p, "") for p in product.selling_points]
    for key, value in sources:
        text = _counted(normalize(f"{key}{value}"))
        if not re.search(r"每[日天次]|一[日天]|用量|食用方法|用法|服用|冲调|喂食|喂哺", text):
            continue
        by_age = re.findall(rf"(\d+)\s*[-~～至到]\s*(\d+)\s*(?:月龄|个月)[^；;]*?(?:每[日天]|一[日天])\s*(\d+)\s*次"
                            rf"[^；;]*?每次\s*(\d+(?:\.\d+)?)\s*{unit_words}", text)
        if by_age:
            age = age_months if age_months is not None else float(by_age[0][0])
            row = next((r for r in by_age if float(r[0]) <= age < float(r[1])), None) or \
                min(by_age, key=lambda r: min(abs(float(r[0]) - age), abs(float(r[1]) - age)))
            return float(row[2]) * float(row[3]), row[4], key, f"{row[2]}*{row[3]}"
        rows = re.findall(rf"(\d+(?:\.\d+)?)\s*(?:kg|公斤)[^；;，,]*?(?:每[日天])\s*约?\s*(\d+(?:\.\d+)?)\s*{unit_words}", text)
        if len(rows) < 2 and re.search(r"每[日天]|日用量|喂食量", normalize(key)):  # "每日喂食量: 5kg犬：100g；10kg犬：180g"
            rows = re.findall(rf"(\d+(?:\.\d+)?)\s*(?:kg|公斤)[^；;，,：:]*[：:]\s*约?\s*(\d+(?:\.\d+)?)\s*{unit_words}",
                              normalize(str(value)))
        if len(rows) >= 2:
            weight = body_kg if body_kg is not None else float(rows[0][0])
            kg, amount, unit = min(rows, key=lambda r: abs(float(r[0]) - weight))
            return float(amount), unit, key, amount
        if low := re.search(rf"(?:每[日天]|一[日天])\s*(\d+(?:\.\d+)?)\s*[-~～至到]\s*\d+(?:\.\d+)?\s*{unit_words}", text):
            return float(low.group(1)), low.group(2), key, low.group(1)  # "每日1-2份": the least a day
        per_time = re.search(rf"每次\s*约?\s*(\d+(?:\.\d+)?)\s*{unit_words}", text)
        times = re.search(r"(?:每[日天]|一[日天])\s*(\d+)\s*次", text) or re.search(r"早晚(?:各)?\s*(?:1\s*次)?()", text)
        per_day = re.search(rf"(?:每[日天]|一[日天])\s*约?\s*(\d+(?:\.\d+)?)\s*{unit_words}", text)
        if per_time:
            count = (int(times.group(1)) if times.group(1) else 2) if times else 1  # 早晚各一次: twice
            return float(per_time.group(1)) * count, per_time.group(2), key, f"{per_time.group(1)}*{count}"
        if per_day:
            return float(per_day.group(1)), per_day.group(2), key, per_day.group(1)
        if re.search(r"每[日天]|日用量|用量|喂食量", normalize(key)):  # "每日参考用量: 约100g"
            if one := re.search(rf"(\d+(?:\.\d+)?)\s*{unit_words}", normalize(value)):
                return float(one.group(1)), one.group(2), key, one.group(1)
    return None


def viewer_dose(text: str) -> tuple[float, str] | None:
    """A daily amount the viewer gives ("一天两包", "一天吃60克")."""
    folded = normalize(text)
    m = re.search(r"(?:一天|每天|每日|1天)\D{0,2}?(\d+(?:\.\d+)?|[两二三四五六])\s*(g|克|ml|毫升|粒|片|袋|包|支|勺|颗|份|条)", folded)
    if not m:
        return None
    word = m.group(1)
    amount = float(word) if word[0].isdigit() else float("一两三四五六".index(word) + 1 if word != "二" else 2)
    return amount, {"克": "g", "毫升": "ml"}.get(m.group(2), m.group(2))


def _as_written(product: Product, amount: float) -> str:
    """The arithmetic that gives `amount` from the catalog's own figures: 1500 of "1.5kg" is
    1.5*1000; 120 of "60粒×2瓶" is 60*2; a figure written as is, as itself."""
    text = " ".join(product.specs.values()) + " " + product.title
    figures = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    if amount in figures:
        return format_amount(amount)
    for figure in figures:
        if figure and abs(figure * 1000 - amount) < 1e-6:
            return f"{format_amount(figure)}*1000"
        for other in figures:
            if other and abs(figure * other - amount) < 1e-6:
                return f"{format_amount(figure)}*{format_amount(other)}"
    return format_amount(amount)


def _grams_per(product: Product, unit: str) -> float | None:
    """What one scoop or serving weighs ("量勺: 每平勺约5g", "每份: 30g（1平勺）")."""
    if unit not in ("勺", "份"):
        return None
    for key, value in product.specs.items():
        text = normalize(f"{key}：{value}")
        m = re.search(rf"每平?{unit}\D{{0,3}}?(\d+(?:\.\d+)?)\s*(?:g|克)", text) or \
            re.search(rf"(\d+(?:\.\d+)?)\s*(?:g|克)\s*[（(]\s*1\s*平?{unit}", text)
        if m:
            return float(m.group(1))
    return None


def lasts_days(product: Product, packs: int = 1, dose: tuple[float, str] | None = None,
               body_kg: float | None = None, age_months: float | None = None, people: int = 1
               ) -> tuple[float, str, list[str], str] | None:
    """(days one pack lasts, the sentence of arithmetic, numbers computed, the dose's spec or FAQ
    name) when the net amount and the daily dose are in the same unit; `people` share the pack."""
    daily = (dose[0], dose[1], "", format_amount(dose[0])) if dose else _daily_amount(product, body_kg, age_months)
    if daily is None:
        return None
    per_day, dose_unit, source, per_day_expr = daily
    if people > 1:
        per_day, per_day_expr = per_day * people, f"({per_day_expr})*{people}"
    unit = {"克": "g", "毫升": "ml"}.get(dose_unit, dose_unit)
    amount = _total_amount(product, unit)
    if amount is None and (grams := _grams_per(product, unit)):  # 勺 or 份 by what one weighs
        per_day, unit, per_day_expr = per_day * grams, "g", f"({per_day_expr})*{format_amount(grams)}"
        amount = _total_amount(product, "g")
    if amount is None or per_day <= 0:
        return None
    days = amount * packs / per_day
    whole = int(days)
    pack = f"一共{format_amount(amount * packs)}{unit}" if packs > 1 else f"一份{format_amount(amount)}{unit}"
    # A viewer's own dose is not said back (the guard would not find it in the catalog).
    who = f"{'两' if people == 2 else people}个人" if people > 1 else ""
    sentence = f"{pack}，大约能用{whole}天。" if dose else f"{pack}，{who}每天{format_amount(per_day)}{unit}，大约能用{whole}天。"
    written = _as_written(product, amount)
    derived = [derivation(amount, written), derivation(amount * packs, f"{written}*{packs}"),
               derivation(per_day, per_day_expr), derivation(whole, f"{written}*{packs}/({per_day_expr})")]
    return days, sentence, derived, source
