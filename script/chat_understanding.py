"""What a viewer's chat event is: question, greeting, gift, spam, abuse or other (the replay
report's `kind`), with flags and a redacted copy of its text for logs.

Pure and fast (well under 0.5 ms a message): the text is folded once (full-width, case,
traditional forms, separators; see text_variants) and read by precompiled expressions.

Decisions:
- Prompt injection ("忽略之前的指令", "ignore previous instructions", "你现在是一个...") is
  flagged `injection` and classed **spam**: the host stays silent and the text never reaches
  a writer, an answer model or the air, even when it is phrased as a question.
- Contact details, links, ads and floods (one character 8+ times, a short unit 5+ times)
  are spam; contact details are redacted in `redacted_text`.
- "你是真人吗" and its variants are questions with the flag `asks_if_human`: the host answers
  honestly that it is an AI.
- Abuse wins over question; spam wins over abuse (an insult carrying an ad is an ad).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from .chat import ChatEvent
from .contact import find_contacts, redact
from .dialect import to_mandarin  # noqa: F401  (redact is part of this module's API)
from .text_variants import View, compact, normalize, syllable

KINDS = ("question", "greeting", "gift", "spam", "abuse", "other")
FLAGS = ("contact_info", "link", "ad", "repeated", "abusive", "injection", "asks_if_human",
         "wants_purchase")


@dataclass(frozen=True)
class ChatReading:
    kind: str  # one of KINDS
    flags: frozenset[str]  # subset of FLAGS
    redacted_text: str  # the text with contact details replaced by [电话], [微信], ...
    plain_text: str = ""  # the text as plain Mandarin (dialect and shorthand rewritten), to answer from

    @property
    def answerable(self) -> bool:
        """A question the host may answer on air (never an injection attempt)."""
        return self.kind == "question" and "injection" not in self.flags


@dataclass(frozen=True)
class ChatLexicon:
    """Word lists and expressions, read on the folded compact text (lower case, no spaces or
    punctuation). A merchant extends them with `lexicon_from_data`."""

    abuse: tuple[str, ...] = (
        "傻逼", "傻b", "傻x", "煞笔", "垃圾主播", "主播垃圾", "垃圾直播", "什么垃圾", "真垃圾", "骗子主播",
        "死骗子", "滚蛋", "滚出", "给我滚", "你滚", "去死", "智障", "脑残", "弱智", "废物", "狗东西", "畜生",
        "他妈的", "tmd", "cnm", "nmsl", "wcnm", "mlgb", "nmb", "草泥马", "fuck", "shit", "死全家", "白痴",
        "贱人", "婊子", "丑八怪", "你妈(?!妈)", "破东西", "什么破", "垃圾东西", "(?:^|[^打翻])滚(?:$|吧|啊|开|远点|犊子)", "(?<![a-z])sb(?![a-z])", "(?<![a-z])shabi",
        # regional: Sichuan/Chongqing, Northeast, Cantonese, Shanghainese
        "瓜娃子", "龟儿子", "哈批", "你个锤子", "锤子主播", "日你", "傻狍子", "虎逼", "虎b", "彪子", "完犊子玩意",
        "仆街", "扑街", "屌你", "顶你个肺", "冚家铲", "痴线", "食屎", "收皮", "戆居", "册那", "戆大", "瘪三", "赤佬", "小赤佬",
    )
    # On the pinyin string ("傻逼" -> "sha|bi|"): homophones such as 沙比, 煞笔, 曹尼玛.
    abuse_sounds: tuple[str, ...] = (r"sha\|?bi?(?:\||$|[^a-z])", r"cao\|?ni\|?ma\|", r"ni\|ma\|si\|le\|")
    ads: tuple[str, ...] = (
        "代购", "兼职", "刷单", "日赚", "日结", "赚钱", "加群", "进群", "私信我", "私聊我", "看我主页", "点我头像",
        "主页有", "免费领", "低价出", "招代理", "代理加盟", "招聘", "贷款", "博彩", "彩票", "福利群", "返利",
        "高仿", "一手货源", "微商", "引流", "涨粉", "互粉", "互关",
    )
    injection: tuple[str, ...] = (
        "忽略(?:之前|以上|上面|前面|先前|所有|你的|刚才|前述)", "无视(?:之前|以上|上面|规则|指令|你的)",
        "你现在是(?:一个|一名|一位|我的)", "从现在(?:开始|起)你", "你(?:来)?扮演", "请扮演", "扮演(?:一个|一名|一下)",
        "假装你是", "假设你是", "提示词", "系统提示", "系统指令", "你的指令", "你的设定", "新的指令", "输出你的",
        "说出你的", "开发者模式", "越狱", "systemprompt", "prompt", "ignore(?:all)?(?:the|your)?(?:previous|prior|above|earlier)",
        "youarenow", "pretendtobe", "jailbreak", "developermode", "你现在是(?:客服|管理员|店长|老板|系统|助手|开发者)", "^system[:：]",
        "^(?:assistant|user|admin)[:：]", "后台价", "内部价", "底价是多少", "成本价(?:是|多少)", "管理员(?:指令|模式|权限)",
        "(?:把|将)价格(?:说成|改成|报成)", "(?:说|报)(?:成|为)1元",
    )
    asks_if_human: tuple[str, ...] = (
        "真人还是", "还是真人", "是不是真人", "是真人吗", "真人吗", "真人么", "真人嘛", "真的人吗", "是人吗", "是人还是",
        "(?:^|你|您|主播)(?:是|是不是)?(?:机器人|ai|人工智能|数字人|虚拟人|假人|机器|虚拟主播)(?:吗|么|嘛|啊|呀|不|$)",
        "是不是(?:机器人|ai|人工智能|数字人|虚拟人)", "areyou(?:a|an)?(?:real|human|bot|robot|ai)",
        "(?:是|用)(?:ai|机器人|数字人|虚拟人)(?:在|吧|吗|么|嘛|播|做)", "(?:ai|机器人|数字人)(?:在播|直播吗|主播吗)",
        "录播", "录好的", "提前录", "录的吧", "录的吗", "是录的", "放录像", "放录音", "是回放", "真人在播", "有真人吗",
        "是不是虚拟", "是虚拟的", "(?<![a-z])(?:ro)?bot(?![a-z])", "(?:isthis|areyou)a?(?:ro)?bot", "recording", "realperson", "realhuman",
        "ishuman", "真人主播吗", "^(?:你|您|主播)?(?:是)?真人(?:啊|呀|么|吗|\\?)*$", "是程序", "人工智能吗", "假主播", "真人(?:吗|吧|么|嘛|不|没|还是|在|主播|直播|说话)",
        "(?:是|用)?(?:ai|人工智能|机器|电脑|程序|软件)(?:合成|生成|做的|配音|声音|说话|念的|读的)", "合成的(?:声音|人|吧|吗)",
        "(?:有|是)(?:人|活人)(?:在|吗|吧|么)", "人在(?:吗|不|播)", "(?:^|是|你)(?:ai|bot|robot)(?:吧|吗|么|\\?|$)",
        "robot", "(?:^|你|主播)(?:是)?机器(?:吧|吗|么|人)", "数字人(?:吧|吗|么|主播)", "虚拟(?:人|主播|的|吧|吗)", "录(?:的|好)(?:吧|吗|么|的)",
        "(?:isthis|areyou|youare|ru|areu)a?n?(?:real|human|bot|robot|ai|person|live|recording|recorded)(?![a-z])", "realorai|humanorai", "真的还是假的人", "主播是真的吗",
        "(?:ru|areu|areyou)(?:a)?(?:real|human|bot|robot|ai)", "(?:是不是|是)(?:机器|电脑|程序|ai)(?:在|说|念|回)", "chatgpt|gpt|大模型", "zhenren|jiqiren|shuziren|xuniren|rengongzhineng|lubo", "本人出镜|真人出镜|是本人|本人吗|真人出境",
        "(?:主播|你)(?:是)?(?:个|一个)?(?:程序|软件|机器|ai)(?:吧|吗|么|\\?|$)", "(?:^|主播|你)(?:是)?真的(?:吗|么|吧)$",
        "主播(?:是不是|是)假的", "真人来的", "不是人", "是不是人", "是人工(?:在|回|吗)", "^ai主播", "(?:会|不会)累吗",
        "(?:声音|长得|说话).{0,3}(?:像|好像)(?:机器|ai|假人|机器人)", "你是谁$",
    )
    questions: tuple[str, ...] = (
        "吗", "呢", "多少", "怎么", "什么", "啥", "几", "哪", "如何", "咋", "能不能", "可不可以", "有没有", "是不是",
        "请问", "(?<!不)(.)[不没]\\1", "[不没否]$", "没有$", "多[久重大长宽高厚远沉]", "还是", "是否",
        "jg(?:$|[^a-z])", "howmuch", "price", "推荐", "多钱", "几块", "啥价", "带啥", "带什么",
        "对吧", "是吧", "有吧", "的吧$", "价格", "价钱", "几点", "哪双", "哪款", "有[^，,。 ]{1,8}[不没](?=\\s|，|,|$)",
        "能(?:治|降|缓解|改善|预防)", "咋", "啥", "么$", "保证", "好得快", "刚说", "听到了", "吧$", "没事吧",
        "[0-9]+(?:元|块)?(?:是吧|对吧|吧)", "记得是", "说好的", "不是说", "刚才说", "满[0-9]+减[0-9]+", "买[一二两三1-3]送[一二两三1-3]", "号链接", "穿[^了过]{0,2}码",
        "[0-9]{3}(?:cm)?.{0,4}[0-9]{2,3}(?:斤|kg|公斤)", "(?:上次|之前|昨天|以前|前几天|双十一|双11|别家|外面|官网|说好的).{0,10}[0-9]+",
        # A price the viewer heard elsewhere is a claim to answer ("朋友说...才卖29.9", "上回69买的").
        "(?:才|只要|只卖|就卖)[0-9]+", "(?:上周|上回|上个月|群里|朋友|隔壁|屏幕|写的|写着|别人).{0,12}[0-9]+",
        "真的假的", "真的吗", "duoshao", "duoshaoqian", "想给.{1,6}买", "预算\\d+",
        # A wish or a budget asks for a suggestion: "想要个显白的色", "地铁太吵 想要安静点的", "50块以内".
        "想要(?:个|一个|一款|.{1,6}的)", "[0-9]+(?:块|元)?(?:以内|以下|之内)",
        # Sichuan and Chongqing end a question with 嘛 and check a figure with 哦: "是真的嘛", "家庭装59块哦".
        "(?<!要得)(?<!好)(?<!行)(?<!算了)嘛[?？!！~。]*$", "求链接", "链接呢", "[发给上]个?链接", "[0-9](?:块|元|折)?哦[?？!！~。]*$", "对不$", "对不对",
        "^(?:isthis|isit|isthere|arethere|arethey|doesit|doesthis|doyou|canit|cani|canyou|willit|how|what(?!ever)|which|where|"
        "when|why)",
    )
    greetings: tuple[str, ...] = (
        "主播好", "大家好", "你好", "您好", "晚上好", "早上好", "早安", "中午好", "下午好", "哈喽", "hello",
        "(?<![a-z])hi(?![a-z])", "嗨", "来了", "来啦", "报到", "打卡", "又来了",
    )
    wants_purchase: tuple[str, ...] = (
        "想要", "我要", "要一个", "要两", "怎么买", "怎么下单", "怎么拍", "拍了", "已拍", "下单", "买了", "上链接",
        "求链接", "链接在哪", "哪里买", "在哪买", "来一单", "(?<!扣)扣1+(?![0-9])", "拍一",
    )
    repeated: tuple[str, ...] = (r"(.)\1{7,}", r"(.{2,4})\1{4,}")


DEFAULT_LEXICON = ChatLexicon()
_LEXICON_FIELDS = tuple(ChatLexicon.__dataclass_fields__)


class ChatLexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the source and field."""


