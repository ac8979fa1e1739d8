"""`livehost replay`: test a show on recorded chat before it goes live."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .answering import make_answerer
from .catalog_file import load_catalog_file, log_warnings
from .compliance import audit_aired, make_checker
from .persona_bundle import load_persona
from .replay import ReplaySimulator, read_chat_lines
from .replay_report import write_report


def _start_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"livehost replay: --start {text!r} is not an ISO date-time (e.g. 2026-11-23T20:00+08:00)")
    if start.tzinfo is None:
        raise SystemExit(f"livehost replay: --start {text!r} needs a UTC offset, e.g. +08:00")
    return start


def cmd_replay(args: argparse.Namespace) -> int:
    catalog = load_catalog_file(args.catalog)
    log_warnings(catalog)
    persona = load_persona(args.persona)
    chat_path = Path(args.chat)
    try:
        chat_text = chat_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"livehost replay: cannot read chat file {chat_path}: {exc}", file=sys.stderr)
        return 2
    chat = read_chat_lines(chat_text)
    checker = make_checker(args.guard_rules)
    answerer = make_answerer(catalog, embeddings=not args.no_embeddings)
    started = time.perf_counter()
    simulator = ReplaySimulator(catalog, persona.style, seed=args.seed, started_at=_start_time(args.start),
                                checker=checker, answerer=answerer, event_budget_s=args.event_budget)
    result = simulator.run(chat, until=args.seconds)
    elapsed = time.perf_counter() - started
    violations = audit_aired(result, catalog, checker)
    report = write_report(result, Path(args.out), violations=len(violations), catalog=catalog)
    summary = report["summary"]
    for record in result.events:
        if record.error:
            print(f"  {chat_path}:{record.line}: skipped malformed line: {record.error}", file=sys.stderr)
    print(f"replayed {summary['events']} events ({summary['malformed']} malformed) over {result.duration_s:.0f} s "
          f"of show in {elapsed:.2f} s ({result.duration_s / max(elapsed, 1e-9):.0f}x real time)")
    print(f"  questions {summary['questions']}, answered {summary['answered']}, p95 answer "
          f"{summary['p95_answer_s']} s, guard blocks {summary['guard_blocks']}")
    print(f"  wrote {Path(args.out) / 'report.json'} and report.html")
    return 0


def add_replay_parser(sub: argparse._SubParsersAction) -> None:
    replay = sub.add_parser("replay", help="replay recorded chat against a catalog and write a report")
    replay.add_argument("--catalog", required=True, help="catalog YAML/JSON/CSV")
    replay.add_argument("--chat", required=True, help="recorded chat, one JSON event per line")
    replay.add_argument("--persona", default="default", help="persona id under personas/ or a bundle folder")
    replay.add_argument("--out", required=True, help="folder for report.json and report.html")
    replay.add_argument("--seed", type=int, default=0, help="same seed, same report")
    replay.add_argument("--start", help="wall-clock show start, ISO with offset (default: now); "
                                        "decides which promotions have expired")
    replay.add_argument("--seconds", type=float, help="simulate this long (default: last event + 30 s)")
    replay.add_argument("--guard-rules", help="your own guard rules (YAML), added to the default rules")
    replay.add_argument("--event-budget", type=float, default=10.0,
                        help="seconds one chat event may take before it is recorded as an error and skipped")
    replay.add_argument("--no-embeddings", action="store_true", help="lexical retrieval only (faster, no e5 model)")
    replay.set_defaults(func=cmd_replay)
