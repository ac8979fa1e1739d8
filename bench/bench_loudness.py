"""Loudness per persona as a listener's meter reads it: integrated EBU R128 loudness (LUFS, ffmpeg's
ebur128 filter) of the same selling lines spoken by each persona through the show's engine stack
(loudness normalisation included), and how far each is from the others and from the show target.

    .venv/bin/python bench/bench_loudness.py [--personas default beauty ...] [--lines 4]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.loudness import TARGET_LUFS, measure_lufs  # noqa: E402
from speech.types import SAMPLE_RATE  # noqa: E402
from speech.voice import make_engine  # noqa: E402
from stream.persona_bundle import load_persona, shipped_personas  # noqa: E402

LINES = [
    "家人们看过来，这款充电宝容量两万毫安时，支持六十五瓦快充。",
    "今天直播间下单，满三百减五十，第二件半价，到手价五十九点九元。",
    "这件羽绒服含绒量百分之九十，身高一百六十到一百六十五厘米选M码。",
    "宝宝的奶瓶可以高温消毒，六到十二月龄都能用，喜欢的家人点下方小黄车。",
    "七天无理由退货，四十八小时内发货，还有三十天保价，大家放心下单。",
    "这款面霜净含量五十毫升，早晚都能用，一瓶能用两个月。",
]


def ffmpeg_lufs(pcm: np.ndarray) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(SAMPLE_RATE)
            w.writeframes(pcm.astype("<i2").tobytes())
        result = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128",
                                 "-f", "null", "-"], capture_output=True, text=True, check=True)
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", result.stderr)[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--personas", nargs="+", default=shipped_personas())
    parser.add_argument("--lines", type=int, default=len(LINES))
    args = parser.parse_args()
    gap = np.zeros(SAMPLE_RATE // 3, dtype=np.int16)
    measured = {}
    for persona_id in args.personas:
        settings = load_persona(persona_id).voice
        engine = make_engine(settings, fallback=False)
        engine.load()
        parts = []
        for line in LINES[:args.lines]:
            parts += [engine.synthesize(line).pcm, gap]
        pcm = np.concatenate(parts)
        measured[persona_id] = ffmpeg_lufs(pcm)
        print(f"{persona_id:12s} {settings.voice:26s} speed {settings.speed:<4g} ffmpeg ebur128 "
              f"{measured[persona_id]:6.2f} LUFS   livehost meter {measure_lufs(pcm):6.2f} LUFS", flush=True)
    values = list(measured.values())
    print(f"\nshow target {TARGET_LUFS:g} LUFS; personas {min(values):.2f} .. {max(values):.2f} LUFS "
          f"(spread {max(values) - min(values):.2f} dB, furthest from target "
          f"{max(abs(v - TARGET_LUFS) for v in values):.2f} dB)")


if __name__ == "__main__":
    main()
