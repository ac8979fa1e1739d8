"""How soon the live show speaks: from frame 0 (on air) to the first audio, to the first line's start
and to the first selling line's start, with the real voice and an empty synthesis cache (a catalog
the machine never spoke before), frames paced at 25 fps as `livehost run` paces them.

    .venv/bin/python bench/bench_first_line.py [--persona default] [--seconds 20] [--runs 3]

Target (issue 17): the first selling line on air within 2 s of start. The show opens with its AI
disclosure, which the law requires before anything is sold; both are reported.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from script.lines import LineKind  # noqa: E402
from script.director_messages import Say  # noqa: E402
from speech.voice import make_engine  # noqa: E402
from stream.cli import live_producer  # noqa: E402
from stream.media import FPS  # noqa: E402
from stream.show_config import ShowConfig  # noqa: E402
from stream.supervisor import SupervisedSpeech  # noqa: E402

SELLING = {LineKind.OPENER, LineKind.SPECS, LineKind.SCENE, LineKind.OBJECTION, LineKind.PROMOTION,
           LineKind.POLICY, LineKind.CLOSE}


def one_run(persona: str, seconds: float, cache: Path) -> dict[str, float]:
    def engine_for(voice):
        def fresh():
            engine = make_engine(voice, cache_dir=cache, reserve_memory=True)
            engine.load()
            return engine
        return SupervisedSpeech(fresh, ShowConfig().speech_timeout_s)

    started = time.perf_counter()
    producer = live_producer(["--persona", persona, "--no-embeddings"], engine_for)
    loaded = time.perf_counter() - started
    kinds: dict[str, LineKind] = {}

    def on_action(action, now):
        if isinstance(action, Say):
            for sentence in action.line.sentences:
                kinds.setdefault(sentence, action.line.kind)

    producer.add_action_listener(on_action)
    found: dict[str, float] = {"load": loaded}
    t0 = time.perf_counter()
    quiet = 0
    try:
        for index in range(int(seconds * FPS)):
            delay = t0 + index / FPS - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            chunk = producer.next_chunk()
            if not chunk.audio.any():
                if "first_audio" in found:
                    quiet += 1
                    found["longest_quiet_before_selling"] = max(found.get("longest_quiet_before_selling", 0.0),
                                                                quiet / FPS)
                continue
            quiet = 0
            at = index / FPS
            kind = next((k for text, k in kinds.items() if producer.last_subtitle and producer.last_subtitle in text),
                        None)
            found.setdefault("first_audio", at)
            if kind is not None:
                found.setdefault("first_line", at)
                found.setdefault("first_line_kind", kind.value)
                if kind in SELLING:
                    found["first_selling"] = at
                    break
    finally:
        producer.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persona", default="default")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; persona {args.persona}")
    runs = []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            runs.append(one_run(args.persona, args.seconds, Path(cache)))
        print(f"  run {i + 1}: " + ", ".join(f"{k} {v:.2f} s" if isinstance(v, float) else f"{k} {v}"
                                           for k, v in runs[-1].items())
              + f" (load average {os.getloadavg()[0]:.2f})")
    for key in ("first_audio", "first_line", "first_selling"):
        values = [r[key] for r in runs if key in r]
        if values:
            print(f"{key}: median {statistics.median(values):.2f} s after frame 0 ({len(values)}/{len(runs)} runs)")


if __name__ == "__main__":
    main()
