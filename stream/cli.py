"""`livehost` command line: run (the live show), demo (offline render), check-catalog, replay, say, chat-test,
voices, personas."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from script.catalog import Catalog, CatalogError
from script.guard import GuardRulesError
from speech.cache import default_tts_cache_dir
from speech.voice import make_engine

from .answering import make_answerer
from .catalog_file import default_catalog, load_catalog_file
from .catalog_images import image_problems
from .compliance import make_checker
from .demo import render_demo, scripted_question
from .fanout import OutputSpec
from .outputs import redact_url
from .persona_bundle import PersonaError, prepare_persona
from .cpu_load import slowdown as cpu_slowdown
from .preflight import StartupError
from .chat_test_command import add_chat_test_parser, source_options, spec_from_args
from .replay_command import add_replay_parser
from .say_command import add_say_parser
from .voices_command import add_voices_parsers
from .memory import fix_mmap_threshold, freeze_startup_objects, limit_malloc_arenas
from .run_show import run_show, supervised_engine_factory
from .supervisor import cover_restarts
from .show import ShowProducer
from .show_config import ConfigError, ShowConfig, load_show_config

log = logging.getLogger("livehost")
RTMP_ENV = "LIVEHOST_RTMP_URL"
# (width, height); landscape_540 is the light profile for packing many rooms on a node
LAYOUTS = {"landscape": (1280, 720), "vertical": (720, 1280), "landscape_540": (960, 540)}


def _catalog(path: str | None) -> Catalog:
    return load_catalog_file(path) if path else default_catalog()


def _producer(args: argparse.Namespace, engine_for=None, first_frame: int = 0,
              persona: str | None = None, live: bool = False, catalog: Catalog | None = None) -> ShowProducer:
    catalog = catalog or _catalog(args.catalog)
    prepared = prepare_persona(persona or args.persona, LAYOUTS[args.layout])  # a bad portrait or clip fails here
    if engine_for is not None:
        engine = engine_for(prepared.bundle.voice)
    else:
        engine = make_engine(prepared.bundle.voice, cache_dir=default_tts_cache_dir())
        engine.load()  # falls back to espeak-ng, with a log line, if the persona's engine cannot load
    answerer = make_answerer(catalog, embeddings=not getattr(args, "no_embeddings", False))
    polisher = None
    if getattr(args, "llm_model", None):
        from .llm_rewriter import RewriterConfig, load_rewriter  # torch loads only when asked for
        from .polish import BackgroundPolisher
        rewriter = load_rewriter(RewriterConfig(model_path=args.llm_model))
        polisher = BackgroundPolisher(rewriter, prepared.bundle.style.energy) if rewriter else None
    producer = ShowProducer(catalog, prepared.bundle, engine, started_at=datetime.now(timezone.utc), answerer=answerer,
                        checker=make_checker(getattr(args, "guard_rules", None)), renderer=prepared.renderer,
                        polisher=polisher, first_frame=first_frame, synthesize_in_background=live,
                        machine_load=cpu_slowdown if live else None)
    cover_restarts(engine, lambda: producer)
    return producer


def _rtmp_url(args: argparse.Namespace) -> str | None:
    """Stream URLs carry the key, so they come from the environment or a file, never argv."""
    if args.rtmp_url_file:
        return Path(args.rtmp_url_file).read_text(encoding="utf-8").strip()
    return os.environ.get(RTMP_ENV) or None


def cmd_demo(args: argparse.Namespace) -> int:
    producer = _producer(args)
    out = Path(args.out)
    question = scripted_question(args.seconds, args.question)
    started = time.perf_counter()
    result = render_demo(producer, args.seconds, out, [question])
    elapsed = time.perf_counter() - started
    for record in result.replies:
        if record.reply_text:
            print(f"  t={record.event.t:.2f}s viewer asked {record.event.text!r}; on air at "
                  f"t={record.t_on_air:.2f}s: {record.reply_text}")
    for error in result.output_errors:
        print(f"  output error: {error}", file=sys.stderr)
    print(f"wrote {out}: {result.frames} frames ({args.seconds:g} s) in {elapsed:.1f} s "
          f"({args.seconds / elapsed:.2f}x real time)")
    return 1 if result.output_errors else 0


def cmd_run(args: argparse.Namespace) -> int:
    if args.config:
        config = load_show_config(args.config)
        if args.seconds is not None:
            config = replace(config, seconds=args.seconds)
        return _run_with(args, _with_cli_chat(args, config))
    outputs = []
    url = _rtmp_url(args)
    if url:
        outputs.append(OutputSpec(f"rtmp {redact_url(url)}", url, "flv"))
    if args.record:
        outputs.append(OutputSpec(f"file {args.record}", args.record, "mp4"))
    config = ShowConfig(catalog=args.catalog, persona=args.persona, layout=args.layout, outputs=tuple(outputs),
                        rtmp_urls=(url,) if url else (), chat_host=args.host, chat_port=args.chat_port,
                        view_host=args.host, view_port=args.view_port, console=not args.no_console,
                        console_host=args.console_host, console_port=args.console_port, seconds=args.seconds,
                        log_format=args.log_format)
    return _run_with(args, _with_cli_chat(args, config))


def _with_cli_chat(args: argparse.Namespace, config: ShowConfig) -> ShowConfig:
    """--chat-source adds a platform source to the show's; --record-chat records its chat."""
    spec = spec_from_args(args, "--chat-source")
    if spec is not None:
        config = replace(config, chat_sources=(*config.chat_sources, spec))
    if args.record_chat:
        config = replace(config, chat_record=args.record_chat)
    return config


