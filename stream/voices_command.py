"""`livehost voices install|check` (set-up of the Mandarin voice styles) and `livehost personas`."""
from __future__ import annotations

import argparse
import sys

from speech.kokoro_styles import JAPANESE_VOICES
from speech.voice_packs import (FIX, KOKORO_JS, MANDARIN_VOICES, VOICES_ENV, VoicePackError, install,
                                missing_or_corrupt, voices_dir)

from .persona_bundle import PersonaError, load_persona, shipped_personas


def cmd_voices(args: argparse.Namespace) -> int:
    folder = voices_dir(args.voices)
    if args.action == "check":
        problems = missing_or_corrupt(folder)
        for problem in problems:
            print(f"livehost voices: {problem}", file=sys.stderr)
        if problems:
            print(f"livehost voices: fix with: {FIX}", file=sys.stderr)
            return 1
        print(f"{folder}: {len(MANDARIN_VOICES)} Mandarin voices present and intact")
        return 0
    try:
        report = install(folder, tarball=args.from_tarball)
    except VoicePackError as exc:
        print(f"livehost voices: {exc}", file=sys.stderr)
        return 1
    if report.installed:
        source = f"npm pack {KOKORO_JS}" if report.downloaded else args.from_tarball
        print(f"{folder}: installed {', '.join(report.installed)} from {source}")
    else:
        print(f"{folder}: all {len(report.kept)} Mandarin voices already installed and intact")
    if args.voices:
        print(f"  the show reads them from {folder} when {VOICES_ENV}={folder} is set")
    return 0


def cmd_personas(args: argparse.Namespace) -> int:
    rows = [("id", "name", "industry", "voice", "speed", "appearance")]
    status = 0
    for persona_id in shipped_personas():
        try:
            bundle = load_persona(persona_id)
        except PersonaError as exc:
            print(f"livehost personas: {exc}", file=sys.stderr)
            status = 1
            continue
        voice = bundle.voice
        rows.append((bundle.persona_id, bundle.style.display_name, bundle.style.industry,
                     f"{voice.engine}:{voice.voice}", f"{voice.speed:g}", bundle.appearance.mode))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())
    print(f"\nvoices: Mandarin {', '.join(MANDARIN_VOICES)}; Japanese {', '.join(JAPANESE_VOICES)}")
    return status


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)  # CJK characters take two columns


def add_voices_parsers(sub: argparse._SubParsersAction) -> None:
    voices = sub.add_parser("voices", help="install or check the Mandarin Kokoro voice styles (set-up)")
    voices.add_argument("action", choices=("install", "check"))
    voices.add_argument("--voices", help=f"folder for the voice files (default ${VOICES_ENV}, else "
                                         "~/.cache/livehost/voices)")
    voices.add_argument("--from", dest="from_tarball", metavar="TGZ",
                        help=f"read the {KOKORO_JS} tarball from this file instead of npm (offline machines)")
    voices.set_defaults(func=cmd_voices)
    personas = sub.add_parser("personas", help="list the shipped personas with their industry and voice")
    personas.set_defaults(func=cmd_personas)
