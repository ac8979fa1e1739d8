"""Real-time soak: the real show pushing RTMP to a private nginx-rtmp for N minutes.

    .venv/bin/python bench/bench_soak.py                 # 30 minutes
    .venv/bin/python bench/bench_soak.py --minutes 2     # quick check

Measures, and prints as figures (also bench/out/soak/soak.json):
  RSS growth after warm-up (and by kind of mapping: glibc heap, anonymous, files; samples.jsonl
  has the largest anonymous mappings every 5 s, to tell which one grew); CPU of the whole show
  process as % of two cores (with the machine's load average, since other work may share the CPU);
  frames sent late or idle-filled; the pushed stream decoded back: frame count and pts continuity,
  A/V offset from the lag that best aligns the host's mouth opening (video) with speech loudness
  (audio); question -> answer on air latency (with the answer's audio checked in the pushed
  recording); barge-in -> old line cut;
  a 1,000 msg/s chat flood for 10 s from another process: frame rate during the flood.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from websockets.asyncio.client import connect  # noqa: E402

from avatar.renderer import HostRenderer  # noqa: E402
from conftest import NginxRtmp  # noqa: E402
from stream.cli import live_producer  # noqa: E402
from stream.fanout import OutputSpec  # noqa: E402
from stream.live import LiveConfig, LiveShow  # noqa: E402
from stream.media import FPS, SAMPLE_RATE  # noqa: E402
from stream.memory import fix_mmap_threshold, freeze_startup_objects, limit_malloc_arenas, resident_memory  # noqa: E402
from stream.metrics import cpu_seconds, rss_bytes  # noqa: E402
from stream.run_show import supervised_engine_factory  # noqa: E402

# A mix: answers the show synthesizes before anyone asks (price, promotions, policies, specs)
# and ones it cannot have ready (multi-buy arithmetic, haggling, "are you real").
QUESTIONS = ["这个茶多少钱?", "充电宝多少钱?", "面霜有什么优惠?", "乌龙茶发货快吗?", "充电宝能带上飞机吗?",
             "茶叶买两件多少钱?", "面霜能便宜点吗?", "你是真人吗?", "乌龙茶保质期多久?", "充电宝多重?"]
OUT = ROOT / "bench" / "out" / "soak"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.duration = args.minutes * 60
        self.samples: list[dict] = []
        self.questions: list[dict] = []
        self.cuts: list[float] = []  # show seconds at which an interrupted line left the air
        self.flood: dict = {}
        self.rss_end_mb = 0.0

    async def run(self) -> dict:
        OUT.mkdir(parents=True, exist_ok=True)
        nginx = NginxRtmp(OUT / f"nginx-{os.getpid()}")
        nginx.start()
        url = f"{nginx.url}/soak"
        engine_for = supervised_engine_factory(3.0)
        producer = live_producer(["--persona", self.args.persona], engine_for)  # as `livehost run` builds it
        freeze_startup_objects()  # as `livehost run` does
        config = LiveConfig(outputs=[OutputSpec("rtmp", url, "flv")], chat_port=0, live_view=False,
                            console=True, console_port=0, state_dir=str(OUT),
                            console_token_file=str(OUT / "console.token"), max_seconds=self.duration)
        show = LiveShow(producer, config, make_engine=engine_for)
        producer.add_line_listener(  # producer time -> the air timeline the chat's `t` is on
            lambda line_id, interrupted, now: interrupted and self.cuts.append(show.air_time(now)))
        task = asyncio.create_task(show.run())
        await show.ready.wait()
        wall0, cpu0 = time.monotonic(), cpu_seconds()
        try:
            await asyncio.gather(self.sample(show, wall0), self.ask(show), self.flood_at(show), task)
        finally:
            show.stop()
            nginx.stop()
            show.producer.close()  # background speech stops before the interpreter does
        wall, cpu = time.monotonic() - wall0, cpu_seconds() - cpu0
        self.rss_end_mb = rss_bytes() / 2**20  # the show's, before the recording is decoded for the report
        metrics_text = show.metrics.render()
        recording = nginx.record_dir / "soak.flv"
        return self.report(show, wall, cpu, recording, metrics_text)

    async def sample(self, show: LiveShow, wall0: float) -> None:
        while not show.ready.is_set() or show.frames / FPS < self.duration - 1:
            self.samples.append({"t": round(time.monotonic() - wall0, 1), "frames": show.frames,
                                 "rss_mb": round(rss_bytes() / 2**20, 1), "cpu_s": round(cpu_seconds(), 1),
                                 "fps": round(show.metrics.fps, 2), "idle": show.metrics.idle_frames,
                                 "late": show.metrics.dropped_frames, "load1": os.getloadavg()[0],
                                 **self.memory_by_kind()})
            await asyncio.sleep(5)

    @staticmethod
    def memory_by_kind() -> dict:
        memory = resident_memory()
        if memory is None:
            return {}
        return {"heap_mb": memory.heap_mb, "anon_mb": memory.anonymous_mb, "file_mb": memory.file_mb,
                "largest_anon_mb": memory.largest_anonymous}

    async def ask(self, show: LiveShow) -> None:
        every = self.args.question_every
        flood_at = self.args.flood_at if self.args.flood_at is not None else self.duration / 2
        t = 20.0
        i = 0
        by_user: dict[str, dict] = {}
        acks: asyncio.Queue = asyncio.Queue()
        async with connect(show.chat.url, max_queue=None) as ws:
            async def read() -> None:  # always drain: broadcasts keep coming (the flood's replies too)
                async for raw in ws:
                    message = json.loads(raw)
                    if "ok" in message:
                        acks.put_nowait(message)
                    elif message.get("type") == "reply" and message.get("user") in by_user:
                        record = by_user[message["user"]]
                        record["t_on_air"], record["reply"] = message["t_on_air"], message["text"]
            reader = asyncio.create_task(read())
            try:
                while t < self.duration - 15:
                    if flood_at - 15 <= t <= flood_at + 25:  # answers during the flood are measured apart
                        t += every
                        continue
                    while show.show_time() < t:
                        await asyncio.sleep(0.05)
                    user, text = f"q{i}", QUESTIONS[i % len(QUESTIONS)]
                    record = {"user": user, "text": text, "t_asked": None, "t_on_air": None}
                    by_user[user] = record
                    self.questions.append(record)
                    await ws.send(json.dumps({"type": "comment", "user": user, "text": text}, ensure_ascii=False))
                    ack = await asyncio.wait_for(acks.get(), 10)
                    record["t_asked"] = ack.get("t")
                    i += 1
                    t += every
                await asyncio.sleep(10)  # the last answer goes on air
            finally:
                reader.cancel()

    async def flood_at(self, show: LiveShow) -> None:
        at = self.args.flood_at if self.args.flood_at is not None else self.duration / 2
        if at >= self.duration - 12:  # no room for a 10 s flood: none
            return
        while show.show_time() < at:
            await asyncio.sleep(0.2)
        frames0, idle0, late0, wall0 = show.frames, show.metrics.idle_frames, show.metrics.dropped_frames, time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "chat_flood_client.py"), show.chat.url,
            "--rate", str(self.args.flood_rate), "--seconds", "10", stdout=subprocess.PIPE)
        out, _ = await proc.communicate()
        span = time.monotonic() - wall0
        self.flood = {"client": json.loads(out.decode().strip().splitlines()[-1]) if out else None,
                      "fps_during": (show.frames - frames0) / span, "seconds": span,
                      "idle_frames": show.metrics.idle_frames - idle0, "late_frames": show.metrics.dropped_frames - late0}

    def report(self, show: LiveShow, wall: float, cpu: float, recording: Path, metrics_text: str) -> dict:
        warm = next((s for s in self.samples if s["t"] >= min(120, self.duration / 4)), self.samples[0])
        rss_end = self.rss_end_mb
        latencies = [q["t_on_air"] - q["t_asked"] for q in self.questions if q["t_on_air"] is not None
                     and q["t_asked"] is not None]
        barge = []
        for q in self.questions:
            if q["t_asked"] is None:
                continue
            later = [c for c in self.cuts if q["t_asked"] <= c <= q["t_asked"] + 3]
            if later:
                barge.append(min(later) - q["t_asked"])
        decoded = analyse_recording(recording, HostRenderer(show.producer.persona.appearance).mouth_box,
                                    [q["t_on_air"] for q in self.questions if q["t_on_air"] is not None])
        result = {
            "minutes": self.args.minutes, "frames_sent": show.frames, "wall_s": round(wall, 1),
            "rss_mb_after_warmup": warm["rss_mb"], "rss_mb_end": round(rss_end, 1),
            "rss_growth_mb": round(rss_end - warm["rss_mb"], 1),
            "rss_growth_by_kind_mb": {kind: round(self.samples[-1][kind] - warm[kind], 1)
                                      for kind in ("heap_mb", "anon_mb", "file_mb") if kind in warm},
            "cpu_percent_of_two_cores": round(100 * cpu / wall / 2, 1),
            "load1_mean": round(statistics.mean(s["load1"] for s in self.samples), 2),
            "idle_frames": show.metrics.idle_frames, "late_frames": show.metrics.dropped_frames,
            "stage_restarts": show.metrics.stage_restarts, "rtmp_reconnects": show.metrics.rtmp_reconnects,
            "questions": len(self.questions), "answered": len(latencies),
            "answer_latency_s": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                                 "max": max(latencies) if latencies else None},
            "barge_in_cut_s": {"n": len(barge), "p50": percentile(barge, 0.5), "p95": percentile(barge, 0.95),
                               "max": max(barge) if barge else None, "all": sorted(round(b, 3) for b in barge)},
            "flood": self.flood, "recording": decoded,
            "metrics_endpoint_lines": len(metrics_text.splitlines()),
        }
        (OUT / "soak.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        (OUT / "samples.jsonl").write_text("\n".join(json.dumps(s) for s in self.samples))
        return result


def analyse_recording(path: Path, mouth_box: tuple[int, int, int, int], answers_at: list[float],
                      lipsync_s: float = 180.0) -> dict:
    """The pushed stream as nginx recorded it: every packet's pts (demuxed), and the last
    `lipsync_s` seconds decoded for the lip-sync offset."""
    x0, y0, x1, y1 = mouth_box
    with av.open(str(path)) as container:
        v_index = container.streams.video[0].index
        video_all, audio_all = [], []
        for packet in container.demux():
            if packet.pts is None:
                continue
            t = float(packet.pts * packet.time_base)
            (video_all if packet.stream.index == v_index else audio_all).append(t)
    video_all.sort()
    steps = np.diff(video_all)
    gaps = int(np.sum(steps > 1.5 / FPS))
    from_t = max(0.0, video_all[-1] - lipsync_s)
    video_pts, mouth = [], []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        container.seek(int(from_t / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            t = float(frame.pts * frame.time_base)
            if t < from_t:
                continue
            video_pts.append(t)
            luma = frame.to_ndarray(format="gray")
            mouth.append(float(255 - luma[y0:y1, x0:x1].mean()))
    with av.open(str(path)) as container:
        chunks, first_audio = [], None
        for frame in container.decode(audio=0):
            if first_audio is None:
                first_audio = float(frame.pts * frame.time_base)
            chunks.append(frame.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks).astype(np.float32)
    if np.abs(audio).max() > 2:
        audio = audio / 32768.0
    # Loudness of the audio each video frame is shown with, mapped sample-exactly through both
    # streams' decoded timestamps (FLV shifts both by the AAC priming delay).
    per = SAMPLE_RATE // FPS
    n = len(mouth)
    loud = np.zeros(n)
    for k in range(n):
        a = int(round((video_pts[k] - first_audio) * SAMPLE_RATE))
        if 0 <= a and a + per <= len(audio):
            loud[k] = float(np.sqrt(np.mean(audio[a:a + per] ** 2)))
    m = np.asarray(mouth) - np.mean(mouth)
    loud = loud - loud.mean()
    best_lag, best_corr = 0, -1.0
    corr_by_lag = {}
    for lag in range(-10, 11):  # positive: audio later than video
        a, b = (m[:n - lag], loud[lag:]) if lag >= 0 else (m[-lag:], loud[:n + lag])
        c = float(np.corrcoef(a, b)[0, 1])
        corr_by_lag[lag] = round(c, 3)
        if c > best_corr:
            best_lag, best_corr = lag, c
    heard = 0
    for t in answers_at:
        start = int((t - first_audio) * SAMPLE_RATE)
        window = audio[max(0, start):start + SAMPLE_RATE // 2]
        heard += bool(window.size and np.sqrt(np.mean(window ** 2)) > 0.01)
    return {"video_frames": len(video_all), "pts_gaps": gaps, "video_start_s": round(video_all[0], 3),
            "audio_start_s": round(first_audio, 3),
            "audio_minus_video_duration_ms": round(1000 * (len(audio) / SAMPLE_RATE - len(video_all) / FPS), 1),
            "lipsync_window_s": round(video_pts[-1] - video_pts[0], 1) if video_pts else 0,
            "av_offset_frames_by_lipsync": best_lag, "lipsync_correlation": round(best_corr, 3),
            "lipsync_corr_by_lag": corr_by_lag, "answers_audible_in_stream": f"{heard}/{len(answers_at)}"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--persona", default="default")
    parser.add_argument("--question-every", type=float, default=30.0)
    parser.add_argument("--flood-at", type=float, help="show second to start the chat flood (default: half way)")
    parser.add_argument("--flood-rate", type=int, default=1000)
    args = parser.parse_args()
    limit_malloc_arenas()  # as `livehost run` does
    fix_mmap_threshold()
    logging.basicConfig(level=logging.WARNING, filename=str(OUT.parent / "soak.log") if OUT.parent.exists() else None)
    result = asyncio.run(Soak(args).run())
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
