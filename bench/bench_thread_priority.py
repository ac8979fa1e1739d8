"""Frame-slot lateness while Kokoro synthesizes ahead, with synthesis at normal and at background
CPU priority.

    .venv/bin/python bench/bench_thread_priority.py            # 20 s per mode

A frame task (about 6 ms of numpy work, like rendering one frame) is due every 40 ms; Kokoro
synthesizes sentences back to back on two threads beside it, as the speech stage does when it
works ahead. Prints how long after each slot the frame task finished (p50/p95/p99/max) for
synthesis at nice 0 and at speech.thread_priority.BACKGROUND_NICE, and Kokoro's throughput in
each mode (seconds of speech made per wall second). Each mode runs in its own process because a
model session keeps the priority it was built with.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the frame task is one thread, as rendering is

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = ["这款保湿面霜质地轻薄，适合干皮和混合皮日常使用。", "今天直播间下单再送同款小样两支，库存有限。",
             "蓝牙耳机续航大约三十小时，支持快充十分钟听两小时。", "宝宝辅食推荐这款米粉，配料表只有大米和铁。"]


def run_mode(nice: int, seconds: float) -> dict:
    from speech import kokoro as kokoro_module
    from speech import thread_priority
    from speech.kokoro import KokoroEngine

    if nice == 0:  # the model's pool is built at the caller's (the frame path's) priority
        kokoro_module.call_at_background_priority = lambda work: work()
    engine = KokoroEngine("jf_gongitsune", 1.0)
    engine.load()
    engine.synthesize(SENTENCES[0])
    stop = threading.Event()
    spoken = [0.0]

    def synthesize_ahead() -> None:
        if nice:
            thread_priority.lower_this_thread(nice)
        i = 0
        while not stop.is_set():
            utterance = engine.synthesize(SENTENCES[i % len(SENTENCES)] + "第%d遍。" % i)
            spoken[0] += utterance.pcm.shape[0] / 48000
            i += 1

    worker = threading.Thread(target=synthesize_ahead, daemon=True)
    worker.start()
    time.sleep(1.0)
    frame = np.random.rand(200, 200)
    late = []
    start = time.monotonic()
    slots = int(seconds * 25)
    for i in range(slots):
        due = start + (i + 1) / 25
        time.sleep(max(0.0, due - time.monotonic()))
        for _ in range(15):
            frame @ frame
        late.append(time.monotonic() - due)
    wall = time.monotonic() - start
    stop.set()
    worker.join()
    ms = np.array(late) * 1000
    return {"nice": nice, "frames": slots, "late_ms_p50": round(float(np.percentile(ms, 50)), 1),
            "late_ms_p95": round(float(np.percentile(ms, 95)), 1),
            "late_ms_p99": round(float(np.percentile(ms, 99)), 1), "late_ms_max": round(float(ms.max()), 1),
            "missed_slots": int((ms > 40).sum()), "speech_per_wall_s": round(spoken[0] / wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--mode", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode is not None:
        print(json.dumps(run_mode(args.mode, args.seconds)))
        return
    from speech.thread_priority import BACKGROUND_NICE
    for nice in (0, BACKGROUND_NICE):
        out = subprocess.run([sys.executable, __file__, "--seconds", str(args.seconds), "--mode", str(nice)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"synthesis at nice {r['nice']:>2}: frame task done after its slot p50 {r['late_ms_p50']} ms, "
              f"p95 {r['late_ms_p95']} ms, p99 {r['late_ms_p99']} ms, max {r['late_ms_max']} ms; "
              f"{r['missed_slots']}/{r['frames']} past the next slot; "
              f"speech made {r['speech_per_wall_s']} s per wall second")


if __name__ == "__main__":
    main()
