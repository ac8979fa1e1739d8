"""Capacity of one machine for rooms on Ray, measured.

For each profile (720p, and the light 540p), rooms are started 1, 2, ... at a time on an embedded
local Ray, each pushing RTMP to a private nginx-rtmp; after a warm-up, a window of W seconds says
whether every room held 25.0 fps with 0 dropped frames (from each show's /metrics). Printed per
step: fps and dropped frames per room, CPU (cores) and RSS per room, time from `rooms up` to each
room's first frame, Ray's own memory. Then a room's show is SIGKILLed (and, once, the actor that
owns it): time until it is back on air and until a player decodes its RTMP stream again.

    .venv/bin/python bench/bench_rooms.py                       # real personas (Kokoro voices)
    .venv/bin/python bench/bench_rooms.py --max-rooms 3 --window 30 --voice espeak

Real time and CPU-bound: figures depend on what else the machine runs; the load average is printed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("RAY_AUTH_MODE", "token")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import av  # noqa: E402
import ray  # noqa: E402
import yaml  # noqa: E402

from conftest import NginxRtmp, free_port  # noqa: E402
from rooms.actor import remote_room_actor  # noqa: E402
from rooms.cluster import start_local  # noqa: E402
from rooms.command import _stop_everything  # noqa: E402
from rooms.config import load_rooms  # noqa: E402
from rooms.operator_page import gather_statuses  # noqa: E402
from rooms.show_metrics import read_metrics  # noqa: E402

OUT = ROOT / "bench" / "out" / "rooms"
PROFILES = {"720p": "landscape", "540p": "landscape_540"}
PERSONAS = ("food", "electronics", "beauty", "home", "apparel", "mother-baby")
PAUSE = threading.Event()


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def statuses() -> dict:
    return {s.name: s for s in gather_statuses(timeout=10)}


def wait_for(test, timeout: float, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = test()
        if result:
            return result
        PAUSE.wait(step)
    return None


def espeak_persona(persona: str) -> str:
    folder = OUT / "personas" / persona
    if not folder.exists():
        shutil.copytree(ROOT / "personas" / persona, folder)
        data = yaml.safe_load((folder / "persona.yaml").read_text(encoding="utf-8"))
        data["voice"] = {"engine": "espeak", "voice": "cmn", "speed": 1.0}
        (folder / "persona.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(folder)


def write_rooms(count: int, layout: str, rtmp: str, voice: str, tag: str, standby: bool) -> Path:
    shipped = sorted(p.name for p in (ROOT / "personas").iterdir() if (p / "persona.yaml").exists())
    rooms = []
    for i in range(count):
        persona = [p for p in PERSONAS if p in shipped][i % len(PERSONAS)]
        url_file = OUT / f"{tag}-{i}.url"
        url_file.write_text(f"{rtmp}/{tag}-{i}\n")
        rooms.append({"name": f"{tag}-{i}", "catalog": str(ROOT / "examples" / "catalog.yaml"),
                      "persona": espeak_persona(persona) if voice == "espeak" else persona, "layout": layout,
                      "outputs": [{"type": "rtmp", "name": "push", "url_file": str(url_file)}],
                      "chat": {"port": free_port()}, "console": {"port": free_port()}, "standby": standby})
    path = OUT / f"{tag}.yaml"
    path.write_text(yaml.safe_dump({"state_dir": str(OUT / "state"), "rooms": rooms}, allow_unicode=True))
    return path


def ray_rss_mb() -> float:
    """Resident memory of Ray's own processes (GCS, raylet, agents, idle workers), not the shows."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            name = (proc / "comm").read_text().strip()
            if name in ("gcs_server", "raylet") or name.startswith("ray::"):
                rss = next(line for line in (proc / "status").read_text().splitlines() if line.startswith("VmRSS"))
                total += int(rss.split()[1]) * 1024
        except (OSError, StopIteration, ValueError):
            continue
    return total / 2**20


def scrape(ports: dict[str, int]) -> tuple[dict, float]:
    """Every show's /metrics read now (not the actor's last poll), and when."""
    return {name: read_metrics("127.0.0.1", port, None) for name, port in ports.items()}, time.monotonic()


def run_step(count: int, profile: str, args, rtmp: str, up_at: float | None = None, standby: bool = False) -> dict:
    tag = f"{profile}x{count}"
    rooms = load_rooms(write_rooms(count, PROFILES[profile], rtmp, args.voice, tag, standby))
    ports = {room.name: room.console_port for room in rooms.rooms}
    up_at = up_at or time.monotonic()
    for room in rooms.rooms:
        remote_room_actor(room, rooms.state_dir)
    first: dict[str, float] = {}

    def all_live() -> bool:
        for name, status in statuses().items():
            if status.state == "live" and name not in first:
                first[name] = time.monotonic() - up_at
        return len(first) == count
    if not wait_for(all_live, args.start_timeout):
        return {"tag": tag, "count": count, "held": False, "note": f"not all live within {args.start_timeout:g} s",
                "first_frame_s": first}
    PAUSE.wait(args.warmup)
    pids = {name: s.pid for name, s in statuses().items()}
    before, t0 = scrape(ports)
    PAUSE.wait(args.window)
    after, t1 = scrape(ports)
    restarted = {name for name, s in statuses().items() if s.pid != pids.get(name)}
    rows = {}
    for name in before:
        a, b = before[name], after[name]
        if a is None or b is None or name in restarted:
            rows[name] = None
            continue
        rows[name] = {"fps": (b.frames_sent - a.frames_sent) / (t1 - t0), "dropped": b.dropped_frames - a.dropped_frames,
                      "cpu_cores": (b.cpu_seconds - a.cpu_seconds) / (t1 - t0), "rss_mb": b.rss_bytes / 2**20}
    held = all(r is not None and r["fps"] >= 24.95 and r["dropped"] == 0 for r in rows.values())
    return {"tag": tag, "count": count, "held": held, "rows": rows, "first_frame_s": first, "ray_rss_mb": ray_rss_mb()}


