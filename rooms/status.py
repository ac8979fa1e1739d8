"""A room's status, as `rooms status` prints it and the operator page lists it. Never holds a secret."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from .show_process import ShowState


@dataclass(frozen=True)
class RoomStatus:
    name: str
    state: str  # starting | live | restarting | stopped | pending (no node has a free room_slot) | unreachable
    persona: str = ""
    node: str = ""
    pid: int | None = None  # the show's process
    actor_pid: int | None = None  # the Ray actor's process that owns it
    uptime_s: float | None = None  # since the current run of the show went live
    restarts: int = 0
    fps: float | None = None
    av_offset_ms: float | None = None
    viewers: int | None = None
    answers: int | None = None
    frames_sent: int | None = None
    dropped_frames: int | None = None
    rtmp_reconnects: int | None = None
    rss_mb: float | None = None
    cpu_s: float | None = None
    console_url: str = ""
    standby: str = "off"  # a second show loaded to take over: ready | loading | off
    last_error: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def room_status(name: str, persona: str, node: str, console_url: str, show: ShowState,
                actor_pid: int | None = None, now: float | None = None) -> RoomStatus:
    now = time.time() if now is None else now
    reading = show.reading
    return RoomStatus(
        name=name, state=show.state, persona=persona, node=node, pid=show.pid, actor_pid=actor_pid,
        uptime_s=round(now - show.live_at, 1) if show.live_at and show.state == "live" else None,
        restarts=show.restarts, last_error=show.last_error, console_url=console_url, standby=show.standby,
        fps=reading.fps if reading else None, av_offset_ms=reading.av_offset_ms if reading else None,
        viewers=reading.viewers if reading else None, answers=reading.answers if reading else None,
        frames_sent=reading.frames_sent if reading else None,
        dropped_frames=reading.dropped_frames if reading else None,
        rtmp_reconnects=reading.rtmp_reconnects if reading else None,
        rss_mb=round(reading.rss_bytes / 2**20, 1) if reading else None,
        cpu_s=round(reading.cpu_seconds, 1) if reading else None)


def _cell(value: object, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _uptime(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def format_table(statuses: list[RoomStatus]) -> str:
    header = ("ROOM", "STATE", "UPTIME", "RESTARTS", "FPS", "A/V ms", "VIEWERS", "ANSWERS", "DROPPED", "STANDBY",
              "PERSONA", "CONSOLE", "LAST ERROR")
    rows = [header] + [(s.name, s.state, _uptime(s.uptime_s), str(s.restarts), _cell(s.fps), _cell(s.av_offset_ms),
                        _cell(s.viewers), _cell(s.answers), _cell(s.dropped_frames), s.standby, s.persona,
                        s.console_url, (s.last_error or "-")[:80]) for s in statuses]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
                     for row in rows)