def lexicon_from_data(data: Any, source: str = "<lexicon>", base: ChatLexicon = DEFAULT_LEXICON) -> ChatLexicon:
    """`base` with the lists in `data` ({abuse: [...], ads: [...], ...}) appended."""
    if not isinstance(data, Mapping):
        raise ChatLexiconError(f"{source}: top level must be a mapping of list name to words")
    extra: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        if key not in _LEXICON_FIELDS:
            raise ChatLexiconError(f"{source}: unknown list {key!r}; expected one of {', '.join(_LEXICON_FIELDS)}")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ChatLexiconError(f"{source}: {key} must be a list of text")
        for v in value:
            try:
                re.compile(v)
            except re.error as exc:
                raise ChatLexiconError(f"{source}: {key}: bad expression {v!r}: {exc}") from None
        extra[key] = getattr(base, key) + tuple(v.lower() for v in value)
    return replace(base, **extra)


_BACKREFERENCE = re.compile(r"\\[1-9]")


class _Matcher:
    """Words as one alternation; entries with back-references (\\1) stay separate, since
    numbering groups across an alternation would make them point at the wrong group."""

    def __init__(self, words: tuple[str, ...]) -> None:
        plain = [w for w in words if not _BACKREFERENCE.search(w)]
        self._patterns = [re.compile("|".join(f"(?:{w})" for w in plain))] if plain else []
        self._patterns += [re.compile(w) for w in words if _BACKREFERENCE.search(w)]

    def search(self, text: str) -> bool:
        return any(p.search(text) for p in self._patterns)


