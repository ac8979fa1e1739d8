"""What a room's show says about itself: its /metrics page and the errors in its JSON log."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

_SAMPLE = re.compile(r"^livehost_([a-z_]+)(\{[^}]*\})? (\S+)$")
_LOG_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class ShowReading:
    """One scrape of a show's /metrics (stream/metrics.py names)."""
    fps: float
    frames_sent: int
    dropped_frames: int
    av_offset_ms: float
    viewers: int  # WebRTC preview peers plus live-view players; the platform's own audience is not visible here
    answers: int  # viewers' questions answered on air
    rtmp_reconnects: int
    stage_restarts: int
    rss_bytes: int
    cpu_seconds: float


def parse_metrics(text: str) -> ShowReading:
    values: dict[str, float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            name, _labels, value = match.groups()
            values[name] = values.get(name, 0.0) + float(value)  # labelled series summed (stage restarts)
    get = values.get
    return ShowReading(fps=get("fps", 0.0), frames_sent=int(get("frames_sent_total", 0)),
                       dropped_frames=int(get("dropped_frames_total", 0)), av_offset_ms=get("av_offset_ms", 0.0),
                       viewers=int(get("webrtc_peers", 0) + get("live_view_clients", 0)),
                       answers=int(get("answer_latency_seconds_count", 0)),
                       rtmp_reconnects=int(get("rtmp_reconnects_total", 0)),
                       stage_restarts=int(get("stage_restarts_total", 0)),
                       rss_bytes=int(get("rss_bytes", 0)), cpu_seconds=get("cpu_seconds_total", 0.0))


def read_metrics(host: str, port: int, token: str | None, timeout: float = 2.0) -> ShowReading | None:
    """None while the show is not serving (starting, restarting, gone)."""
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # the actor runs beside its show
    request = urllib.request.Request(f"http://{host}:{port}/metrics")
    if token:  # needed when the console listens on a non-loopback address
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return parse_metrics(response.read(1_000_000).decode("utf-8", errors="replace"))
    except (OSError, urllib.error.URLError, ValueError):
        return None


def last_error(log_path: Path) -> str | None:
    """The newest error the show logged (the show scrubs secrets from its log before writing)."""
    try:
        with open(log_path, "rb") as file:
            file.seek(0, 2)
            size = file.tell()
            file.seek(max(0, size - _LOG_TAIL_BYTES))
            tail = file.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(tail):
        line = line.strip()
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("level") in ("error", "critical"):
                return f"{record.get('logger', 'livehost')}: {record.get('msg', '')}"[:300]
        elif line.startswith("livehost: "):  # a config or start-up error, printed before logging starts
            return line[:300]
    return None
