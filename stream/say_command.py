"""`livehost say TEXT --persona P --out FILE.wav [--engine E]`: hear a persona's voice quickly."""
from __future__ import annotations

import argparse
import logging
import sys
import time
import wave
from pathlib import Path

from speech.cache import default_tts_cache_dir
from speech.types import SAMPLE_RATE, Utterance
from speech.voice import DEFAULT_VOICES, ENGINES, VoiceSettings, make_engine, voice_problems

from .persona_bundle import PersonaError, load_persona


def write_wav(path: Path, utterance: Utterance) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(utterance.pcm.astype("<i2").tobytes())


def settings_for(args: argparse.Namespace) -> VoiceSettings:
    settings = load_persona(args.persona).voice
    if args.engine and args.engine != settings.engine:
        voice = args.voice or DEFAULT_VOICES[args.engine]
        return VoiceSettings.from_dict({"engine": args.engine, "voice": voice, "speed": settings.speed}, "--engine")
    if args.voice:
        return VoiceSettings.from_dict({"engine": settings.engine, "voice": args.voice, "speed": settings.speed},
                                       "--voice")
    return settings


def cmd_say(args: argparse.Namespace) -> int:
    try:
        settings = settings_for(args)
        if args.speed is not None:
            settings = settings.with_speed(args.speed)
    except ValueError as exc:
        print(f"livehost say: {exc}", file=sys.stderr)
        return 2
    problems = voice_problems(settings)
    if problems:
        print("livehost say: the voice is not installed:\n" + "\n".join(f"  - {p}" for p in problems),
              file=sys.stderr)
        return 2
    if settings.engine == "coqui":
        from speech.coqui import licence_notice
        notice = licence_notice(Path(settings.voice))
        if notice:
            print(f"WARNING: {notice}", file=sys.stderr)
    # Normal priority: at background priority a busy machine's other work starved the model's second
    # thread (measured 3.8 s against 1.45 s for one line while another job held a core).
    engine = make_engine(settings, cache_dir=None if args.no_cache else default_tts_cache_dir(), background=False)
    engine.load()
    started = time.perf_counter()
    utterance = engine.synthesize(args.text)
    elapsed = time.perf_counter() - started
    out = Path(args.out)
    write_wav(out, utterance)
    print(f"wrote {out}: {utterance.duration_s:.2f} s, {engine.name} voice {utterance.voice or settings.voice}, "
          f"{len(utterance.words)} words, synthesized in {elapsed:.2f} s")
    print(f"  read as: {utterance.spoken_text}")
    if engine.name != settings.engine:
        print(f"  note: {settings.engine} could not speak; this is the {engine.name} fallback (see the log)",
              file=sys.stderr)
    return 0


def add_say_parser(sub: argparse._SubParsersAction) -> None:
    say = sub.add_parser("say", help="speak TEXT with a persona's voice into a WAV file")
    say.add_argument("text")
    say.add_argument("--persona", default="default", help="persona id under personas/ or a bundle folder")
    say.add_argument("--out", default="say.wav", help="WAV file to write (48 kHz mono)")
    say.add_argument("--engine", choices=ENGINES, help="override the persona's engine")
    say.add_argument("--voice", help="override the voice id (Kokoro style, espeak voice, Coqui model folder)")
    say.add_argument("--speed", type=float, help="override the persona's speed (0.5..2.0)")
    say.add_argument("--no-cache", action="store_true", help="do not read or write the synthesis cache")
    say.set_defaults(func=cmd_say)


def main(argv: list[str]) -> int:
    """`livehost say ...` without the rest of the command line's imports (see rooms/command.py)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="livehost")
    add_say_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["say", *argv])
    try:
        return args.func(args)
    except PersonaError as exc:
        print(f"livehost: {exc}", file=sys.stderr)
        return 2