class ChatUnderstanding:
    def __init__(self, lexicon: ChatLexicon = DEFAULT_LEXICON) -> None:
        self.lexicon = lexicon
        self._re = {name: _Matcher(getattr(lexicon, name)) for name in _LEXICON_FIELDS}

    def read_text(self, text: str) -> ChatReading:
        """Classify a comment's text."""
        view = normalize(text)
        tight = compact(view)
        folded = tight.text
        plain = to_mandarin(text)
        # Read as typed (contacts, ads, abuse hide in the raw form) and as plain Mandarin ("系唔系真人").
        plain_folded = compact(normalize(plain)).text if plain != text else folded
        contacts = find_contacts(text, view, tight)
        flags: set[str] = set()
        if contacts:
            flags.add("contact_info")
            if any(m.kind == "url" for m in contacts):
                flags.add("link")
        checks = (("ad", "ads"), ("repeated", "repeated"), ("injection", "injection"),
                  ("asks_if_human", "asks_if_human"), ("wants_purchase", "wants_purchase"))
        for flag, name in checks:
            if self._re[name].search(folded) or self._re[name].search(plain_folded):
                flags.add(flag)
        if self._re["abuse"].search(folded) or self._abusive_sound(tight):
            flags.add("abusive")
        # Clauses are read apart too: "还有不 我190" ends its question before the space.
        clauses = (compact(normalize(c)).text for c in re.split(r"[\s,，。!！~～;；]+", plain) if c)
        question = "?" in view.text or self._re["questions"].search(plain_folded) or \
            any(self._re["questions"].search(c) for c in clauses)
        if flags & {"contact_info", "link", "ad", "repeated", "injection"}:
            kind = "spam"
        elif "abusive" in flags:
            kind = "abuse"
        elif "asks_if_human" in flags or question:
            kind = "question"
        elif self._re["greetings"].search(folded):
            kind = "greeting"
        else:
            kind = "other"
        return ChatReading(kind, frozenset(flags), redact(text, contacts), plain)

    def _abusive_sound(self, tight: View) -> bool:
        if tight.text.isascii():
            return False
        sounds = "".join(s + "|" if (s := syllable(ch)) else ch for ch in tight.text)
        return self._re["abuse_sounds"].search(sounds)

    def classify(self, event: ChatEvent) -> ChatReading:
        if event.type == "gift":
            return ChatReading("gift", frozenset(), redact(event.text))
        if event.type in ("enter", "follow"):
            return ChatReading("greeting", frozenset(), redact(event.text))
        if event.type == "like" or not event.text.strip():
            return ChatReading("other", frozenset(), redact(event.text))
        return self.read_text(event.text)


_DEFAULT = ChatUnderstanding()


def classify(event: ChatEvent, understanding: ChatUnderstanding | None = None) -> ChatReading:
    """The reading of one chat event with the default lexicon (or a merchant's)."""
    return (understanding or _DEFAULT).classify(event)


def classify_text(text: str) -> ChatReading:
    """The reading of a comment's text with the default lexicon."""
    return _DEFAULT.read_text(text)
