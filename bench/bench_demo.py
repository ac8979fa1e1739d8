"""Demo render+encode speed at 720p as a multiple of real time, and peak RSS.

    .venv/bin/python bench/bench_demo.py [--seconds 60]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.voice import make_engine  # noqa: E402
from stream.catalog_file import default_catalog  # noqa: E402
from stream.demo import render_demo, scripted_question  # noqa: E402
from stream.persona_bundle import load_persona  # noqa: E402
from stream.show import ShowProducer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    persona = load_persona("default")
    engine = make_engine(persona.voice)
    engine.load()
    producer = ShowProducer(default_catalog(), persona, engine)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.mp4"
        started = time.perf_counter()
        cpu_started = time.process_time()
        result = render_demo(producer, args.seconds, out, [scripted_question(args.seconds)])
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = out.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo {args.seconds:g} s, {result.frames} frames 1280x720 @25fps, H.264+AAC MP4 ({size / 1e6:.1f} MB)")
    print(f"wall {wall:.1f} s -> {args.seconds / wall:.2f}x real time ({1000 * wall / result.frames:.1f} ms/frame)")
    print(f"cpu  {cpu:.1f} s -> {cpu / wall:.2f} cores busy on average")
    print(f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