def live_producer(run_options: list[str], engine_for) -> ShowProducer:
    """The producer `livehost run <run_options>` puts on air (benchmarks measure this show)."""
    return _producer(build_parser().parse_args(["run", *run_options]), engine_for, live=True)


def replacement_producer(args: argparse.Namespace, engine_for, old: ShowProducer) -> ShowProducer:
    """A fresh producer for a stuck stage, on the live catalog and persona. The catalog on air,
    never the file again: it may be mid-edit or broken right now."""
    return _producer(args, engine_for, first_frame=old.frame_index, persona=old.persona.persona_id, live=True,
                     catalog=old.catalog)


def _run_with(args: argparse.Namespace, config: ShowConfig) -> int:
    """The show the options describe, on a supervised render stage with a supervised voice."""
    limit_malloc_arenas()  # before the show's threads exist
    fix_mmap_threshold()
    args.catalog, args.persona, args.layout = config.catalog, config.persona, config.layout
    engine_for = supervised_engine_factory(config.speech_timeout_s)
    producers = [_producer(args, engine_for, live=True)]

    def rebuild(old: ShowProducer) -> ShowProducer:
        producers.append(replacement_producer(args, engine_for, old))
        return producers[-1]

    frozen = freeze_startup_objects()  # models and catalog are loaded: out of the collector's way
    log.info("%d start-up objects frozen out of garbage collection", frozen)
    if getattr(args, "standby", False):
        if not _wait_for_go():
            return 0
        producers[0].begin_at(datetime.now(timezone.utc))
    try:
        return run_show(config, producers[0], rebuild, engine_for)
    finally:
        for producer in producers:  # background speech must stop before the interpreter does
            producer.close()


def _wait_for_go() -> bool:
    """--standby: loaded and waiting, holding no port, until a line on stdin puts it on air (its owner
    keeps one ready so a crashed show is replaced in seconds, not after a model load). EOF: not needed."""
    print("livehost standby: loaded, waiting for a line on stdin to go on air", flush=True)
    return bool(sys.stdin.readline())


