"""`livehost run --config FILE`: one YAML file describing the whole show.

Every key is checked; a bad file is refused before anything starts, with the offending key
named (`show.yaml: outputs[1].url_env: ...`). Stream URLs carry keys, so the file never holds
one: each RTMP output names an environment variable or a file to read it from.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chat.config import SourceConfigError, SourceSpec, parse_sources, source_keys
from script.bounded_input import JsonLimitError, load_yaml

from .admission import ChatLimits
from .fanout import OutputSpec
from .outputs import RTMP_SCHEMES, redact_url


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ShowConfig:
    catalog: str | None = None  # None: the embedded example catalog
    persona: str = "default"
    layout: str = "landscape"
    outputs: tuple[OutputSpec, ...] = ()
    live_view: bool = True
    view_host: str = "127.0.0.1"
    view_port: int = 8080
    console: bool = True
    console_host: str = "127.0.0.1"
    console_allowed_hosts: tuple[str, ...] = ()  # names besides IP addresses and localhost (behind a proxy)
    console_port: int = 8090
    console_token_file: str | None = None
    state_dir: str = ".livehost"
    chat_host: str = "127.0.0.1"
    chat_port: int = 8765
    chat_limits: ChatLimits = field(default_factory=ChatLimits)
    chat_token_file: str | None = None  # or LIVEHOST_CHAT_TOKEN: clients must present it
    chat_sources: tuple[SourceSpec, ...] = (SourceSpec("websocket"),)  # where chat comes from (package chat)
    chat_record: str | None = None  # admitted chat appended to this chat.jsonl, for replay
    stall_s: float = 3.0
    speech_timeout_s: float = 3.0
    log_format: str = "json"
    seconds: float | None = None
    rtmp_urls: tuple[str, ...] = field(default=(), repr=False)  # secrets: never printed


_TOP = {"catalog", "persona", "layout", "outputs", "console", "chat", "supervisor", "logging", "seconds"}
LAYOUTS = ("landscape", "vertical", "landscape_540")  # 1280x720, 720x1280 for phone apps, 960x540 light
_DEFAULT_LIMITS = ChatLimits()
_CHAT_LIMITS = {  # chat.<key>: (default, lowest, highest), messages/s or messages
    "client_rate": (_DEFAULT_LIMITS.client_rate, 0.01, 10_000),
    "client_burst": (_DEFAULT_LIMITS.client_burst, 1, 10_000),
    "room_rate": (_DEFAULT_LIMITS.room_rate, 0.01, 100_000),
    "room_burst": (_DEFAULT_LIMITS.room_burst, 1, 100_000),
}


class _Reader:
    def __init__(self, source: str, base: Path) -> None:
        self.source = source
        self.base = base

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {message}")

    def mapping(self, value: Any, key: str, allowed: set[str]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}" if key else unknown[0],
                            f"unknown key; allowed: {', '.join(sorted(allowed))}")
        return value

    def string(self, data: dict, key: str, where: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(f"{where}{key}", "must be a non-empty string")
        return value

    def path(self, data: dict, key: str, where: str) -> str | None:
        value = self.string(data, key, where)
        return None if value is None else str((self.base / value) if not os.path.isabs(value) else Path(value))

    def port(self, data: dict, key: str, where: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
            raise self.fail(f"{where}{key}", f"must be a port number 0..65535, got {value!r}")
        return value

    def number(self, data: dict, key: str, where: str, default: float | None, low: float, high: float) -> float | None:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(f"{where}{key}", f"must be a number in {low:g}..{high:g}, got {value!r}")
        return float(value)

    def boolean(self, data: dict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{key}", f"must be true or false, got {value!r}")
        return value


def load_show_config(path: str | Path) -> ShowConfig:
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except JsonLimitError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    return parse_show_config(data, str(path), path.resolve().parent)


def parse_show_config(data: Any, source: str = "<config>", base: Path = Path(".")) -> ShowConfig:
    r = _Reader(source, base)
    top = r.mapping(data, "", _TOP)
    layout = r.string(top, "layout", "", "landscape")
    if layout not in LAYOUTS:
        raise r.fail("layout", f"must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    console = r.mapping(top.get("console"), "console",
                        {"enabled", "host", "port", "token_file", "state_dir", "allowed_hosts"})
    allowed_hosts = console.get("allowed_hosts") or []
    if not isinstance(allowed_hosts, list) or not all(isinstance(h, str) and h.strip() for h in allowed_hosts):
        raise r.fail("console.allowed_hosts", "must be a list of host names the console is reached by")
    raw_chat = top.get("chat")
    kind = raw_chat.get("source") if isinstance(raw_chat, dict) else None
    chat = r.mapping(raw_chat, "chat", {"host", "port", "token_file", "record", "source", "sources", *_CHAT_LIMITS,
                                        *(source_keys(kind) if isinstance(kind, str) else ())})
    try:
        sources = parse_sources(chat, "chat", base)
    except SourceConfigError as exc:
        raise r.fail(exc.key, str(exc).split(": ", 1)[1]) from None
    supervisor = r.mapping(top.get("supervisor"), "supervisor", {"stall_s", "speech_timeout_s"})
    logging_ = r.mapping(top.get("logging"), "logging", {"format"})
    log_format = r.string(logging_, "format", "logging.", "json")
    if log_format not in ("json", "text"):
        raise r.fail("logging.format", f"must be json or text, got {log_format!r}")
    outputs, urls, view = _outputs(r, top.get("outputs"))
    return ShowConfig(
        catalog=r.path(top, "catalog", ""),
        persona=r.string(top, "persona", "", "default"),
        layout=layout,
        outputs=tuple(outputs),
        rtmp_urls=tuple(urls),
        live_view=view is not None,
        view_host=(view or {}).get("host", "127.0.0.1"),
        view_port=(view or {}).get("port", 8080),
        console=r.boolean(console, "enabled", "console.", True),
        console_host=r.string(console, "host", "console.", "127.0.0.1"),
        console_port=r.port(console, "port", "console.", 8090),
        console_allowed_hosts=tuple(h.strip().lower() for h in allowed_hosts),
        console_token_file=r.path(console, "token_file", "console."),
        state_dir=r.path(console, "state_dir", "console.") or ".livehost",
        chat_host=r.string(chat, "host", "chat.", "127.0.0.1"),
        chat_port=r.port(chat, "port", "chat.", 8765),
        chat_token_file=r.path(chat, "token_file", "chat."),
        chat_sources=sources,
        chat_record=r.path(chat, "record", "chat."),
        chat_limits=ChatLimits(**{key: r.number(chat, key, "chat.", default, *bounds)
                                  for key, (default, *bounds) in _CHAT_LIMITS.items()}),
        stall_s=r.number(supervisor, "stall_s", "supervisor.", 3.0, 0.2, 60),
        speech_timeout_s=r.number(supervisor, "speech_timeout_s", "supervisor.", 3.0, 0.2, 60),
        log_format=log_format,
        seconds=r.number(top, "seconds", "", None, 0.04, 10 * 365 * 86400),
    )


def _outputs(r: _Reader, raw: Any) -> tuple[list[OutputSpec], list[str], dict | None]:
    if raw is None:
        return [], [], {"host": "127.0.0.1", "port": 8080}
    if not isinstance(raw, list):
        raise r.fail("outputs", "must be a list of {type: rtmp|record|live_view, ...}")
    outputs: list[OutputSpec] = []
    urls: list[str] = []
    view: dict | None = None
    for i, item in enumerate(raw):
        where = f"outputs[{i}]."
        if not isinstance(item, dict) or "type" not in item:
            raise r.fail(f"outputs[{i}]", "must be a mapping with a 'type' (rtmp, record or live_view)")
        kind = item["type"]
        if kind == "rtmp":
            r.mapping(item, f"outputs[{i}]", {"type", "name", "url_env", "url_file"})
            url = _rtmp_url(r, item, where)
            urls.append(url)
            name = r.string(item, "name", where) or f"rtmp {redact_url(url)}"
            outputs.append(OutputSpec(name, url, "flv"))
        elif kind == "record":
            r.mapping(item, f"outputs[{i}]", {"type", "name", "path"})
            path = r.path(item, "path", where)
            if path is None:
                raise r.fail(f"{where}path", "required: the MP4 file to record to")
            outputs.append(OutputSpec(r.string(item, "name", where) or f"file {path}", path, "mp4"))
        elif kind == "live_view":
            r.mapping(item, f"outputs[{i}]", {"type", "host", "port"})
            if view is not None:
                raise r.fail(f"outputs[{i}]", "only one live_view output")
            view = {"host": r.string(item, "host", where, "127.0.0.1"), "port": r.port(item, "port", where, 8080)}
        else:
            raise r.fail(f"{where}type", f"must be rtmp, record or live_view, got {kind!r}")
    names = [o.name for o in outputs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise r.fail("outputs", f"two outputs are named {duplicate!r}; give each a distinct name")
    return outputs, urls, view


def _rtmp_url(r: _Reader, item: dict, where: str) -> str:
    env, file = r.string(item, "url_env", where), r.path(item, "url_file", where)
    if (env is None) == (file is None):
        raise r.fail(f"{where.rstrip('.')}", "give exactly one of url_env (an environment variable name) or "
                                             "url_file (a file holding the URL); the URL carries the stream key "
                                             "and never goes in this file")
    if env is not None:
        url = os.environ.get(env, "").strip()
        if not url:
            raise r.fail(f"{where}url_env", f"environment variable {env} is not set")
    else:
        try:
            url = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise r.fail(f"{where}url_file", f"cannot read {file}: {exc.strerror}") from None
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in RTMP_SCHEMES:
        raise r.fail(f"{where}url_env" if env else f"{where}url_file",
                     f"does not hold an rtmp:// URL (got {redact_url(url)})")
    return url
