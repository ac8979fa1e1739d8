"""rooms.yaml: every room's show, checked as a whole before any room starts.

A room is a show config (the keys of `livehost run --config`, see examples/show.yaml) plus a
name and its console's token source. Each room is parsed with the show's own parser, so a bad
key is refused the same way, named by file, room and field
(`rooms.yaml: rooms[1] (tea): outputs[0].url_env: environment variable TEA_RTMP is not set`).
Secrets are only ever named here (an environment variable or a file); their values are read
where the show runs and never travel through Ray.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from script.bounded_input import JsonLimitError, load_yaml
from stream.persona_bundle import shipped_personas
from stream.show_config import ConfigError, ShowConfig, parse_show_config

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")  # a Ray actor name, a folder name and a URL segment
_TOP = {"rooms", "state_dir", "operator", "node"}
_ROOM = {"name", "catalog", "persona", "layout", "outputs", "console", "chat", "supervisor", "seconds", "embeddings",
         "standby"}
_CONSOLE = {"host", "port", "token_env", "token_file", "allowed_hosts"}
_OPERATOR = {"host", "port", "token_env", "token_file"}
_NODE = {"room_slots", "num_cpus"}


class RoomsError(ValueError):
    pass


@dataclass(frozen=True)
class RoomSpec:
    """One room, as the actor that runs it needs it: no secret values, only where to read them."""
    name: str
    show: dict  # the room's show config (examples/show.yaml keys), paths absolute
    console_host: str
    console_port: int
    console_token_env: str | None  # the show gets this variable's value as its console token
    console_token_file: str  # else this file (made by the show, mode 0600, when missing)
    embeddings: bool = True
    standby: bool = True  # keep a second show loaded to replace a crashed one in seconds

    @property
    def persona(self) -> str:
        return str(self.show.get("persona", "default"))

    def fingerprint(self, without: tuple[str, ...] = ()) -> str:
        """What the room runs, to tell an edited room from an unchanged one (`rooms up` again)."""
        show = {k: v for k, v in self.show.items() if k not in without}
        body = json.dumps([show, self.console_token_env, self.console_token_file, self.embeddings, self.standby],
                          sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class OperatorSpec:
    host: str = "127.0.0.1"
    port: int = 8100
    token_env: str | None = None
    token_file: str | None = None  # default: <state_dir>/operator.token, made when missing


@dataclass(frozen=True)
class RoomsFile:
    path: str
    state_dir: str
    operator: OperatorSpec
    room_slots: int  # rooms the embedded local Ray node carries (custom resource room_slot)
    num_cpus: int | None
    rooms: tuple[RoomSpec, ...]

    def room(self, name: str) -> RoomSpec:
        for room in self.rooms:
            if room.name == name:
                return room
        raise RoomsError(f"{self.path}: no room named {name!r}; rooms: {', '.join(r.name for r in self.rooms)}")


def load_rooms(path: str | Path) -> RoomsFile:
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RoomsError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, JsonLimitError) as exc:
        raise RoomsError(f"{path}: cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise RoomsError(f"{path}: invalid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    return parse_rooms(data, path)


def parse_rooms(data: Any, path: Path) -> RoomsFile:
    base = path.resolve().parent
    top = _mapping(data, _TOP, f"{path}")
    state_dir = _abs(base, _string(top, "state_dir", f"{path}: ") or ".livehost/rooms")
    raw_rooms = top.get("rooms")
    if not isinstance(raw_rooms, list) or not raw_rooms:
        raise RoomsError(f"{path}: rooms: must be a non-empty list of rooms")
    rooms = tuple(_room(item, i, path, base, Path(state_dir)) for i, item in enumerate(raw_rooms))
    _check_unique(rooms, path)
    return RoomsFile(path=str(path), state_dir=state_dir, operator=_operator(top.get("operator"), path, base),
                     room_slots=_count(_mapping(top.get("node"), _NODE, f"{path}: node"), "room_slots",
                                       f"{path}: node.", 2),
                     num_cpus=_count(_mapping(top.get("node"), _NODE, f"{path}: node"), "num_cpus",
                                     f"{path}: node.", None),
                     rooms=rooms)


def _room(item: Any, i: int, path: Path, base: Path, state_dir: Path) -> RoomSpec:
    where = f"{path}: rooms[{i}]"
    room = _mapping(item, _ROOM, where)
    name = room.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise RoomsError(f"{where}.name: must be 1-39 of a-z, 0-9 and '-', starting with a letter or digit, "
                         f"got {name!r}")
    where = f"{path}: rooms[{i}] ({name})"
    console = _mapping(room.get("console"), _CONSOLE, f"{where}: console")
    if "port" not in console:
        raise RoomsError(f"{where}: console.port: required: each room's console (and its /metrics, which "
                         "`rooms status` reads) needs a port of its own")
    token_env = _string(console, "token_env", f"{where}: console.")
    token_file = _string(console, "token_file", f"{where}: console.")
    if token_env and token_file:
        raise RoomsError(f"{where}: console: give token_env or token_file, not both")
    if token_env and not os.environ.get(token_env, "").strip():
        raise RoomsError(f"{where}: console.token_env: environment variable {token_env} is not set")
    room_dir = state_dir / name
    show = {key: value for key, value in room.items() if key not in ("name", "console", "embeddings", "standby")}
    show["console"] = {"enabled": True, "host": console.get("host", "127.0.0.1"), "port": console["port"],
                       "state_dir": str(room_dir),
                       "token_file": _abs(base, token_file) if token_file else str(room_dir / "console.token"),
                       "allowed_hosts": console.get("allowed_hosts", [])}
    show["logging"] = {"format": "json"}  # the actor reads the show's errors from its JSON log
    show = _absolute_paths(show, base)
    parsed = _parse_show(show, where, base)
    persona = parsed.persona
    if "/" not in persona and persona not in shipped_personas():
        raise RoomsError(f"{where}: persona: unknown persona {persona!r}; shipped: {', '.join(sorted(shipped_personas()))} "
                         "(or give a path to a persona folder)")
    embeddings, standby = room.get("embeddings", True), room.get("standby", True)
    for key, value in (("embeddings", embeddings), ("standby", standby)):
        if not isinstance(value, bool):
            raise RoomsError(f"{where}: {key}: must be true or false, got {value!r}")
    return RoomSpec(name=name, show=show, console_host=parsed.console_host, console_port=parsed.console_port,
                    console_token_env=token_env, console_token_file=show["console"]["token_file"],
                    embeddings=embeddings, standby=standby)


def _parse_show(show: dict, where: str, base: Path) -> ShowConfig:
    try:
        return parse_show_config(show, where, base)
    except ConfigError as exc:
        raise RoomsError(str(exc)) from None


def _absolute_paths(show: dict, base: Path) -> dict:
    """Shows run in another working directory (the actor's): every relative path is made absolute here."""
    show = dict(show)
    if isinstance(show.get("catalog"), str):
        show["catalog"] = _abs(base, show["catalog"])
    persona = show.get("persona")
    if isinstance(persona, str) and ("/" in persona or persona.startswith(".")):
        show["persona"] = _abs(base, persona)
    outputs = show.get("outputs")
    if isinstance(outputs, list):
        show["outputs"] = [{**o, **{k: _abs(base, o[k]) for k in ("path", "url_file") if isinstance(o.get(k), str)}}
                           if isinstance(o, dict) else o for o in outputs]
    chat = show.get("chat")
    if isinstance(chat, dict):
        show["chat"] = {k: (_abs(base, v) if (k.endswith("_file") or k == "record") and isinstance(v, str) else v)
                        for k, v in chat.items()}
    return show


def _ports(room: RoomSpec) -> list[tuple[str, int]]:
    show = room.show
    ports = [("console.port", room.console_port), ("chat.port", (show.get("chat") or {}).get("port", 8765))]
    for i, output in enumerate(show.get("outputs") or [{"type": "live_view"}]):
        if isinstance(output, dict) and output.get("type") == "live_view":
            ports.append((f"outputs[{i}].port", output.get("port", 8080)))
    return [(key, port) for key, port in ports if port]


def _check_unique(rooms: tuple[RoomSpec, ...], path: Path) -> None:
    """Rooms share a machine in local mode: two rooms on one port would fight for it."""
    names: dict[str, int] = {}
    taken: dict[int, str] = {}
    for i, room in enumerate(rooms):
        if room.name in names:
            raise RoomsError(f"{path}: rooms[{i}].name: {room.name!r} is also rooms[{names[room.name]}]")
        names[room.name] = i
        for key, port in _ports(room):
            if port in taken:
                raise RoomsError(f"{path}: rooms[{i}] ({room.name}): {key}: port {port} is already {taken[port]}; "
                                 "give each room its own ports")
            taken[port] = f"{room.name}'s {key}"


def _operator(raw: Any, path: Path, base: Path) -> OperatorSpec:
    where = f"{path}: operator"
    data = _mapping(raw, _OPERATOR, where)
    port = data.get("port", 8100)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise RoomsError(f"{where}.port: must be a port number 0..65535, got {port!r}")
    token_env = _string(data, "token_env", f"{where}.")
    if token_env and not os.environ.get(token_env, "").strip():
        raise RoomsError(f"{where}.token_env: environment variable {token_env} is not set")
    token_file = _string(data, "token_file", f"{where}.")
    return OperatorSpec(host=_string(data, "host", f"{where}.") or "127.0.0.1", port=port, token_env=token_env,
                        token_file=_abs(base, token_file) if token_file else None)


def _mapping(value: Any, allowed: set[str], where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RoomsError(f"{where}: must be a mapping")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise RoomsError(f"{where}: {unknown[0]}: unknown key; allowed: {', '.join(sorted(allowed))}")
    return value


def _string(data: dict, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise RoomsError(f"{where}{key}: must be a non-empty string")
    return value


def _count(data: dict, key: str, where: str, default: int | None) -> int | None:
    value = data.get(key, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000):
        raise RoomsError(f"{where}{key}: must be a whole number 1..10000, got {value!r}")
    return value


def _abs(base: Path, value: str) -> str:
    return value if os.path.isabs(value) else str((base / value).resolve())
