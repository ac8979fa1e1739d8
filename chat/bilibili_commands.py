"""Bilibili live commands (the JSON in a COMMAND packet) mapped to platform events. Pure.

Two dialects arrive over the same wire: the web room's (DANMU_MSG, SEND_GIFT, INTERACT_WORD and
its protobuf successor INTERACT_WORD_V2, LIKE_INFO_V3_CLICK, SUPER_CHAT_MESSAGE) and the open platform's (LIVE_OPEN_PLATFORM_*), which
carries an `open_id` per app instead of a uid and a `msg_id` on every message.

A super chat is a paid comment: it becomes a comment, so the host reads and answers it.
"""
from __future__ import annotations

import base64
import hashlib
import json

from .bilibili_pb import decode_interact_word_v2
from .events import PlatformEvent, pseudonym, visible_nick

PLATFORM = "bilibili"
# Room state, rankings, banners and the like: known, not viewer actions, skipped without a word.
IGNORED = frozenset({
    "ONLINE_RANK_COUNT", "ONLINE_RANK_V2", "ONLINE_RANK_TOP3", "WATCHED_CHANGE", "STOP_LIVE_ROOM_LIST",
    "ROOM_REAL_TIME_MESSAGE_UPDATE", "ENTRY_EFFECT", "COMBO_SEND", "LIKE_INFO_V3_UPDATE", "NOTICE_MSG",
    "WIDGET_BANNER", "HOT_RANK_CHANGED", "HOT_RANK_CHANGED_V2", "ROOM_CHANGE", "PREPARING", "LIVE",
    "SUPER_CHAT_MESSAGE_JPN", "SUPER_CHAT_MESSAGE_DELETE", "GUARD_BUY", "USER_TOAST_MSG", "DM_INTERACTION",
    "POPULARITY_RED_POCKET_START", "LIVE_INTERACTIVE_GAME", "ONLINE_RANK_V3",
    "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL", "LIVE_OPEN_PLATFORM_LIVE_START", "LIVE_OPEN_PLATFORM_LIVE_END",
    "LIVE_OPEN_PLATFORM_INTERACTION_END",
})
_GUARDS = {1: "总督", 2: "提督", 3: "舰长"}
_INTERACT = {1: "enter", 2: "follow", 4: "follow", 5: "follow"}  # 3 is a share: not a contract event


