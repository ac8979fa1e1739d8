"""WBI signing for Bilibili's web API (getDanmuInfo refuses unsigned requests with code -352).

The algorithm as documented by bilibili-API-collect (docs/misc/sign/wbi.md): two keys, the file
name stems of the nav API's `wbi_img` urls, are shuffled by a fixed 64-entry table into a 32-char
mixin key; a request adds `wts` (unix seconds), sorts its parameters by name, strips !'()* from
values, percent-encodes (upper-case hex, space as %20) and appends `w_rid` = md5(query + mixin key).
The keys are site-wide and change daily: `WbiKeys` caches them, refetched after a day or when a
signed request is refused.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import quote, urlencode

from .bilibili_auth import USER_AGENT, HttpJson

NAV_API = "https://api.bilibili.com"
REFUSED_UNSIGNED = -352  # the web API's risk-control refusal, also given for a stale key
KEY_MAX_AGE_S = 24 * 3600.0

# The published permutation (bilibili-API-collect docs/misc/sign/wbi.md, MIXIN_KEY_ENC_TAB).
MIXIN_KEY_ENC_TAB = (
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49,
    33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40,
    61, 26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11,
    36, 20, 34, 44, 52,
)
_STRIPPED = str.maketrans("", "", "!'()*")


def nav_url(api: str = NAV_API) -> str:
    return f"{api}/x/web-interface/nav"


def key_from_url(url: object) -> str:
    """`https://i0.hdslb.com/bfs/wbi/7cd0….png` -> `7cd0…` (the url is a disguised key, never fetched)."""
    if not isinstance(url, str):
        raise ConnectionError("nav: wbi_img url is not a string")
    return url.rsplit("/", 1)[-1].split(".", 1)[0]


def mixin_key(img_key: str, sub_key: str) -> str:
    raw = img_key + sub_key
    if len(raw) <= max(MIXIN_KEY_ENC_TAB):
        raise ConnectionError(f"nav: wbi keys too short ({len(raw)} characters, need 64)")
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB)[:32]


def keys_from_nav(reply: dict) -> tuple[str, str]:
    # A logged-out nav reply is code -101 and still carries the keys: the code is not checked.
    data = reply.get("data")
    images = data.get("wbi_img") if isinstance(data, dict) else None
    if not isinstance(images, dict):
        raise ConnectionError("nav: reply has no data.wbi_img")
    return key_from_url(images.get("img_url")), key_from_url(images.get("sub_url"))


def encode_query(params: Mapping[str, object]) -> str:
    """Sorted by name, !'()* stripped from values, percent-encoded as encodeURIComponent does."""
    items = sorted((str(k), str(v).translate(_STRIPPED)) for k, v in params.items())
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def sign(params: Mapping[str, object], mixin: str, wts: int) -> str:
    """The query string to send: the parameters and `wts`, then `w_rid`."""
    query = encode_query({**params, "wts": wts})
    return f"{query}&{urlencode({'w_rid': hashlib.md5((query + mixin).encode('utf-8')).hexdigest()})}"


@dataclass(frozen=True)
class CachedKey:
    mixin: str
    fetched_at: float  # wall-clock seconds


class WbiKeys:
    """The current mixin key, fetched from the nav API on first use, after a day, or after `forget()`."""

    def __init__(self, http: HttpJson, wall_clock: Callable[[], float], api: str = NAV_API) -> None:
        self._http = http
        self._wall_clock = wall_clock
        self._api = api
        self._cached: CachedKey | None = None
        self.fetches = 0

    def forget(self) -> None:
        self._cached = None

    async def mixin(self) -> str:
        now = self._wall_clock()
        cached = self._cached
        if cached is None or not 0 <= now - cached.fetched_at < KEY_MAX_AGE_S:
            # No cookie: the keys are the same for everyone, so the secret need not travel here.
            headers = {"User-Agent": USER_AGENT, "Referer": "https://www.bilibili.com/"}
            reply = await self._http("GET", nav_url(self._api), headers, None)
            self.fetches += 1
            cached = self._cached = CachedKey(mixin_key(*keys_from_nav(reply)), now)
        return cached.mixin

    async def signed(self, params: Mapping[str, object]) -> str:
        return sign(params, await self.mixin(), int(self._wall_clock()))
