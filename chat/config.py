"""Which chat sources a show reads, from its config (`chat: {source: bilibili, room_id: ...}`) or CLI.

Pure parsing into typed specs; credentials are read here, from the environment or files only
(a key that would hold a secret itself is refused by name). A problem raises `SourceConfigError`
naming the key (`chat.sources[1].room_id: ...`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bilibili import ROUTES, BilibiliSettings
from .credentials import CredentialError, Secret, optional_secret, read_secret
from .douyin import DouyinSettings
from .webhook import WebhookSettings

KINDS = ("websocket", "bilibili", "douyin", "webhook")
ENV = {  # default environment variables for each credential
    "cookie": "LIVEHOST_BILI_COOKIE",
    "access_key_id": "LIVEHOST_BILI_ACCESS_KEY_ID",
    "access_key_secret": "LIVEHOST_BILI_ACCESS_KEY_SECRET",
    "auth_code": "LIVEHOST_BILI_AUTH_CODE",
    "douyin_secret": "LIVEHOST_DOUYIN_SECRET",
    "webhook_secret": "LIVEHOST_WEBHOOK_SECRET",
}
_COMMON = {"source", "rate", "burst"}
_KEYS = {
    "websocket": set(),
    "bilibili": {"room_id", "route", "url", "app_id", "cookie_env", "cookie_file", "access_key_id_env",
                 "access_key_id_file", "access_key_secret_env", "access_key_secret_file", "auth_code_env",
                 "auth_code_file"},
    "douyin": {"room_id", "listen", "path", "secret_env", "secret_file", "gift_names"},
    "webhook": {"listen", "path", "secret_env", "secret_file", "name"},
}
_SECRET_KEYS = {"cookie", "secret", "access_key_secret", "auth_code", "access_key_id", "token"}


class SourceConfigError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    settings: Any = None  # BilibiliSettings | DouyinSettings | WebhookSettings | None (websocket)
    rate: float = 200.0  # events/s this source may put into the show (the room's own limit applies too)
    burst: float = 400.0
    secrets: tuple[Secret, ...] = field(default=(), repr=False)  # for the log scrubber


def parse_sources(chat: dict, where: str = "chat", base: Path = Path(".")) -> tuple[SourceSpec, ...]:
    """The sources in a show config's `chat` mapping: `source: KIND` with its keys beside it, or
    `source:` / `sources:` holding a list of mappings. None given: the websocket alone."""
    if "sources" in chat and "source" in chat:
        raise SourceConfigError(f"{where}.sources", "give either source or sources, not both")
    raw = chat.get("sources", chat.get("source"))
    if raw is None:
        return (SourceSpec("websocket"),)
    if isinstance(raw, str):
        own = {k: v for k, v in chat.items() if k in source_keys(raw) or k in _SECRET_KEYS}
        return (parse_source(own, where, base),)
    key = f"{where}.{'sources' if 'sources' in chat else 'source'}"
    if not isinstance(raw, list) or not raw:
        raise SourceConfigError(key, "must be a source name or a non-empty list of {source: ..., ...}")
    return tuple(parse_source(item, f"{key}[{i}]", base) for i, item in enumerate(raw))


def source_keys(kind: str) -> set[str]:
    """Keys a `chat:` mapping may hold beside `source: KIND` (a secret's own key is let through to be
    refused with the reason)."""
    return _KEYS.get(kind, set()) | _COMMON | _SECRET_KEYS


def parse_source(item: Any, where: str, base: Path = Path(".")) -> SourceSpec:
    if not isinstance(item, dict):
        raise SourceConfigError(where, "must be a mapping with a 'source'")
    kind = item.get("source")
    if kind not in KINDS:
        raise SourceConfigError(f"{where}.source", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    leaked = sorted(k for k in item if k in _SECRET_KEYS)
    if leaked:
        raise SourceConfigError(f"{where}.{leaked[0]}", f"a secret never goes in the config: use {leaked[0]}_env "
                                                        f"(an environment variable name) or {leaked[0]}_file")
    unknown = sorted(str(k) for k in item if k not in _KEYS[kind] | _COMMON)
    if unknown:
        raise SourceConfigError(f"{where}.{unknown[0]}", f"unknown key for a {kind} source; allowed: "
                                                         f"{', '.join(sorted(_KEYS[kind] | _COMMON))}")
    r = _Reader(item, where, base)
    rate, burst = r.number("rate", 200.0, 0.01, 100_000), r.number("burst", 400.0, 1, 100_000)
    try:
        if kind == "websocket":
            return SourceSpec(kind, None, rate, burst)
        if kind == "bilibili":
            return _bilibili(r, rate, burst)
        if kind == "douyin":
            return _douyin(r, rate, burst)
        return _webhook(r, rate, burst)
    except CredentialError as exc:
        raise SourceConfigError(where, str(exc)) from None


class _Reader:
    def __init__(self, item: dict, where: str, base: Path) -> None:
        self.item, self.where, self.base = item, where, base

    def fail(self, key: str, message: str) -> SourceConfigError:
        return SourceConfigError(f"{self.where}.{key}", message)

    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.item.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(key, "must be a non-empty string")
        return value.strip() if isinstance(value, str) else value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self.item.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(key, f"must be a number in {low:g}..{high:g}, got {value!r}")
        return float(value)

    def path(self, key: str) -> str | None:
        value = self.string(key)
        return None if value is None else str(value if os.path.isabs(value) else self.base / value)

    def listen(self, default_port: int) -> tuple[str, int]:
        value = self.item.get("listen", f"127.0.0.1:{default_port}")
        host, sep, port = str(value).rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise self.fail("listen", f"must be HOST:PORT (port 0..65535), got {value!r}")
        return host.strip("[]"), int(port)

    def url_path(self, default: str) -> str:
        value = self.string("path", default)
        if not value.startswith("/"):
            raise self.fail("path", f"must start with /, got {value!r}")
        return value

    def secret(self, name: str, what: str, default_env: str, required: bool = True) -> Secret | None:
        env = self.string(f"{name}_env", default_env)
        file = self.path(f"{name}_file")
        if required:
            return read_secret(f"{what} ({self.where}.{name}_env or {name}_file)", env, file)
        return optional_secret(f"{what} ({self.where}.{name}_file)", env, file)


def _secrets(*values: Secret | None) -> tuple[Secret, ...]:
    return tuple(v for v in values if v is not None)


def _bilibili(r: _Reader, rate: float, burst: float) -> SourceSpec:
    route = r.string("route", "web")
    if route not in ROUTES:
        raise r.fail("route", f"must be one of {', '.join(ROUTES)}, got {route!r}")
    url = r.string("url")
    if url is not None and not url.startswith(("ws://", "wss://")):
        raise r.fail("url", f"must be a ws:// or wss:// URL, got {url!r}")
    room = r.item.get("room_id", 0 if route == "open" else None)
    if isinstance(room, bool) or not isinstance(room, int) or room < 0 or (route == "web" and room == 0):
        raise r.fail("room_id", f"must be the room number from the room's address (live.bilibili.com/N), got {room!r}")
    if route == "web":
        cookie = r.secret("cookie", "Bilibili cookie", ENV["cookie"], required=False)
        settings = BilibiliSettings(room_id=room, route="web", url=url, cookie=cookie)
        return SourceSpec("bilibili", settings, rate, burst, _secrets(cookie))
    app_id = r.item.get("app_id")
    if isinstance(app_id, bool) or not isinstance(app_id, int) or app_id <= 0:
        raise r.fail("app_id", f"the open platform's project id (a positive number) is required, got {app_id!r}")
    key_id = r.secret("access_key_id", "Bilibili access key id", ENV["access_key_id"])
    key_secret = r.secret("access_key_secret", "Bilibili access key secret", ENV["access_key_secret"])
    code = r.secret("auth_code", "the streamer's 身份码", ENV["auth_code"])
    settings = BilibiliSettings(room_id=room, route="open", url=url, app_id=app_id, access_key_id=key_id,
                                access_key_secret=key_secret, auth_code=code)
    return SourceSpec("bilibili", settings, rate, burst, _secrets(key_id, key_secret, code))


def _douyin(r: _Reader, rate: float, burst: float) -> SourceSpec:
    room = r.item.get("room_id", "")
    if isinstance(room, bool) or not isinstance(room, (int, str)):
        raise r.fail("room_id", f"must be the Douyin room id, got {room!r}")
    names = r.item.get("gift_names") or {}
    if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise r.fail("gift_names", "must map sec_gift_id strings to the gift's name")
    host, port = r.listen(8766)
    secret = r.secret("secret", "Douyin push secret", ENV["douyin_secret"])
    settings = DouyinSettings(secret=secret, room_id=str(room).strip(), host=host, port=port,
                              path=r.url_path("/douyin/live"), gift_names=dict(names))
    return SourceSpec("douyin", settings, rate, burst, _secrets(secret))


def _webhook(r: _Reader, rate: float, burst: float) -> SourceSpec:
    host, port = r.listen(8767)
    secret = r.secret("secret", "webhook secret", ENV["webhook_secret"])
    if len(secret.value) < 16:
        raise r.fail("secret_env", f"the webhook secret from {secret.source} is shorter than 16 characters")
    settings = WebhookSettings(secret=secret, host=host, port=port, path=r.url_path("/chat"),
                               name=r.string("name", "webhook"))
    return SourceSpec("webhook", settings, rate, burst, _secrets(secret))
