"""Chat flood from another process: N messages/s for S seconds to a chat websocket.

    python bench/chat_flood_client.py ws://127.0.0.1:8765 --rate 1000 --seconds 10
Prints one JSON line: sent, acknowledged, achieved rate.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time

from websockets.asyncio.client import connect

TEXTS = ["主播好", "这个茶多少钱?", "666", "有优惠吗", "发货快吗", "来了来了", "好看", "能便宜点吗?"]


async def flood(url: str, rate: int, seconds: float, connections: int = 4) -> dict:
    sent = acked = 0
    per_conn = rate / connections
    start = time.monotonic()

    async def one(c: int) -> None:
        nonlocal sent
        async with connect(url, max_queue=None) as ws:
            async def reader() -> None:
                nonlocal acked
                async for message in ws:
                    if '"ok"' in message:
                        acked += 1
            task = asyncio.create_task(reader())
            n = 0
            while (elapsed := time.monotonic() - start) < seconds:
                due = int(elapsed * per_conn)
                while n < due:
                    text = TEXTS[(n + c) % len(TEXTS)]
                    await ws.send(json.dumps({"type": "comment", "user": f"f{c}-{n}", "text": text},
                                             ensure_ascii=False))
                    n += 1
                    sent += 1
                await asyncio.sleep(0.005)
            await asyncio.sleep(1.0)  # let the last acknowledgements arrive
            task.cancel()

    await asyncio.gather(*(one(c) for c in range(connections)))
    return {"sent": sent, "acked": acked, "rate": sent / seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(flood(args.url, args.rate, args.seconds))))


if __name__ == "__main__":
    main()