def cmd_check_catalog(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog_file(args.file)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    for warning in catalog.warnings:
        print(f"warning: {warning}")
    images = image_problems(catalog)
    for problem in images:
        print(problem, file=sys.stderr)
    if images:
        print(f"{args.file}: {len(images)} product image(s) missing or unreadable", file=sys.stderr)
        return 1
    print(f"{args.file}: OK, {len(catalog.products)} products"
          + (f", {len(catalog.warnings)} warning(s)" if catalog.warnings else ""))
    return 0


def build_parser(extra_commands: tuple[Callable[[argparse._SubParsersAction], None], ...] = ()) \
        -> argparse.ArgumentParser:
    """`extra_commands` add sub-commands from packages above this one (rooms/), which stream never imports."""
    parser = argparse.ArgumentParser(prog="livehost", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def show_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", help="catalog YAML/JSON (default: the embedded example catalog)")
        p.add_argument("--persona", default="default", help="persona id under personas/ or a bundle folder")
        p.add_argument("--guard-rules", help="your own guard rules (YAML), added to the default advertising-law rules")
        p.add_argument("--no-embeddings", action="store_true", help="answer with lexical retrieval only (no e5 model)")
        p.add_argument("--llm-model", help="local folder of a causal LM (transformers) that rewrites selling "
                                           "lines; a rewrite airs only if the guard passes it (needs .[llm])")
        p.add_argument("--layout", choices=sorted(LAYOUTS), default="landscape",
                       help="landscape 1280x720, vertical 720x1280 with overlays in the phone apps' safe area, "
                            "or landscape_540 960x540 (lighter, for many rooms on one machine)")

    run = sub.add_parser("run", help="run the live show until stopped")
    show_options(run)
    run.add_argument("--host", default="127.0.0.1", help="address for the chat websocket and live view only")
    run.add_argument("--chat-port", type=int, default=8765)
    run.add_argument("--view-port", type=int, default=8080)
    run.add_argument("--record", help="also record the show to this MP4 file")
    run.add_argument("--rtmp-url-file", help=f"file holding the RTMP URL with its key (or set {RTMP_ENV})")
    run.add_argument("--seconds", type=float, help="stop by itself after this many seconds")
    run.add_argument("--config", help="show config YAML (catalog, persona, outputs, console, chat); see "
                                      "examples/show.yaml. Other run options are ignored, except --seconds")
    run.add_argument("--console-port", type=int, default=8090, help="operator console, WebRTC preview, /metrics")
    run.add_argument("--console-host", default="127.0.0.1",
                     help="address for the console (its token travels in plain HTTP: keep it on loopback or "
                          "put it behind a TLS proxy)")
    run.add_argument("--no-console", action="store_true", help="run without the operator console")
    run.add_argument("--log-format", choices=("json", "text"), default="json")
    run.add_argument("--standby", action="store_true", help="load everything, then wait for a line on stdin "
                                                           "before taking the ports and going on air")
    source_options(run, "--chat-source")
    run.add_argument("--record-chat", help="append the show's chat to this chat.jsonl (replay it with livehost replay)")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="render an N-second show offline, as fast as possible")
    show_options(demo)
    demo.add_argument("--seconds", type=float, default=20.0)
    demo.add_argument("--out", default="show.mp4")
    demo.add_argument("--question", default="这个茶多少钱?", help="what the scripted viewer asks at N/3 s")
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser("check-catalog", help="validate a catalog and list every problem")
    check.add_argument("file")
    check.set_defaults(func=cmd_check_catalog)
    add_replay_parser(sub)
    add_chat_test_parser(sub)
    add_say_parser(sub)
    add_voices_parsers(sub)
    for add in extra_commands:
        add(sub)
    return parser


def main(argv: list[str] | None = None,
         extra_commands: tuple[Callable[[argparse._SubParsersAction], None], ...] = ()) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser(extra_commands).parse_args(argv)
    try:
        return args.func(args)
    except (CatalogError, PersonaError, GuardRulesError, ConfigError, StartupError) as exc:
        print(f"livehost: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
