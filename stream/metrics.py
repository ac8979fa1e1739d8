"""Show metrics in the Prometheus text exposition format (served at /metrics).

Counters and gauges are plain numbers updated from any thread; histograms keep cumulative
bucket counts. Nothing here ever holds a secret: labels are stage and output names only, and
output names are built from redacted URLs.
"""
from __future__ import annotations

import os
import resource
import threading
from dataclasses import dataclass, field
from typing import Callable

_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
_STAGE_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.5, 1.0)


@dataclass
class Histogram:
    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1
        self.total += value
        self.count += 1

    def quantile(self, q: float) -> float | None:
        """Upper bound of the bucket holding quantile q (what Prometheus would estimate, coarser)."""
        if not self.count:
            return None
        need = q * self.count
        for bound, seen in zip(self.buckets, self.counts):
            if seen >= need:
                return bound
        return float("inf")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class ShowMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.frames_sent = 0
        self.idle_frames = 0  # frames the pacer filled in because the render stage was late
        self.dropped_frames = 0  # frames never sent (the pacer fell a whole frame behind)
        self.late_frames = 0
        self.fps = 0.0
        self.cpu_slowdown = 1.0  # how oversubscribed the CPUs are (stream.cpu_load); speech deadlines stretch by it
        self.av_offset_ms = 0.0  # audio minus video duration sent, by construction of the chunks
        self.rtmp_reconnects = 0
        self.stage_restarts: dict[str, int] = {}
        self.queue_depth_ms: dict[str, float] = {}
        self.chat_backlog = 0  # accepted chat messages the director has not read yet
        self.chat_messages = 0
        self.chat_malformed = 0
        self.chat_rate_limited: dict[str, int] = {"client": 0, "room": 0}  # refused, by which limit
        self.chat_shed: dict[str, int] = {"comment": 0, "reaction": 0}  # accepted, dropped unread for newer chat
        self.chat_merged = 0  # accepted, folded into the same message still waiting
        self.chat_sources: dict[str, tuple[int, int]] = {}  # platform source -> (admitted, over its limit)
        self.webrtc_peers = 0
        self.live_view_clients = 0
        self.webrtc_dropped = 0
        self.answer_latency = Histogram(_LATENCY_BUCKETS)
        self.tts_seconds = Histogram(_STAGE_BUCKETS)
        self.render_seconds = Histogram(_STAGE_BUCKETS)
        self.collectors: list[Callable[[], None]] = []  # bring counters kept elsewhere up to date, at render

    def restart(self, stage: str) -> None:
        with self._lock:
            self.stage_restarts[stage] = self.stage_restarts.get(stage, 0) + 1

    def observe(self, histogram: Histogram, value: float) -> None:
        with self._lock:
            histogram.observe(value)

    def render(self) -> str:
        for collect in self.collectors:
            collect()
        with self._lock:
            lines: list[str] = []

            def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
                lines.append(f"# HELP livehost_{name} {help_text}")
                lines.append(f"# TYPE livehost_{name} {kind}")
                for labels, value in samples:
                    lines.append(f"livehost_{name}{labels} {value:g}")

            def histogram(name: str, help_text: str, h: Histogram) -> None:
                lines.append(f"# HELP livehost_{name} {help_text}")
                lines.append(f"# TYPE livehost_{name} histogram")
                for bound, seen in zip(h.buckets, h.counts):
                    lines.append(f'livehost_{name}_bucket{{le="{bound:g}"}} {seen}')
                lines.append(f'livehost_{name}_bucket{{le="+Inf"}} {h.count}')
                lines.append(f"livehost_{name}_sum {h.total:g}")
                lines.append(f"livehost_{name}_count {h.count}")

            metric("fps", "gauge", "Frames sent per second over the last second.", [("", self.fps)])
            metric("cpu_slowdown", "gauge", "How oversubscribed the CPUs are: 1 idle enough, 4 work takes 4x as long.",
                   [("", round(self.cpu_slowdown, 2))])
            metric("frames_sent_total", "counter", "Frames sent to the outputs.", [("", self.frames_sent)])
            metric("idle_frames_total", "counter", "Idle frames sent because the render stage was late.",
                   [("", self.idle_frames)])
            metric("dropped_frames_total", "counter", "Frame slots missed because the pacer fell behind.",
                   [("", self.dropped_frames)])
            metric("av_offset_ms", "gauge", "Audio minus video duration sent, in milliseconds.",
                   [("", self.av_offset_ms)])
            metric("queue_depth_ms", "gauge", "Backlog of each stage in milliseconds of media.",
                   [(f'{{stage="{_label(k)}"}}', v) for k, v in sorted(self.queue_depth_ms.items())])
            metric("stage_restarts_total", "counter", "Stages restarted by the supervisor.",
                   [(f'{{stage="{_label(k)}"}}', v) for k, v in sorted(self.stage_restarts.items())])
            metric("rtmp_reconnects_total", "counter", "RTMP sessions re-established after a drop.",
                   [("", self.rtmp_reconnects)])
            metric("chat_messages_total", "counter", "Chat frames received.", [("", self.chat_messages)])
            metric("chat_malformed_total", "counter", "Chat frames refused as malformed.",
                   [("", self.chat_malformed)])
            metric("chat_backlog_messages", "gauge", "Accepted chat messages waiting for the director.",
                   [("", self.chat_backlog)])
            metric("chat_rate_limited_total", "counter",
                   "Chat frames refused by a rate limit (scope: one connection, or the whole room).",
                   [(f'{{scope="{_label(k)}"}}', v) for k, v in sorted(self.chat_rate_limited.items())])
            metric("chat_shed_total", "counter",
                   "Accepted chat dropped unread, oldest first, because newer chat needed the queue.",
                   [(f'{{kind="{_label(k)}"}}', v) for k, v in sorted(self.chat_shed.items())])
            metric("chat_source_events_total", "counter",
                   "Chat events from each platform source, admitted or dropped over the source's limit.",
                   [(f'{{source="{_label(name)}",outcome="{outcome}"}}', n)
                    for name, counts in sorted(self.chat_sources.items())
                    for outcome, n in zip(("admitted", "over_limit"), counts)])
            metric("chat_merged_total", "counter",
                   "Accepted chat folded into the same message still waiting (a viewer repeating, reactions).",
                   [("", self.chat_merged)])
            metric("webrtc_peers", "gauge", "Connected WebRTC viewers.", [("", self.webrtc_peers)])
            metric("live_view_clients", "gauge", "Players connected to the live view (MPEG-TS over HTTP).",
                   [("", self.live_view_clients)])
            metric("webrtc_dropped_frames_total", "counter", "Frames dropped for slow WebRTC viewers.",
                   [("", self.webrtc_dropped)])
            histogram("answer_latency_seconds", "Chat question to its answer on air.", self.answer_latency)
            histogram("tts_seconds", "Time to synthesise one sentence.", self.tts_seconds)
            histogram("render_seconds", "Time to produce one frame (director, playout, renderer).",
                      self.render_seconds)
            metric("rss_bytes", "gauge", "Resident memory of the show process.", [("", rss_bytes())])
            metric("cpu_seconds_total", "counter", "CPU time of the show process.", [("", cpu_seconds())])
        return "\n".join(lines) + "\n"
