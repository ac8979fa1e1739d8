"""`livehost chat-test`: connect one chat source and print each event as it arrives, one JSON line.

For a merchant to check their room id and keys before going live; `--url` points the Bilibili
adapter at another websocket (a test server), `--listen` says where the Douyin or webhook
receiver listens, `--seconds` stops it, `--record FILE` also appends the events to a chat.jsonl
that `livehost replay --chat FILE` can replay.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import TextIO

from chat.config import KINDS, SourceConfigError, SourceSpec, parse_source
from script.chat import ChatEvent

from .chat_sources import ChatRecorder, platform_source, register_secrets
from .clock import MediaClock, RealClock
from .jsonlog import use_json_logs


def source_options(p: argparse.ArgumentParser, flag: str) -> None:
    """The options naming one chat source (`run` and `chat-test` share them)."""
    p.add_argument(flag, dest="chat_source", choices=[k for k in KINDS if k != "websocket"],
                   help="read chat from this platform (credentials from the environment: see README)")
    p.add_argument("--room-id", help="Bilibili: the room number in live.bilibili.com/N; Douyin: the room id "
                                     "whose pushes are accepted")
    p.add_argument("--route", choices=("web", "open"), help="Bilibili: web (cookie optional) or open "
                                                             "(open-platform app keys and 身份码; needs --app-id)")
    p.add_argument("--app-id", type=int, help="Bilibili open platform: the project (app) id")
    p.add_argument("--url", dest="source_url", help="Bilibili: use this websocket instead of the platform's")
    p.add_argument("--listen", help="Douyin / webhook: HOST:PORT the receiver listens on")


def spec_from_args(args: argparse.Namespace, flag: str) -> SourceSpec | None:
    if not getattr(args, "chat_source", None):
        return None
    item: dict = {"source": args.chat_source}
    if args.room_id is not None:
        item["room_id"] = int(args.room_id) if args.chat_source == "bilibili" and args.room_id.isdigit() else args.room_id
    for key, value in (("route", args.route), ("app_id", args.app_id), ("url", args.source_url),
                       ("listen", args.listen)):
        if value is not None:
            item[key] = value
    try:
        return parse_source(item, flag)
    except SourceConfigError as exc:
        raise SystemExit(f"livehost: {exc}") from None


async def run_chat_test(spec: SourceSpec, seconds: float | None, out: TextIO, clock: MediaClock,
                        record: str | None = None, stop: asyncio.Event | None = None) -> int:
    recorder = ChatRecorder(record) if record else None
    source = platform_source(spec, clock)
    started = clock.now()
    printed = 0

    def emit(event: ChatEvent) -> None:
        nonlocal printed
        out.write(json.dumps({"t": round(event.t, 3), "type": event.type, "user": event.user, "nick": event.nick,
                              "text": event.text, "platform": event.platform}, ensure_ascii=False) + "\n")
        out.flush()
        printed += 1
        if recorder is not None:
            recorder.write(event)

    stop = stop or asyncio.Event()
    await source.start(emit, lambda: clock.now() - started)
    receiver = getattr(source, "receiver", None)
    print(f"chat-test: {source.name}" + (f", receiving at {receiver.url}" if receiver else "") +
          (f", for {seconds:g} s" if seconds else ", Ctrl-C stops"), file=sys.stderr)
    waits = [asyncio.create_task(stop.wait())]
    if seconds:
        waits.append(asyncio.create_task(clock.sleep_until(started + seconds)))
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
        await source.stop()
        if recorder is not None:
            recorder.close()
    print(f"chat-test: {printed} event(s)", file=sys.stderr)
    return 0


def cmd_chat_test(args: argparse.Namespace) -> int:
    spec = spec_from_args(args, "--source")
    if spec is None:
        raise SystemExit("livehost chat-test: --source is required")
    register_secrets((spec,))
    if args.log_format == "json":
        use_json_logs()

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await run_chat_test(spec, args.seconds, sys.stdout, RealClock(), args.record, stop)

    return asyncio.run(main())


def add_chat_test_parser(sub) -> None:
    p = sub.add_parser("chat-test", help="connect a chat source and print its events as JSON lines")
    source_options(p, "--source")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")
    p.add_argument("--record", help="also append the events to this chat.jsonl (replay format)")
    p.add_argument("--log-format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_chat_test)
