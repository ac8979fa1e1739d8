"""Catalog facts as small citable records, each with a search text that carries viewers' words.

A `Fact` is one thing the host may say about a product, with the source id the guard and the
replay report cite ("A1001.price", "A1001.specs.净含量", "A1001.faq[0]", ...). Its `search_text`
adds the colloquial ways viewers ask for it (价格 → 多少钱/几块), so a retriever can match a
question to it. The synonym tables are plain data: extend them, not the code.
Pure: no I/O, no clock (expired promotions are dropped only when the caller passes `now`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog, Product
from .lines import format_price
from .textmatch import normalize

# Words viewers use for a fact kind or policy key, keyed by the catalog's own name for it.
KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "price": ("价格", "多少钱", "几块", "价钱", "多钱", "啥价", "怎么卖", "售价", "到手价", "贵不贵", "多少米",
              "什么价", "卖多少"),
    "list_price": ("原价", "划线价", "日常价", "平时卖多少", "便宜了多少", "便宜多少", "打几折", "优惠了多少"),
    "stock": ("库存", "还有货吗", "有货", "有没有货", "还有吗", "卖完了吗", "还剩多少", "剩几件", "断货", "售罄",
              "抢得到吗"),
    "selling_points": ("卖点", "特点", "好在哪", "有什么好", "优势", "亮点", "值得买吗", "怎么样", "好不好用",
                       "推荐理由"),
    "promotion": ("活动", "优惠", "满减", "券", "优惠券", "折扣", "打折", "福利", "赠品", "送什么", "第二件",
                  "买一送一", "便宜点"),
}

POLICY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "returns": ("退货", "退换", "退款", "能退吗", "臭了", "烂了", "变质", "破损", "漏了", "坏果", "死了", "包赔", "可以退吗", "能换吗", "可以换吗", "换吗", "换尺码", "换码", "调换", "能退", "七天无理由", "不满意怎么办", "不喜欢能退", "换货", "拆开", "拆封", "拆了",
                "售后", "可不可以退", "能不能退", "退不退", "可以退", "能退换"),
    "shipping": ("发货", "什么时候发", "几天到", "快递", "物流", "多久发", "包邮", "运费", "几天能到", "什么快递",
                 "发什么快递", "多久到"),
    "price_protection": ("保价", "降价", "差价", "买贵了", "会不会更便宜", "降价补差", "价保"),
    "warranty": ("保修", "质保", "包修", "保修吗", "坏了包", "能修", "坏了怎么办", "维修", "售后保障", "换新"),
    "invoice": ("发票", "开票", "能开发票吗", "专票", "普票"),
}

# Spec names merchants use (matched as a substring of the spec name) and how viewers ask.
SPEC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "保质期": ("保质期", "放多久", "能放多长时间", "能放多久", "过期", "保存多久", "多久过期", "有效期", "能放几年",
             "放多长时间"),
    "净含量": ("净含量", "多重", "多少克", "分量", "几克", "多少量", "有多少", "几两", "多少斤", "多少毫升", "容量"),
    "重量": ("重量", "多重", "几克", "沉不沉", "重不重", "轻不轻", "多少克"),
    "容量": ("容量", "多大", "毫安", "多少毫安", "电量", "充几次", "续航", "能充几次", "多少毫升"),
    "功率": ("功率", "快充", "充电快吗", "充电速度", "多少瓦", "几瓦", "充得快吗"),
    "固形物": ("固形物", "肉有多少", "干货有多少", "连汤", "不算汤", "去掉汤", "沥干", "实际肉"),
    "产地": ("产地", "哪里产", "哪产的", "哪里的", "原产地", "产自", "哪儿产", "哪里生产"),
    "肤质": ("肤质", "什么皮肤", "干皮", "油皮", "敏感肌", "混油", "适合什么皮肤", "皮肤能用吗"),
    "材质": ("材质", "面料", "什么料子", "什么做的", "什么材料", "成分"),
    "尺码": ("尺码", "码数", "多大码", "尺寸", "穿多大", "选多大"),
    "尺寸": ("尺寸", "多大", "多长", "多宽", "大小"),
    "颜色": ("颜色", "什么色", "几个颜色", "有哪些颜色", "色号"),
    "成分": ("成分", "配料", "含什么", "添加剂"),
    "适用": ("适用", "适合", "适合谁", "适合什么人", "谁能用"),
    "年龄": ("年龄", "几岁", "多大宝宝", "多大孩子", "月龄", "适合几岁"),
    "规格": ("规格", "多大", "几件", "多少片", "多少包"),
    "保修": ("保修", "质保", "坏了怎么办"),
    "片数": ("片数", "多少片", "几片", "一包多少"),
    "层": ("几层", "多少层", "厚不厚"),
    "口味": ("口味", "什么味", "味道", "好吃吗", "甜不甜"),
    "配料": ("配料", "成分", "里面有什么", "用料", "都有啥", "有哪些", "都有什么", "里面有啥", "含什么"),
    "储存": ("储存", "存放", "怎么保存", "怎么放", "放冰箱"),
    "码": ("码", "哪些码", "几个码", "穿多大", "多大码"),
    "绒": ("绒", "鸭绒", "鹅绒", "填充"),
    "保温": ("保温", "保温多久", "保温效果", "能保温多久", "保温时间", "保温几小时"),
    "ph": ("ph", "酸碱度", "酸碱", "弱酸性"),
}

# Spec values whose unit tells what is asked, whatever the merchant called the spec.
UNIT_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\d\s*mah", ("容量", "多大", "毫安", "多少毫安", "电量", "充几次", "续航")),
    (r"\d\s*(ml|毫升|l\b)", ("容量", "多少毫升", "多大瓶", "多大")),
    (r"\d\s*(g|kg|克|千克|斤)\b", ("多重", "几克", "分量", "多少克")),
    (r"\d\s*w\b", ("功率", "快充", "充电快吗", "几瓦")),
    (r"\d\s*(个月|年|天)", ("放多久", "多长时间")),
    (r"\d\s*(片|抽|包|袋)", ("多少片", "几片", "多少抽", "几包", "多少包", "一包多少")),
)

# Topic groups: a fact whose text uses any word of a group is also found by the others.
TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "孕妇": ("孕妇", "怀孕", "孕期", "准妈妈", "孕妈", "哺乳期"),
    "飞机": ("飞机", "坐飞机", "登机", "带上飞机", "安检", "高铁"),
    "小孩": ("小孩", "孩子", "儿童", "宝宝", "小朋友"),
    "敏感": ("敏感", "敏感肌", "过敏", "刺激"),
    "咖啡因": ("咖啡因", "失眠", "睡不着", "提神"),
    "钻绒": ("钻绒", "跑毛", "漏毛", "掉毛", "跑绒"),
    "夜里": ("夜里", "晚上", "夜间", "睡觉"),
    "漏": ("漏", "侧漏", "漏尿", "渗漏"),
    "零下": ("零下", "保暖", "暖和", "冷不冷", "够暖", "冬天"),
    "香": ("香味", "香精", "香料", "味道"),
    "笔记本": ("笔记本", "macbook", "电脑", "laptop", "平板", "ipad"),
    "雾面": ("雾面", "哑光", "丝绒", "磨砂", "亚光"),
    "拔干": ("拔干", "干", "起皮", "滋润", "保湿"),
    "糖": ("糖", "含糖", "无糖", "减肥", "控糖", "甜"),
    "机洗": ("机洗", "洗衣机", "水洗", "手洗", "干洗", "怎么洗"),
    "苹果": ("苹果", "iphone", "果子", "爱疯", "ios"),
    "饭后": ("饭后", "饭前", "空腹", "什么时候吃", "啥时候吃"),
}


CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "food": ("食品", "吃的", "零食", "喝的"),
    "beauty": ("护肤品", "化妆品", "美妆", "护肤"),
    "electronics": ("数码", "电子产品", "电器"),
    "apparel": ("衣服", "服装", "穿的"),
    "baby": ("母婴", "婴儿用品"),
    "home": ("家居", "家用", "日用品"),
    "health_food": ("保健品", "营养品"),
}


def synonym_groups() -> list[tuple[str, tuple[str, ...]]]:
    """(canonical word, the words viewers use) for every table: a question using one of the words
    is expanded with the canonical word before matching."""
    groups = [(words[0], words) for words in KIND_SYNONYMS.values()]
    groups += [(words[0], words) for words in POLICY_SYNONYMS.values()]
    groups += list(SPEC_SYNONYMS.items())
    return groups


@dataclass(frozen=True)
class Fact:
    sku: str
    source: str  # citable id, e.g. "A1001.specs.净含量"
    kind: str  # price | list_price | stock | spec | selling_points | promotion | faq | policy
    key: str  # the catalog's name: "price", "净含量", "returns", "faq[0]", "promotions[0]"
    text: str  # the fact as a short statement ("保质期：18个月"); what answers quote
    value: str  # the bare value ("18个月", "89元", the FAQ answer)
    search_text: str  # text + the words viewers use for it (what the lexical scorer matches)


def _spec_words(name: str, value: str) -> tuple[str, ...]:
    words: list[str] = []
    for spec_name, synonyms in SPEC_SYNONYMS.items():
        if spec_name in name.lower():
            words.extend(synonyms)
    lowered = value.lower()
    for pattern, synonyms in UNIT_SYNONYMS:
        if re.search(pattern, lowered):
            words.extend(synonyms)
    return tuple(dict.fromkeys(words))


def _topic_words(text: str) -> tuple[str, ...]:
    return tuple(w for synonyms in TOPIC_SYNONYMS.values() if any(s in text for s in synonyms) for w in synonyms)


def _search_text(text: str, words: tuple[str, ...]) -> str:
    return " ".join(dict.fromkeys((text, *words, *_topic_words(text))))


def product_facts(product: Product, now: datetime | None = None) -> list[Fact]:
    """Every citable fact about one product, in catalog order."""
    sku = product.sku
    facts: list[Fact] = []

    def add(kind: str, key: str, source_suffix: str, text: str, value: str, words: tuple[str, ...]) -> None:
        facts.append(Fact(sku, f"{sku}.{source_suffix}", kind, key, text, value, _search_text(text, words)))

    price = format_price(product.price)
    add("price", "price", "price", f"到手价{price}", price, KIND_SYNONYMS["price"])
    if product.list_price is not None:
        list_price = format_price(product.list_price)
        add("list_price", "list_price", "list_price", f"原价{list_price}", list_price, KIND_SYNONYMS["list_price"])
    if product.stock is not None:
        stock = f"{product.stock}件" if product.stock > 0 else "已售罄"
        add("stock", "stock", "stock", f"库存{stock}", stock, KIND_SYNONYMS["stock"])
    for name, value in product.specs.items():
        add("spec", name, f"specs.{name}", f"{name}：{value}", value, _spec_words(name, value))
    if product.selling_points:
        points = "，".join(product.selling_points)
        add("selling_points", "selling_points", "selling_points", f"卖点：{points}", points,
            KIND_SYNONYMS["selling_points"])
    for i, promo in enumerate(product.promotions):
        if now is not None and promo.ends_at is not None and promo.ends_at <= now:
            continue
        add("promotion", f"promotions[{i}]", f"promotions[{i}]", f"活动：{promo.text}", promo.text,
            KIND_SYNONYMS["promotion"])
    for i, entry in enumerate(product.faq):
        q = entry.q.rstrip("?？")
        add("faq", f"faq[{i}]", f"faq[{i}]", f"{q}？{entry.a}", entry.a, ())
    for key, value in product.policies.items():
        add("policy", key, f"policies.{key}", value, value, POLICY_SYNONYMS.get(key, (key,)))
    return facts


def catalog_facts(catalog: Catalog, now: datetime | None = None) -> list[Fact]:
    """All products' facts; with `now`, promotions that have ended are left out."""
    return [fact for product in catalog.products for fact in product_facts(product, now)]


def names_a_category(item: str, categories: set[str]) -> bool:
    """"衣服", "裤子": the item is one of the shop's categories itself, not a kind of thing to find in
    the titles ("羽绒裤")."""
    nouns = [w for c in categories for w in CATEGORY_WORDS.get(c, ()) if not w.endswith("的")]  # not 穿的/吃的
    return any(item in normalize(w) or (normalize(w) in item and len(item) <= len(normalize(w)) + 1) for w in nouns)