def print_step(step: dict) -> None:
    print(f"  {step['count']} room(s): {'HELD' if step['held'] else 'not held'} 25.0 fps / 0 dropped"
          + (f" ({step['note']})" if step.get("note") else "") + f"   load {load()}")
    for name, row in (step.get("rows") or {}).items():
        if row:
            print(f"    {name}: {row['fps']:.2f} fps, {row['dropped']} dropped, {row['cpu_cores']:.2f} cores, "
                  f"{row['rss_mb']:.0f} MB RSS, first frame {step['first_frame_s'].get(name, float('nan')):.1f} s "
                  "after rooms up")
    if "ray_rss_mb" in step:
        print(f"    Ray's own processes: {step['ray_rss_mb']:.0f} MB RSS")


def first_rtmp_frame(url: str, timeout: float) -> float | None:
    """Seconds until a player decodes a video frame from `url` (retrying while nothing is published)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with av.open(url, options={"rw_timeout": "3000000"}, timeout=3) as container:
                for _ in container.decode(video=0):
                    return time.monotonic() - start
        except (av.error.FFmpegError, OSError):
            PAUSE.wait(0.2)
    return None


def kill_and_measure(room: str, rtmp: str, which: str) -> None:
    if which == "show":
        waited = time.monotonic()
        ready = wait_for(lambda: statuses()[room].standby == "ready", 300, step=1.0)
        print(f"  standby show {'ready' if ready else 'NOT ready'} (waited {time.monotonic() - waited:.1f} s more "
              "after the measured window)")
    status = statuses()[room]
    victim = status.pid if which == "show" else status.actor_pid
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    rtmp_back: list[float | None] = []
    player = threading.Thread(target=lambda: rtmp_back.append(first_rtmp_frame(f"{rtmp}/{room}", 120)))
    player.start()
    back = wait_for(lambda: (s := statuses().get(room)) and s.state == "live" and s.pid not in (None, status.pid)
                    and (s.frames_sent or 0) > 0, 120)
    on_air = time.monotonic() - killed_at if back else None
    player.join(130)
    seconds = rtmp_back[0] if rtmp_back else None
    print(f"  SIGKILL of the {which} ({'show process' if which == 'show' else 'Ray actor owning the show'}): "
          f"back on air {on_air:.1f} s later" if on_air is not None else f"  SIGKILL of the {which}: not back in 120 s")
    print(f"    RTMP decodable again {seconds:.1f} s after the kill; restarts now {statuses()[room].restarts}"
          if seconds is not None else "    RTMP not decodable again within 120 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-rooms", type=int, default=3)
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured per step")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds after every room is live")
    parser.add_argument("--start-timeout", type=float, default=240.0)
    parser.add_argument("--profiles", default="720p,540p")
    parser.add_argument("--only-restart", action="store_true", help="skip the capacity steps")
    parser.add_argument("--voice", choices=("persona", "espeak"), default="persona",
                        help="persona: each persona's own voice (Kokoro); espeak: the light fallback voice")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    nginx = NginxRtmp(OUT / f"nginx-{os.getpid()}")
    nginx.start()
    print(f"bench_rooms: {os.cpu_count()} CPUs, load average {load()} at start, voice {args.voice}")
    started = time.monotonic()
    start_local(OUT / "state", room_slots=64, num_cpus=os.cpu_count())
    ray_start = time.monotonic() - started
    print(f"local Ray up in {ray_start:.1f} s; its processes {ray_rss_mb():.0f} MB RSS before any room")
    try:
        for profile in ([] if args.only_restart else args.profiles.split(",")):
            print(f"{profile}:")
            for count in range(1, args.max_rooms + 1):
                step = run_step(count, profile, args, nginx.url, up_at=started if count == 1 and
                                profile == args.profiles.split(",")[0] else None)
                print_step(step)
                _stop_everything()
                if not step["held"]:
                    break
        print("restart:")
        step = run_step(1, "720p", args, nginx.url, standby=True)
        if step["first_frame_s"]:
            room = next(iter(step["first_frame_s"]))
            kill_and_measure(room, nginx.url, "show")
            PAUSE.wait(5)
            kill_and_measure(room, nginx.url, "actor")
    finally:
        _stop_everything()
        ray.shutdown()
        nginx.stop()
    print(f"load average {load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
