"""Chat flood from another process: N messages/s for S seconds to a chat websocket.

    python bench/chat_flood_client.py ws://127.0.0.1:8765 --rate 1000 --seconds 10 [--connections 4]
Prints one JSON line: sent, acknowledged (accepted: {"ok": true}; refused: rate limited or
malformed), achieved rate.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time

from websockets.asyncio.client import connect

TEXTS = ["主播好", "这个茶多少钱?", "666", "有优惠吗", "发货快吗", "来了来了", "好看", "能便宜点吗?"]
SPAM = ["666", "来了来了", "好看", "哈哈哈"]  # nothing the host answers (--spam)


async def flood(url: str, rate: int, seconds: float, connections: int = 4, texts: list[str] = TEXTS) -> dict:
    sent = acked = accepted = 0
    per_conn = rate / connections
    start = time.monotonic()

    async def one(c: int) -> None:
        nonlocal sent
        async with connect(url, max_queue=None) as ws:
            async def reader() -> None:
                nonlocal acked, accepted
                async for message in ws:
                    if '"ok"' in message:
                        acked += 1
                        accepted += '"ok": true' in message
            task = asyncio.create_task(reader())
            n = 0
            while (elapsed := time.monotonic() - start) < seconds:
                due = int(elapsed * per_conn)
                while n < due:
                    text = texts[(n + c) % len(texts)]
                    await ws.send(json.dumps({"type": "comment", "user": f"f{c}-{n}", "text": text},
                                             ensure_ascii=False))
                    n += 1
                    sent += 1
                await asyncio.sleep(0.005)
            await asyncio.sleep(1.0)  # let the last acknowledgements arrive
            task.cancel()

    await asyncio.gather(*(one(c) for c in range(connections)))
    return {"sent": sent, "acked": acked, "accepted": accepted, "refused": acked - accepted, "rate": sent / seconds,
            "connections": connections}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--spam", action="store_true", help="only chat the host does not answer")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(flood(args.url, args.rate, args.seconds, args.connections,
                                       SPAM if args.spam else TEXTS))))


if __name__ == "__main__":
    main()
