"""Speech speed on this machine: real-time factor per engine, and time to first audio for a
20-character answer through the streaming form (target <= 0.5 s), plus cache hit speed.

    .venv/bin/python bench/bench_voice.py [--engines espeak kokoro] [--repeats 3]
    .venv/bin/python bench/bench_voice.py --voices all --personas [--repeats 2]   # RTF table per voice

RTF = synthesis seconds / audio seconds (lower is faster; < 1 keeps up with real time).
Figures are medians over repeats; the 2-core machine may be shared, so the load average is printed.
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

from speech.streaming import synthesize_stream  # noqa: E402
from speech.voice import VoiceSettings, make_engine  # noqa: E402

LINES = [
    "欢迎来到直播间，今天给大家带来的是福建安溪的高山乌龙茶。",
    "这款充电宝容量是10000mAh，支持65W快充，三十分钟能充到百分之八十。",
    "现在下单到手价89.9元，满199减30，拍两件更划算。",
    "七天无理由退货，四十八小时内发货，还有三十天保价。",
]
ANSWER_20 = "好问题，这款茶到手价八十九元，拍两件会更划算。"  # 20 Chinese characters (+ punctuation)


def rtf(engine, repeats: int) -> tuple[float, float]:
    """Median real-time factor over `repeats` passes of LINES, and the audio seconds of one pass."""
    engine.synthesize("你好")  # warm-up: first-call allocations
    rtfs, audio = [], 0.0
    for _ in range(repeats):
        synth = audio = 0.0
        for line in LINES:
            started = time.perf_counter()
            audio += engine.synthesize(line).duration_s
            synth += time.perf_counter() - started
        rtfs.append(synth / audio)
    return statistics.median(rtfs), audio


def voice_table(voices: list[str], personas: bool, repeats: int) -> None:
    """One RTF row per Kokoro voice, and per persona as configured (blend and speed): the same model
    for all, so the rows should agree; a row far off says the machine was busy, not the voice."""
    from speech.kokoro_styles import JAPANESE_VOICES
    from speech.voice_packs import MANDARIN_VOICES
    from stream.persona_bundle import load_persona, shipped_personas

    rows = [(v, VoiceSettings.from_dict({"engine": "kokoro", "voice": v}, "bench"))
            for v in (list(MANDARIN_VOICES) + list(JAPANESE_VOICES[:2]) if voices == ["all"] else voices)]
    if personas:
        rows += [(f"persona {p}", load_persona(p).voice) for p in shipped_personas()]
    print(f"| voice | RTF (2 threads) | audio s | load average |\n|---|---|---|---|")
    for name, settings in rows:
        engine = make_engine(settings, fallback=False, background=False)
        engine.load()
        load = os.getloadavg()[0]
        value, audio = rtf(engine, repeats)
        print(f"| {name} ({settings.voice}, speed {settings.speed:g}) | {value:.2f} | {audio:.1f} | {load:.2f} |",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["espeak", "kokoro"])
    parser.add_argument("--voice", default=None, help="voice for the non-espeak engines")
    parser.add_argument("--voices", nargs="+", help="Kokoro voices for an RTF table ('all': 8 Mandarin + 2 Japanese)")
    parser.add_argument("--personas", action="store_true", help="add each shipped persona's voice to the table")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.voices or args.personas:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        voice_table(args.voices or [], args.personas, args.repeats)
        return
    chinese = sum("\u4e00" <= c <= "\u9fff" for c in ANSWER_20)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    for name in args.engines:
        voice = args.voice if args.voice and name != "espeak" else None
        settings = VoiceSettings.from_dict({"engine": name, **({"voice": voice} if voice else {})}, "bench")
        engine = make_engine(settings, fallback=False)
        started = time.perf_counter()
        engine.load()
        load_s = time.perf_counter() - started
        value, _ = rtf(engine, args.repeats)
        firsts = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            first = next(synthesize_stream(engine, ANSWER_20))
            firsts.append(time.perf_counter() - started)
        print(f"{name:7s} voice={settings.voice:14s} load {load_s:5.2f} s  RTF {value:.3f}  "
              f"first audio for a {chinese}-character answer {statistics.median(firsts):.3f} s "
              f"(first chunk {first.text!r}, {first.duration_s:.2f} s of audio)")
    with tempfile.TemporaryDirectory() as folder:
        cached = make_engine(VoiceSettings.from_dict({"engine": args.engines[-1]}, "bench"), cache_dir=Path(folder))
        cached.load()
        started = time.perf_counter()
        cached.synthesize(LINES[0])
        miss = time.perf_counter() - started
        started = time.perf_counter()
        cached.synthesize(LINES[0])
        hit = time.perf_counter() - started
        print(f"cache ({args.engines[-1]}): miss {miss:.3f} s, hit {hit * 1000:.1f} ms ({miss / hit:.0f}x faster)")
        # Live, the persona's acknowledgement is pre-synthesized at show start and plays at once
        # while the answer itself is synthesized on the playout worker.
        ack = "这个问题问得好，我来回答一下。"
        cached.primary.warm_now([ack])  # make_engine wraps the cached Kokoro in the espeak fallback
        started = time.perf_counter()
        first = cached.synthesize(ack)
        print(f"first audio with the acknowledgement pre-synthesized: {(time.perf_counter() - started) * 1000:.1f} ms "
              f"({first.text!r}, {first.duration_s:.2f} s, while the answer is synthesized behind it)")


if __name__ == "__main__":
    main()
