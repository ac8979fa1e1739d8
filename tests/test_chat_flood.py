"""10,000 malformed or oversized websocket frames leave the chat server alive, with bounded memory."""
import asyncio
import base64
import random
import gc
import json
import tracemalloc

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from stream.chat_server import ChatServer

MALFORMED = [
    "not json", "{", "[]", "null", '{"type": "comment"}', '{"type": "nope", "text": "x", "user": "u"}',
    '{"type": "comment", "user": 5, "text": "x"}', '{"type": "comment", "user": "u", "text": ""}',
    json.dumps({"type": "comment", "user": "u", "text": "x" * 5000}), '{"a": ' * 200 + "1" + "}" * 200,
    b"\xff\xfe\x00binary",
]


def test_ten_thousand_bad_frames_leave_the_server_alive_with_bounded_memory():
    received = []

    async def scenario():
        server = ChatServer(received.append, lambda: 0.0, "127.0.0.1", 0)
        await server.start()
        try:
            async def malformed_batch(ws, count):
                for i in range(count):
                    await ws.send(MALFORMED[i % len(MALFORMED)])
                for _ in range(count):
                    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["ok"] is False

            async def oversized(count):
                closed = 0
                for _ in range(count):
                    async with connect(server.url, max_size=None) as ws:
                        await ws.send("x" * (server_max + 1))
                        try:
                            await asyncio.wait_for(ws.recv(), 10)
                        except ConnectionClosed as exc:
                            closed += exc.rcvd.code == 1009
                return closed

            server_max = 4096 * 4
            async with connect(server.url) as ws:
                await malformed_batch(ws, 500)  # warm up caches before measuring
                gc.collect()
                tracemalloc.start()
                before = tracemalloc.get_traced_memory()[0]
                for _ in range(94):
                    await malformed_batch(ws, 100)
            closed = await oversized(100)
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            async with connect(server.url) as ws:  # still serving
                await ws.send(json.dumps({"type": "comment", "user": "u1", "text": "还在吗"}, ensure_ascii=False))
                ok = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return closed, after - before, ok, server.malformed
        finally:
            await server.close()

    closed, growth, ok, malformed = asyncio.run(scenario())
    assert closed == 100  # oversized frames close with 1009 (message too big)
    assert malformed == 500 + 9400
    assert growth < 2_000_000, f"memory grew by {growth} bytes"
    assert ok["ok"] is True and [e.text for e in received] == ["还在吗"]


def test_a_client_that_stops_reading_misses_broadcasts_instead_of_piling_them_up():
    async def scenario():
        server = ChatServer(lambda event: None, lambda: 0.0, "127.0.0.1", 0)
        await server.start()
        try:
            async with connect(server.url) as idle_reader:
                for _ in range(200):
                    if server._clients:
                        break
                    await asyncio.sleep(0.01)
                idle_reader.transport.pause_reading()  # a viewer app that hangs: reads nothing from now on
                for i in range(3000):  # incompressible text, ~60 MB in all: more than socket buffers hold
                    text = base64.b64encode(random.randbytes(15000)).decode()
                    server.broadcast({"type": "reply", "text": text, "n": i})
                    await asyncio.sleep(0)
                pending = len([t for t in asyncio.all_tasks() if "_send_quietly" in repr(t.get_coro())])
                return server.skipped_broadcasts, pending, idle_reader
        finally:
            await server.close()

    skipped, pending, _ = asyncio.run(scenario())
    assert skipped > 2000  # once its buffer is full, the slow client is skipped
    assert pending < 100
