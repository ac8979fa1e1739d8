"""The words of product naming, as data and small pure helpers: how viewers fold numerals and
spellings (二段 -> 2段, 体恤 -> t恤, nuts -> 坚果), which of their words are product words (洗面奶 for
洁面乳), what never names a product (prices, promotions, bodies, counts), and title words, sounds and
head nouns. Used by product_resolver; no catalog state here."""
from __future__ import annotations

import re
from collections import Counter

from functools import lru_cache

from .text_variants import syllable
from .catalog import Product
from .textmatch import STOP_CHARS, normalize

_CN_NUM = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
           "九": "9", "十": "10"}
LINK = re.compile(r"(?:小黄车|购物车)?(?:第)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*号\s*(?:链接|链|商品|宝贝|产品|车)"
                   r"|(?:链接|link)\s*(\d{1,2})(?!\d)|^(\d{1,2})号(?![\d码])"
                   r"|(?<![\d.])(\d{1,2})号(?=的|呢|吗|多少|怎么|是|还|有|能|适合|和|跟|与|哪)")
# "二段", "2-stage", "stage 2" all read as "2段"; sizes and generations likewise.
_VARIANT_NUMERAL = re.compile(r"([一二两三四五六七八九十])(?=段|码|号|代|层|寸|档|款|年陈|年份)")
_STAGE_EN = re.compile(r"(\d)\s*-?\s*stage|stage\s*(\d)")
# Latin chat abbreviations that are not product initials.
NOT_INITIALS = frozenset({"jg", "yyds", "xswl", "sb", "ok", "hi", "nb", "dd", "xdm", "zb", "bb", "qq", "vx", "wx",
                           "pdd", "tb", "jd", "dy", "ks", "mm", "gg", "ps", "pk", "app", "ai", "emm", "hh", "hhh",
                           "zbj", "zbzb", "bdjw", "mai", "xq", "lj", "sp", "kk"})
# Viewers' spellings of product words that pinyin does not bring together (T恤 read "ti xu").
_SPELLINGS = (("nuts", "坚果"), ("hair dryer", "吹风机"), ("hairdryer", "吹风机"), ("dryer", "吹风机"), ("blender", "料理机"),
              ("shoes", "鞋"), ("sneakers", "跑鞋"), ("hoodie", "卫衣"), ("cat food", "猫粮"), ("dog food", "狗粮"),
              ("fish oil", "鱼油"), ("jerky", "肉干"), ("monitor", "显示器"), ("rice", "大米"), ("coffee", "咖啡"),
              ("tea", "茶"), ("cream", "霜"), ("kettle", "水壶"), ("thermos", "保温杯"), ("lotion", "乳"),
              ("冲满电", "充满电"), ("冲满", "充满"), ("冲电", "充电"), ("防哂", "防晒"), ("protein powder", "蛋白粉"),
              ("体恤", "t恤"), ("t-shirt", "t恤"), ("tshirt", "t恤"), ("tee", "t恤"), ("powerbank", "充电宝"),
              ("power bank", "充电宝"), ("charger", "充电器"), ("sunscreen", "防晒"), ("earbuds", "耳机"),
              ("earphone", "耳机"), ("headphone", "耳机"), ("jacket", "外套"), ("diaper", "纸尿裤"),
              ("formula", "奶粉"), ("尿不湿", "纸尿裤"), ("拉拉裤", "纸尿裤"), ("lipstick", "口红"), ("mask", "面膜"), ("lamp", "台灯"),
              ("headlamp", "头灯"), ("waterproof", "防水"), ("battery", "续航"), ("weight", "重量"), ("discount", "优惠"),
              ("coupon", "优惠券"), ("on sale", "活动"), ("sale", "活动"), ("插线充", "有线充"), ("插线", "有线"))
# Pinyin runs arrive glued ("dianhuoguoduoshaoqian"): these fold inside a run too.
_PINYIN_SPELLINGS = (("miaosha", "秒杀"), ("manjian", "满减"), ("youhui", "优惠"), ("huodong", "活动"), ("baoyou", "包邮"),
                     ("tuihuo", "退货"), ("jiage", "价格"), ("duoshaoqian", "多少钱"), ("fahuo", "发货"), ("zhenren", "真人"))
