"""Off-platform contact details: found through variant spellings, and redacted for logs.

Shared by the guard (the host must never steer viewers off the platform) and by chat
understanding (viewers who post contacts are spam; their details never reach logs or air).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text_variants import View, compact, digits_view, normalize, syllables

PLACEHOLDERS = {
    "phone": "[电话]", "wechat": "[微信]", "qq": "[QQ]", "url": "[链接]", "email": "[邮箱]",
    "id_card": "[证件号]",
}

# Markers that announce a WeChat ID, read on the compact view ("加 V 信" -> "加v信").
_WECHAT_MARKER = (r"(?:(?:加|\+|jia)(?:vx|v信|v(?!ip)|微信|微|薇信|薇|威信|威|wx|weixin|wei)"
                  r"|微信|薇信|威信|维信|徽信|危信|v信|vx|wx|weixin|wechat|weixing|v号)")
_QQ_MARKER = r"(?:qq|扣扣|企鹅号|q号|qq号|koukou)"
_ID_FILLER = r"(?:号码|号|是|为|id|:)*"
# A WeChat ID: 6-20 letters, digits, _ or -, starting with a letter; or 5+ digits (often a phone).
_ID = r"([a-z][a-z0-9_-]{5,19}|[0-9][0-9_-]{4,19})"

_WECHAT_ID_RE = re.compile(_WECHAT_MARKER + _ID_FILLER + _ID)
_QQ_ID_RE = re.compile(_QQ_MARKER + _ID_FILLER + r"([0-9]{5,11})")
_WECHAT_MARKER_RE = re.compile(_WECHAT_MARKER)
# "qq" alone is also a brand (QQ糖); as a contact it comes with 加, 号/群 or a number (see _QQ_ID_RE).
_QQ_MARKER_RE = re.compile(r"(?:加|\+)qq|(?<![a-z])qq(?:号|群)|扣扣|企鹅号|koukou")
# "微信支付" is a payment method, not a contact.
_NOT_CONTACT_RE = re.compile(r"微信支付|微信扫码支付|微信小程序|支持微信")

_PHONE_RE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")
_ID_CARD_RE = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                         r"[0-9]{3}[0-9x](?![0-9])")
_EMAIL_RE = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_URL_RE = re.compile(r"(?:https?://|www[.。])[^\s\u4e00-\u9fff，。！？]+"
                     r"|(?<![a-z0-9@.])[a-z0-9-]+(?:[.。][a-z0-9-]+)*[.。]"
                     r"(?:com|cn|net|org|top|vip|cc|xyz|io|me|shop|info|link|club|site|tk|ly)"
                     r"(?![a-z])(?:/[^\s\u4e00-\u9fff]*)?")

# Homophones of 微/薇 that look or sound like the WeChat brand; with 信/芯/心/欣/鑫 after them.
_WEI_VISUAL = frozenset("微薇威维徽危巍")
_XIN_CHARS = frozenset("信芯心欣鑫新星")
# 加 before these is ordinary language (更加为您, 加味, 加位置), not 加微.
_WEI_COMMON_WORDS = frozenset("为味位未卫围胃尾喂")


_DIGITISH = frozenset("0123456789零〇一幺壹二两贰三叁四肆五伍六陆七柒拐八捌九玖")


@dataclass(frozen=True)
class ContactMatch:
    kind: str  # phone | wechat | qq | url | email | id_card | wechat_marker | qq_marker
    start: int  # span in the original text
    end: int

    @property
    def redactable(self) -> bool:
        return self.kind in PLACEHOLDERS


def _matches(view: View, regex: re.Pattern, kind: str, group: int = 0) -> list[ContactMatch]:
    found = []
    for m in regex.finditer(view.text):
        start, end = view.span_in_original(m.start(group), m.end(group))
        found.append(ContactMatch(kind, start, end))
    return found


def _homophone_wechat(view: View) -> list[ContactMatch]:
    """wei+xin in any characters, when it reads as WeChat: after 加, with an ID after it, or in
    characters that look like the brand; and 加 before any wei (加伟, 加为). "这位新来的" and the
    name "家伟" stay innocent."""
    sounds = syllables(view)
    text = view.text
    found = []
    for i in range(len(sounds) - 1):
        if sounds[i] != "wei" or not (sounds[i + 1] in ("xin", "xing") or text[i + 1] == "v"):
            continue
        after_jia = i > 0 and text[i - 1] in "加+"
        looks_like = text[i] in _WEI_VISUAL and text[i + 1] in _XIN_CHARS
        id_follows = re.match(_ID_FILLER + _ID, text[i + 2:]) is not None
        if after_jia or looks_like or id_follows:
            start, end = view.span_in_original(i, i + 2)
            found.append(ContactMatch("wechat_marker", start, end))
    for i in range(len(sounds) - 1):
        if text[i] in "加+" and sounds[i + 1] == "wei" and text[i + 1] not in _WEI_COMMON_WORDS:
            start, end = view.span_in_original(i, i + 2)
            found.append(ContactMatch("wechat_marker", start, end))
    return found


def find_contacts(text: str, view: View | None = None, tight: View | None = None) -> tuple[ContactMatch, ...]:
    """Every contact detail or contact marker in `text`, in order of position. Callers that
    already folded the text pass `view` (normalize) and `tight` (compact of it)."""
    view = view or normalize(text)
    tight = tight or compact(view)
    # Phones, QQ and ID numbers need at least five digits; most chat has none, so skip the view.
    digits = digits_view(tight) if sum(map(_DIGITISH.__contains__, tight.text)) >= 5 else tight
    found: list[ContactMatch] = []
    found += _matches(view, _EMAIL_RE, "email")
    found += _matches(view, _URL_RE, "url")
    found += _matches(digits, _ID_CARD_RE, "id_card")
    found += _matches(digits, _PHONE_RE, "phone")
    found += _matches(digits, _WECHAT_ID_RE, "wechat", group=1)
    found += _matches(digits, _QQ_ID_RE, "qq", group=1)
    if not _NOT_CONTACT_RE.search(tight.text):
        found += _matches(tight, _WECHAT_MARKER_RE, "wechat_marker")
        found += _homophone_wechat(tight)
    found += _matches(tight, _QQ_MARKER_RE, "qq_marker")
    # An e-mail's domain is not a separate link.
    emails = [m for m in found if m.kind == "email"]
    found = [m for m in found if not (m.kind == "url" and any(e.start <= m.start < e.end for e in emails))]
    return tuple(sorted(set(found), key=lambda m: (m.start, -m.end)))


def redact(text: str, matches: tuple[ContactMatch, ...] | None = None) -> str:
    """`text` with phone numbers, WeChat/QQ IDs, ID card numbers, e-mails and links replaced by
    placeholders such as [电话]; for logs and reports. Contact markers alone stay readable.
    `matches` are find_contacts(text) when the caller has them already."""
    found = find_contacts(text) if matches is None else matches
    spans = [m for m in found if m.redactable]
    merged: list[ContactMatch] = []
    for m in sorted(spans, key=lambda m: (m.start, -(m.end - m.start))):
        if merged and m.start < merged[-1].end:
            if m.end > merged[-1].end:
                last = merged[-1]
                merged[-1] = ContactMatch(last.kind, last.start, m.end)
            continue
        merged.append(m)
    out = text
    for m in reversed(merged):
        out = out[:m.start] + PLACEHOLDERS[m.kind] + out[m.end:]
    return out
