"""Chat floods against a live show on the real clock: what gets in, what is shed, and how long a
viewer's fresh question waits for its answer during the flood.

    .venv/bin/python bench/bench_chat_flood.py                    # 1 and 50 flooding sockets, 10 s each
    .venv/bin/python bench/bench_chat_flood.py --seconds 30 --rate 2000

The show runs in this process (default persona, espeak voice, no outputs); each flood comes from
another process (bench/chat_flood_client.py) at `--rate` messages/s over 1, then 50 sockets, of
questions and chatter mixed (the flood's questions that get in are answered too, in turn), or with
`--spam` of chatter only.
Halfway through each flood a viewer on their own connection asks "充电宝能带上飞机吗?" (a
question the flood never asks, so its answer cannot ride on one to the flood) and waits for it. Prints one JSON object: per flood, messages sent/accepted/refused, the show's
/metrics counters (rate limited, shed, merged), and the question's answer latency (show
seconds from asking to the answer's first frame on air), next to the same question with no flood.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speech.voice import make_engine  # noqa: E402
from stream.admission import ChatLimits  # noqa: E402
from stream.catalog_file import default_catalog  # noqa: E402
from stream.live import LiveConfig, LiveShow  # noqa: E402
from stream.persona_bundle import load_persona  # noqa: E402
from stream.show import ShowProducer  # noqa: E402

QUESTION = "充电宝能带上飞机吗?"


async def ask(url: str, user: str, timeout_s: float = 90.0) -> dict:
    """One question from its own connection; the latency of its answer, or how long it waited in vain."""
    started = time.monotonic()
    async with connect(url, max_queue=None) as ws:
        await ws.send(json.dumps({"type": "comment", "user": user, "text": QUESTION}, ensure_ascii=False))
        ack = None
        while time.monotonic() - started < timeout_s:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout_s))
            except asyncio.TimeoutError:
                break
            if "ok" in message and ack is None:
                ack = message
            if message.get("type") == "reply" and message.get("user") == user:
                return {"ack": ack, "latency_s": round(message["t_on_air"] - message["t_asked"], 3),
                        "wall_s": round(time.monotonic() - started, 3), "text": message["text"]}
    return {"ack": ack, "latency_s": None, "waited_s": round(time.monotonic() - started, 1)}


def counters(show: LiveShow) -> dict:
    lines = [line.split() for line in show.metrics.render().splitlines() if line.startswith("livehost_chat_")]
    return {name: float(value) for name, value in lines}


async def flood_with_question(show: LiveShow, rate: int, seconds: float, connections: int, spam: bool) -> dict:
    before = counters(show)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "chat_flood_client.py"), show.chat.url, "--rate", str(rate),
        "--seconds", str(seconds), "--connections", str(connections), *(["--spam"] if spam else []),
        stdout=subprocess.PIPE)
    await asyncio.sleep(seconds / 2)
    question = await ask(show.chat.url, f"viewer-{connections}")
    out, _ = await proc.communicate()
    after = counters(show)
    return {"connections": connections, "client": json.loads(out.decode().strip().splitlines()[-1]),
            "metrics": {k: after[k] - before.get(k, 0) for k in after if "backlog" not in k},
            "question": question}


async def main_async(args: argparse.Namespace) -> dict:
    persona = load_persona("default")
    producer = ShowProducer(default_catalog(), persona, make_engine(persona.voice.with_engine("espeak")),
                            synthesize_in_background=True)
    limits = ChatLimits(client_rate=args.client_rate, client_burst=args.client_burst)
    show = LiveShow(producer, LiveConfig(chat_port=0, live_view=False, chat_limits=limits))
    task = asyncio.create_task(show.run())
    await asyncio.wait_for(show.ready.wait(), 60)
    try:
        await asyncio.sleep(2)
        result = {"no_flood": {"question": await ask(show.chat.url, "viewer-calm")}}
        for connections in (1, 50):
            await asyncio.sleep(5)  # the floods' last messages are read; the limits refill
            result[f"flood_{connections}_sockets"] = await flood_with_question(show, args.rate, args.seconds,
                                                                               connections, args.spam)
        result["limits"] = vars(show.chat.admission.limits)
        result["idle_frames"] = show.metrics.idle_frames
        return result
    finally:
        show.stop()
        await asyncio.wait_for(task, 60)
        producer.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=2000, help="messages/s of each flood, over all its sockets")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--spam", action="store_true", help="the floods send only chatter the host does not answer")
    parser.add_argument("--client-rate", type=float, default=ChatLimits.client_rate)
    parser.add_argument("--client-burst", type=float, default=ChatLimits.client_burst)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