# English words fold whole ("rice" is not inside "price", nor "tea" inside "steam"); the rest anywhere.
_ENGLISH = {wrong: right for wrong, right in _SPELLINGS if wrong.isascii()}
_ENGLISH_WORD = re.compile(r"(?<![a-z])(?:%s)(?![a-z])" % "|".join(map(re.escape, sorted(_ENGLISH, key=len, reverse=True))))
_ANYWHERE = sorted([pair for pair in _SPELLINGS if not pair[0].isascii()] + list(_PINYIN_SPELLINGS),
                   key=lambda pair: -len(pair[0]))


_SYLLABLE = r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouv]+(?:ng|n|r)?)"
_PINYIN_RUN = re.compile(rf"(?<![a-z]){_SYLLABLE}(?: {_SYLLABLE}){{1,5}}(?![a-z])")


# The sounds southern and southwestern speakers (and their input methods) do not keep apart:
# zh/z, ch/c, sh/s, n/l, and -ng/-n (嗮 for 晒, 留 for 牛). Homophones are compared on these.
_FUZZY_SOUNDS = tuple((re.compile(a), b) for a, b in (
    (r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"), (r"^l(?=[aeiouv])", "n"), (r"ang$", "an"), (r"eng$", "en"),
    (r"ing$", "in")))


@lru_cache(maxsize=20_000)
def sound(char: str) -> str:
    """The character's toneless pinyin with the sounds often confused folded together ("" if none)."""
    heard = syllable(char)
    for pattern, folded in _FUZZY_SOUNDS:
        heard = pattern.sub(folded, heard)
    return heard


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Two-character words of jieba's dictionary (a dependency of the Mandarin voice), to tell a
    word a viewer meant from a slip of the input method."""
    from importlib.resources import files
    try:
        lines = (files("jieba") / "dict.txt").read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(word for word, *_ in (line.split() for line in lines if line) if len(word) == 2)


def slip_for(written: str, meant: str) -> bool:
    """Whether `written` may be `meant` mistyped: an exact homophone unless a word was typed for a
    fragment that is none (不是 is no slip for the 不湿 of 尿不湿; 良茶 is 凉茶); a near one (zh/z,
    n/l, -ng/-n) only when what was typed is not a word of its own (防嗮 is 防晒; 儿子 is not 儿纸)."""
    words = common_words()
    if len(written) == len(meant) > 2 and any(  # "料不是": its 不是 is a word, 尿不湿's 不湿 is none
            written[i:i + 2] in words and meant[i:i + 2] not in words for i in range(len(written) - 1)):
        return False
    if [syllable(c) for c in written] == [syllable(c) for c in meant]:
        return written not in words or meant in words
    return written not in words


def bigrams_with_sound(text: str, sounds: tuple[str, str]) -> list[str]:
    return [run[i:i + 2] for run in cjk_runs(text) for i in range(len(run) - 1)
            if (sound(run[i]), sound(run[i + 1])) == sounds]


def count_from_word(word: str) -> int | None:
    """A count as a viewer writes it: "2", "两", "俩", "仨", "十二"."""
    return small_number({"俩": "2", "仨": "3", "一": "1"}.get(word, word))


def small_number(word: str) -> int | None:
    """"3", "三", "十二", "二十" as an int (link numbers, counts); None for anything else."""
    if word.isdigit():
        return int(word)
    if len(word) == 1:
        return int(_CN_NUM[word]) if word in _CN_NUM else None
    tens, _, ones = word.partition("十")
    if "十" not in word or not all(c in _CN_NUM for c in tens + ones):
        return None
    return (int(_CN_NUM[tens]) if tens else 1) * 10 + (int(_CN_NUM[ones]) if ones else 0)


def fold_question(text: str) -> str:
    """The question with variant numerals as digits and common spellings folded (二段 -> 2段, 4米5 ->
    4.5米, "jiu sheng yi" -> "jiushengyi")."""
    text = normalize(text)
    text = re.sub(r"(\d)\s*米\s*(\d)(?![\d.])", r"\1.\2米", text)  # "4米5的鱼竿", "5米4"
    text = re.sub(r"(\d)m(\d)(?![\d.])", r"\1.\2米", text)  # "5m4"
    text = re.sub(r"(\d+\.\d+)\s*m(?![a-z])", r"\1米", text)  # "4.5m的竿子"
    # "1斤装的鱼干" is the 500g pack; a bare 斤 stays (110斤 is the viewer's weight)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*(?:斤|jin)装", lambda m: f"{float(m.group(1)) * 500:g}g装", text)
    text = re.sub(r"半(?:斤|jin)装", "250g装", text)
    text = _PINYIN_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)  # "jiu sheng yi" typed in syllables
    text = _ENGLISH_WORD.sub(lambda m: _ENGLISH[m.group(0)], text)
    for wrong, right in _ANYWHERE:
        text = text.replace(wrong, right)
    text = _VARIANT_NUMERAL.sub(lambda m: _CN_NUM[m.group(1)], text)
    return _STAGE_EN.sub(lambda m: f"{m.group(1) or m.group(2)}段", text)


def title_words(title: str) -> set[str]:
    """Overlapping CJK bigrams, and Latin/number runs with a variant unit (3段, spf50+, l码, 20000mah)."""
    words = {run[i:i + 2] for run in cjk_runs(title) for i in range(len(run) - 1)}
    words |= set(re.findall(r"[a-z]*\d+(?:\.\d+)?[a-z+]*(?:[段码号代层寸档款米]|年(?=陈|份|的|$|\s))?|[a-z]{2,}\d*|[a-z]{1,4}[码号]|[a-z]+[\u3400-\u9fff]",
                            title))
    words = {w for w in words if not re.fullmatch(r"[\d.]+", w)}  # a bare number (30 of 30袋) names nothing ...
    return words | set(re.findall(r"(?<=#)\d+|(?<=no\.)\d+", title))  # ... a shade or model number (#316) does


def cjk_runs(text: str) -> list[str]:
    return re.findall(r"[\u3400-\u9fff]+", text)


def sound_grams(text: str) -> set[tuple[str, str]]:
    grams: set[tuple[str, str]] = set()
    for run in cjk_runs(text):
        sounds = [sound(c) for c in run]
        grams |= {(sounds[i], sounds[i + 1]) for i in range(len(run) - 1) if sounds[i] and sounds[i + 1]}
    return grams


@lru_cache(maxsize=16)
def _title_spellings(titles: str) -> dict[tuple[str, str], str]:
    """Each two-character title word by its sounds: built once per set of titles (a whole shop's
    titles are asked about on every question naming an item it may not sell)."""
    spelling: dict[tuple[str, str], str] = {}
    for run in cjk_runs(titles):
        for i in range(len(run) - 1):
            spelling.setdefault((sound(run[i]), sound(run[i + 1])), run[i:i + 2])
    return spelling


def spelled_as_titles(text: str, titles: str) -> str:
    """`text` with each two-character word that sounds like a title word but is written otherwise
    (良茶 for 凉茶) spelled as the title writes it."""
    spelling = _title_spellings(titles)
    out = list(text)
    for start, run in ((m.start(), m.group(0)) for m in re.finditer(r"[\u3400-\u9fff]{2,}", text)):
        for i in range(len(run) - 1):
            word = run[i:i + 2]
            heard = spelling.get((sound(run[i]), sound(run[i + 1])))
            if heard and word not in titles and all(sound(c) for c in word) and slip_for(word, heard):
                out[start + i:start + i + 2] = heard
    return "".join(out)


def head_noun(title: str) -> str:
    """The head noun of a title's first word: 充电宝 of 大容量充电宝, 方奶粉 of 婴儿配方奶粉, 领t恤."""
    first = normalize(title).split()[0] if title.split() else ""
    # A figure's unit is not part of the noun: 陈皮 of 新会10年陈皮, not 年陈皮.
    word = "".join(re.findall(r"[\u3400-\u9fffa-z]+", re.sub(r"\d+(?:\.\d+)?(?:[年段代层寸档款]|[a-z]*)", "", first)))
    return word[-3:] if len(word) >= 3 else word


# Words viewers use for a kind of product, and the words merchants title it with; a viewer's word
# (or one that sounds like it: 洗面乃) is read as the one this catalog's titles use.
PRODUCT_WORDS: tuple[tuple[str, ...], ...] = (
    ("洁面乳", "洗面奶", "洁面", "洗面乳", "洗脸"), ("防晒霜", "防晒乳", "防晒"), ("充电器", "充电头", "快充头", "插头"),
    ("充电宝", "移动电源"), ("保温杯", "水杯", "杯子"), ("空气炸锅", "炸锅"), ("纸尿裤", "尿不湿", "尿片"),
    ("t恤", "短袖", "体恤"), ("羽绒服", "羽绒衣", "棉服"), ("耳机", "耳塞"), ("面霜", "乳霜"), ("电饭煲", "电饭锅"),
    ("电热水壶", "烧水壶", "热水壶", "水壶"), ("猫粮", "猫饭"), ("狗粮", "犬粮", "狗饭"), ("鱼油", "深海鱼油"),
    ("奶粉", "配方奶"), ("坚果", "果仁"), ("咖啡", "挂耳"), ("护手霜", "护手"), ("口红", "唇膏"), ("大米", "米"),
    ("蜂蜜", "雪蜜", "椴树蜜", "槐花蜜", "百花蜜", "枣花蜜", "土蜂蜜", "洋槐蜜", "荆条蜜"),
    ("取暖器", "油汀", "电暖器", "电暖气", "暖气片"), ("暖风机", "小太阳", "电暖风"),
    ("钓竿", "鱼竿", "鱼杆", "竿子", "杆子", "钓鱼竿", "钓杆"), ("移动电源", "户外电源", "充电站"), ("钓鱼椅", "钓椅", "椅子"),
)


def product_kind(item: str) -> tuple[str, ...] | None:
    """The PRODUCT_WORDS group `item` names outright ("唇膏" -> the 口红 group), else None."""
    return next((words for words in PRODUCT_WORDS if item in words), None)


# Figures that say a price, a promotion, a body or an age, never which product ("满199减30", "165 110斤").
NOT_NAMING = re.compile(r"满\d+(?:\.\d+)?减\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:元|块|折|%|斤|jin|kg|公斤|cm|岁|个月|天|号链|号)|直降\d+|立减\d+|(?:送|赠|换购)[\u4e00-\u9fff]{1,4}|"
                         r"第[二三2-3][件袋瓶盒罐包支]|买[一二两三\d]送[一二两三\d]|(?<![a-z\d#])1[4-9]\d(?=\s+\d{2,3}\s*(?:斤|kg|公斤)?)")
COUNTED = re.compile(r"(?<![\d.第])(?:\d{1,2}|[一两二三四五六七八九十])\s*(?:件(?!套)|个|罐|盒|瓶|包|袋|支|条|桶|箱|份|只|台|提)")


def naming_words_only(folded: str, titles: str) -> str:
    """`folded` without prices, promotions, bodies and counts, except a figure some title carries
    ("10kg的大米", also typed "10公斤": the 10kg bag, not a body weight)."""
    def kept(match: re.Match) -> str:
        token = re.sub(r"\s+", "", match.group(0)).replace("公斤", "kg")
        body = re.search(r"[它我他她狗猫娃]|体重|宝宝|孩子|重", folded[max(0, match.start() - 3):match.start()])
        return token if re.match(r"\d", token) and token in titles and not body else " "  # "它5公斤多点": the dog
    return COUNTED.sub(" ", NOT_NAMING.sub(kept, folded))


_COUNTED_NOUN = re.compile(r"[一两二三四五六七八九十\d]\s*[个只件套台把口张条]\s*([\u4e00-\u9fff])(?![\u4e00-\u9fff])|"
                           r"(?:(?<![\u4e00-\u9fff])|(?<=[和跟与同、个只]))([\u4e00-\u9fff])子")


def counted_single_nouns(folded: str, heads: dict[str, list[str]]) -> list[str]:
    """"一个锅 一盒家庭装", "牛肉丝和兔子": a product named by one character after a count, or with 子,
    when that character ends exactly one product's head noun (锅 of 鸳鸯火锅锅, not of 火锅底料)."""
    found = [m.group(1) or m.group(2) for m in _COUNTED_NOUN.finditer(folded)]
    return [heads[c][0] for c in found if len(heads.get(c, ())) == 1]


# Things a viewer's life is full of ("手机老没电", "放冰箱吗"): unless a title sells one, their
# characters name nothing (机 of 手机 is not the 暖风机).
_EVERYDAY = re.compile(r"手机|电脑|飞机|电话|电视|冰箱|空调|汽车|地铁|公交|办公室|宿舍|暖气|微波炉")


def without_everyday_words(folded: str, titles: str) -> str:
    """`folded` without lengths in 米 ("1.8米的床" is no rice) and everyday things no title sells."""
    folded = re.sub(r"(?<=\d)\s*米(?![饭粉线])", " ", folded)
    folded = re.sub(r"(?<=[一两二三四五六七八九十])\s*米(?=\s*[一二三四五六七八九零半]|\s*(?:的|高|长|宽|个头))", " ", folded)
    return _EVERYDAY.sub(lambda m: m.group(0) if m.group(0) in titles else " ", folded)


# Bigrams that ask a question rather than describe a product.
QUESTION_BIGRAMS = frozenset({"多少", "少钱", "什么", "怎么", "有没", "没有", "可以", "能不", "不能", "这个", "那个",
                               "一下", "还有", "现在", "直播", "主播", "今天", "价格", "链接", "哪个", "一个", "推荐",
                               "适合", "喜欢", "想要", "多久", "几天", "好用", "好不", "不好", "有什", "么活", "活动",
                               "优惠", "便宜", "一共", "两个", "买两", "东西", "那款", "这款", "用的", "的那"})


def title_initials(title: str) -> set[str]:
    found = set()
    for run in cjk_runs(title):
        sounds = [syllable(c) for c in run]
        for size in (2, 3, 4):
            for i in range(len(run) - size + 1):
                part = sounds[i:i + size]
                if all(part):
                    found.add("".join(s[0] for s in part))
    return found - NOT_INITIALS

def title_pinyin(title: str) -> dict[str, str]:
    """Toneless pinyin of the title's 2-4 character words ("kouhong" -> 口红)."""
    found: dict[str, str] = {}
    for run in cjk_runs(title):
        for size in (2, 3, 4):
            for i in range(len(run) - size + 1):
                sounds = [syllable(c) for c in run[i:i + size]]
                if all(sounds):
                    found.setdefault("".join(sounds), run[i:i + size])
    return found

def distinct_title_words(titles: dict[str, str], families: dict[str, tuple[str, ...]],
                         asking: frozenset[str]) -> dict[str, frozenset[str]]:
    """Per product, the words of its title (head noun left out) that no other title of its family
    has (大容量, 3段, spf50); words that ask about a fact (容量) never name a variant. Linear in the
    catalog: a family of 500 colours counts each word once, not once per pair."""
    words = {sku: title_words(title) for sku, title in titles.items()}
    in_family: dict[tuple[str, ...], Counter[str]] = {}
    for members in set(families.values()):
        in_family[members] = Counter(w for m in members for w in words[m])
    distinct = {}
    for sku, title in titles.items():
        head = head_noun(title)
        own = title_words(title.replace(head, " ")) if head else set(words[sku])
        counts = in_family.get(families.get(sku, ()), Counter())
        others = {w for w in own if counts[w] - (w in words[sku]) > 0}
        distinct[sku] = frozenset(w for w in own - others
                                  if w and not all(c in STOP_CHARS for c in w) and w not in asking)
    return distinct


def families_of(products: tuple[Product, ...]) -> dict[str, tuple[str, ...]]:
    """Products sharing a head noun (two 充电宝, three 奶粉): a question naming only the head
    does not say which."""
    by_head: dict[str, list[str]] = {}
    for p in products:
        head = head_noun(p.title)
        if len(head) >= 2:
            by_head.setdefault(head, []).append(p.sku)
    family: dict[str, tuple[str, ...]] = {}
    for skus in by_head.values():
        if len(skus) > 1:
            for sku in skus:
                family[sku] = tuple(skus)
    return family


def without_title(text: str, product: Product) -> str:
    """The question without the product's name: title words must not pull the fact search
    toward facts that repeat them (高山 in 高山茶园)."""
    title = re.sub(r"\s+", "", product.title)
    for size in range(len(title), 1, -1):
        for start in range(len(title) - size + 1):
            part = title[start:start + size]
            if part in text:
                text = text.replace(part, " ")
    return text


def describing_bigrams(text: str, digits: bool = False) -> set[str]:
    """The question's two-character words that may describe a product ("t恤" too): not its counts or
    money words ("两件", "多少钱"), which every listing's promotions repeat; with `digits`, a height's
    digits as well, to tell a size chart from another listing."""
    folded = re.sub(r"[一两二三四五六七八九十\d]+\s*[件个罐盒瓶包袋支条套双桶箱份只台提组]|多少钱?|几块钱?|"
                    r"穿?(?:哪个|什么|啥|几|多大)码", " ", fold_question(text))  # "穿哪个码" describes no product
    runs = re.findall(r"[\u3400-\u9fffa-z0-9]+" if digits else r"[\u3400-\u9fffa-z]+", folded)
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)} - QUESTION_BIGRAMS