class CommandError(ValueError):
    """A command that cannot be read; `kind` is stable (for logging once per kind)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}{': ' + detail if detail else ''}")
        self.kind = kind


def command_name(command: object) -> str:
    if not isinstance(command, dict) or not isinstance(command.get("cmd"), str):
        raise CommandError("command without cmd", "not an object with a string 'cmd'")
    return command["cmd"].split(":", 1)[0]  # "DANMU_MSG:4:0:2:2:2:0" is a DANMU_MSG


def to_event(command: object) -> PlatformEvent | None:
    """The viewer action in `command`, None for a known command that is not one; CommandError
    (kind "unknown command NAME" for one never seen before) when it cannot be read."""
    name = command_name(command)
    assert isinstance(command, dict)
    handler = _HANDLERS.get(name)
    if handler is None:
        if name in IGNORED:
            return None
        raise CommandError(f"unknown command {name[:40]}")
    try:
        return handler(command)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, CommandError):
            raise
        raise CommandError(f"malformed {name}", f"{type(exc).__name__}: {exc}"[:200]) from None


def _content_id(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


def _web_user(uid: object, uname: object) -> str:
    # Without a logged-in cookie every uid is 0: the masked name is all that tells viewers apart.
    if isinstance(uid, bool) or not isinstance(uid, (int, str)):
        raise ValueError("uid must be a number")
    return pseudonym(PLATFORM, uid if str(uid) not in ("0", "") else f"masked:{uname}")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    return value


def _danmu(c: dict) -> PlatformEvent | None:
    info = c["info"]
    meta, text, user = info[0], _text(info[1], "info[1]"), info[2]
    uid, uname = user[0], user[1]
    if not text.strip():
        return None
    extra_id = ""
    if len(meta) > 15 and isinstance(meta[15], dict) and isinstance(meta[15].get("extra"), str):
        try:
            extra_id = str(json.loads(meta[15]["extra"]).get("id_str") or "")
        except (ValueError, AttributeError):
            extra_id = ""
    exact = bool(extra_id)
    message_id = f"dm:{extra_id}" if exact else "dm:" + _content_id(meta[4] if len(meta) > 4 else None, uid, uname, text)
    return PlatformEvent(PLATFORM, message_id, "comment", _web_user(uid, uname), visible_nick(uname), text,
                         exact_id=exact)


def _gift(c: dict) -> PlatformEvent:
    d = c["data"]
    tid = d.get("tid") or d.get("rnd")
    name = _text(d["giftName"], "giftName")
    exact = bool(tid)
    message_id = f"gift:{tid}" if exact else "gift:" + _content_id(d.get("uid"), name, d.get("num"), d.get("timestamp"))
    return PlatformEvent(PLATFORM, message_id, "gift", _web_user(d["uid"], d.get("uname")),
                         visible_nick(d.get("uname")), name, exact_id=exact)


def _interact(c: dict) -> PlatformEvent | None:
    d = c["data"]
    return _interaction(d["uid"], d.get("uname"), d["msg_type"], d.get("trigger_time") or d.get("timestamp"))


def _interact_v2(c: dict) -> PlatformEvent | None:
    word = decode_interact_word_v2(base64.b64decode(_text(c["data"]["pb"], "data.pb"), validate=True))
    return _interaction(word.uid, word.uname, word.msg_type, word.trigger_time or word.timestamp or None)


def _interaction(uid: object, uname: object, msg_type: object, when: object) -> PlatformEvent | None:
    # Both dialects make the same id, so an action a room sends both ways is one event.
    kind = _INTERACT.get(msg_type) if isinstance(msg_type, int) else None
    if kind is None:
        return None
    return PlatformEvent(PLATFORM, "iw:" + _content_id(uid, uname, msg_type, when), kind, _web_user(uid, uname),
                         visible_nick(uname), exact_id=when is not None)


def _like(c: dict) -> PlatformEvent:
    d = c["data"]
    return PlatformEvent(PLATFORM, "like:" + _content_id(d["uid"], d.get("uname"), d.get("like_text")), "like",
                         _web_user(d["uid"], d.get("uname")), visible_nick(d.get("uname")), exact_id=False)


def _super_chat(c: dict) -> PlatformEvent:
    d = c["data"]
    uname = (d.get("user_info") or {}).get("uname")
    return PlatformEvent(PLATFORM, f"sc:{d['id']}", "comment", _web_user(d["uid"], uname), visible_nick(uname),
                         _text(d["message"], "message"))


def _open_user(d: dict) -> tuple[str, str]:
    open_id = _text(d["open_id"], "open_id")
    if not open_id:
        raise ValueError("open_id is empty")
    return pseudonym(PLATFORM, f"open:{open_id}"), visible_nick(d.get("uname"))


def _open_id(d: dict, prefix: str, *content: object) -> tuple[str, bool]:
    msg_id = d.get("msg_id")
    if isinstance(msg_id, str) and msg_id:
        return f"{prefix}:{msg_id}", True
    return f"{prefix}:" + _content_id(*content), False


def _open_dm(c: dict) -> PlatformEvent | None:
    d = c["data"]
    if d.get("dm_type") == 1:  # a sticker: its "text" is the sticker's name, not words to answer
        return None
    text = _text(d["msg"], "msg")
    user, nick = _open_user(d)
    message_id, exact = _open_id(d, "odm", d.get("open_id"), d.get("timestamp"), text)
    return PlatformEvent(PLATFORM, message_id, "comment", user, nick, text, exact_id=exact)


def _open_gift(c: dict) -> PlatformEvent:
    d = c["data"]
    user, nick = _open_user(d)
    message_id, exact = _open_id(d, "ogift", d.get("open_id"), d.get("timestamp"), d.get("gift_id"))
    return PlatformEvent(PLATFORM, message_id, "gift", user, nick, _text(d["gift_name"], "gift_name"), exact_id=exact)


def _open_super_chat(c: dict) -> PlatformEvent:
    d = c["data"]
    user, nick = _open_user(d)
    message_id, exact = _open_id(d, "osc", d.get("message_id"))
    return PlatformEvent(PLATFORM, message_id, "comment", user, nick, _text(d["message"], "message"), exact_id=exact)


def _open_like(c: dict) -> PlatformEvent:
    d = c["data"]
    user, nick = _open_user(d)
    message_id, exact = _open_id(d, "olike", d.get("open_id"), d.get("timestamp"), d.get("like_count"))
    return PlatformEvent(PLATFORM, message_id, "like", user, nick, exact_id=exact)


def _open_enter(c: dict) -> PlatformEvent:
    d = c["data"]
    user, nick = _open_user(d)
    message_id, exact = _open_id(d, "oenter", d.get("open_id"), d.get("timestamp"))
    return PlatformEvent(PLATFORM, message_id, "enter", user, nick, exact_id=exact)


def _open_guard(c: dict) -> PlatformEvent:
    d = c["data"]
    user, nick = _open_user(d["user_info"])
    message_id, exact = _open_id(d, "oguard", d["user_info"].get("open_id"), d.get("timestamp"))
    return PlatformEvent(PLATFORM, message_id, "gift", user, nick, _GUARDS.get(d.get("guard_level"), "大航海"),
                         exact_id=exact)


_HANDLERS = {
    "DANMU_MSG": _danmu, "SEND_GIFT": _gift, "INTERACT_WORD": _interact, "INTERACT_WORD_V2": _interact_v2,
    "LIKE_INFO_V3_CLICK": _like,
    "SUPER_CHAT_MESSAGE": _super_chat,
    "LIVE_OPEN_PLATFORM_DM": _open_dm, "LIVE_OPEN_PLATFORM_SEND_GIFT": _open_gift,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT": _open_super_chat, "LIVE_OPEN_PLATFORM_LIKE": _open_like,
    "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": _open_enter, "LIVE_OPEN_PLATFORM_GUARD": _open_guard,
}
