"""How long `livehost say` takes for a short line (target: under 2 s wall on a machine where set-up has run).

    .venv/bin/python bench/bench_say.py [--runs 7] [--persona default] [--text 到手价¥59.9]

cold: a fresh `livehost say` process each run, as the user types it (`--no-cache`, so the line is
synthesized, never replayed), wall time from exec to exit;
warm: the same line synthesized again by a process that has the voice loaded;
cached: a fresh process whose line is in the synthesis cache.
Medians; the 2-core machine may be shared, so the load average is printed with each run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 2.0
# The console script's own call: main() reads sys.argv, as `livehost say ...` does.
ENTRY = "import sys; from rooms.command import main; sys.exit(main())"


def run_say(text: str, persona: str, out: Path, cache: bool) -> float:
    command = [sys.executable, "-c", ENTRY, "say", text, "--persona", persona, "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command + ([] if cache else ["--no-cache"]), cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"livehost say failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def warm_times(text: str, persona: str, runs: int) -> tuple[float, float]:
    from speech.voice import make_engine
    from stream.persona_bundle import load_persona

    engine = make_engine(load_persona(persona).voice, fallback=False, background=False)
    engine.load()
    times, audio = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        audio = engine.synthesize(text).duration_s
        times.append(time.perf_counter() - started)
    return statistics.median(times), audio


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--persona", default="default")
    parser.add_argument("--text", default="到手价¥59.9")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; line {args.text!r}, persona {args.persona}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "say.wav"
        run_say(args.text, args.persona, out, cache=False)  # a first run may still build cache files
        cold = []
        for i in range(args.runs):
            load = os.getloadavg()[0]
            cold.append(run_say(args.text, args.persona, out, cache=False))
            print(f"  cold run {i + 1}: {cold[-1]:.2f} s (load average {load:.2f})")
        run_say(args.text, args.persona, out, cache=True)  # now in the user's synthesis cache
        cached = statistics.median(run_say(args.text, args.persona, out, cache=True) for _ in range(3))
    warm, audio = warm_times(args.text, args.persona, args.runs)
    median = statistics.median(cold)
    print(f"say, cold process: median {median:.2f} s = {median / TARGET_S:.2f} x the {TARGET_S:g} s target "
          f"(min {min(cold):.2f}, max {max(cold):.2f}; {audio:.2f} s of audio)")
    print(f"say, cached line, cold process: median {cached:.2f} s")
    print(f"warm (voice loaded): synthesis median {warm:.2f} s, RTF {warm / audio:.2f}")
    print(f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
