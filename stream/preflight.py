"""What a show needs from this machine, checked before any model loads: its ports free, its
recording paths and state folder writable. Each problem is one line naming what and how to fix
it, instead of a traceback after a minute of loading."""
from __future__ import annotations

import logging
import os
import socket
import tempfile
from pathlib import Path

from .chat_server import CHAT_TOKEN_ENV, chat_token
from .fanout import reconnects
from .http_server import is_loopback
from .show_config import ShowConfig


log = logging.getLogger("livehost")


class StartupError(RuntimeError):
    """The show cannot start on this machine as configured; the message lists why."""


def _port_problem(what: str, host: str, port: int, option: str) -> str | None:
    if port == 0:
        return None  # the system picks a free one
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The servers set SO_REUSEADDR too: a port held only by TIME_WAIT connections is free for them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "in use (is another show running?)" if exc.errno == 98 else exc.strerror
            return f"{what} port {port} on {host} is {reason}: choose another with {option}"
    return None


def _folder_problem(what: str, path: Path) -> str | None:
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the show creates missing folders below the first existing one
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".livehost-check-"):
            pass
    except OSError as exc:
        return f"{what} {path} cannot be written ({exc.strerror} in {folder})"
    return None


def warn_if_exposed(config: ShowConfig, chat_login: bool) -> None:
    """Said once at start: what listens beyond this machine and what protects it."""
    if not is_loopback(config.chat_host) and not chat_login:
        log.warning("chat websocket listens on %s without a chat token: anyone who reaches it can post chat "
                    "(set %s or chat.token_file)", config.chat_host, CHAT_TOKEN_ENV)
    for spec in config.chat_sources:
        if spec.kind in ("douyin", "webhook") and not is_loopback(spec.settings.host):
            log.info("%s chat receiver listens on %s over plain HTTP; pushes are signed, but put a TLS proxy in "
                     "front (Douyin calls HTTPS only)", spec.kind, spec.settings.host)
    if config.console and not is_loopback(config.console_host):
        log.warning("console listens on %s over plain HTTP: its token can be read on the network; "
                    "put it behind a TLS proxy", config.console_host)


def check_voice(persona: str) -> None:
    """The persona's voice files are installed (set-up fetched them), else the fix, before any model loads."""
    from speech.voice import voice_problems

    from .persona_bundle import PersonaError, load_persona
    try:
        problems = voice_problems(load_persona(persona).voice)
    except PersonaError:
        return  # reported by name when the show loads the persona
    if problems:
        raise StartupError("cannot start the show: the persona's voice is not installed:\n"
                           + "\n".join(f"  - {p}" for p in problems))


def check_machine(config: ShowConfig) -> str | None:
    """Raises StartupError listing every problem; returns the chat token (None: no chat login)."""
    problems = [
        _port_problem("chat", config.chat_host, config.chat_port, "--chat-port"),
        _port_problem("live view", config.view_host, config.view_port, "--view-port") if config.live_view else None,
        _port_problem("console", config.console_host, config.console_port, "--console-port")
        if config.console else None,
        _folder_problem("console state folder", Path(config.state_dir)) if config.console else None,
    ]
    for spec in config.chat_sources:
        settings = spec.settings
        if spec.kind in ("douyin", "webhook"):
            problems.append(_port_problem(f"{spec.kind} chat receiver", settings.host, settings.port,
                                          f"its listen: in the show config's chat {spec.kind} source"))
    if config.chat_record:
        problems.append(_folder_problem("chat recording", Path(config.chat_record)))
    token = None
    try:
        token = chat_token(config.chat_token_file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(f"chat token: {exc}")
    for output in config.outputs:
        if isinstance(output.target, (str, os.PathLike)) and not reconnects(output.target):
            path = Path(output.target)
            if path.is_dir():
                problems.append(f"recording {path} is a folder: give a file name such as show.mp4")
            else:
                problems.append(_folder_problem("recording", path))
    found = [p for p in problems if p]
    if found:
        raise StartupError("cannot start the show:\n" + "\n".join(f"  - {p}" for p in found))
    return token
