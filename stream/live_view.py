"""A local live view: the show as MPEG-TS over HTTP (`ffplay http://127.0.0.1:8080/live.ts`).

The TS muxer writes into TsBroadcast from the encoder thread; each viewer has a bounded
queue, and a viewer that falls behind is disconnected rather than slowing the show.
"""
from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("livehost.view")
_VIEWER_QUEUE = 256  # TS writes; about 10 s of video at our bitrates

_INDEX = """<!doctype html><meta charset="utf-8"><title>livehost</title>
<h1>livehost is live</h1>
<p>Open <code>http://{host}:{port}/live.ts</code> in a player: <code>ffplay http://{host}:{port}/live.ts</code>
or VLC (Media → Open Network Stream).</p><p>Chat websocket: <code>{chat}</code></p>
"""


def _end_stream(viewer: asyncio.Queue) -> None:
    while not viewer.empty():
        viewer.get_nowait()
    viewer.put_nowait(None)


class TsBroadcast:
    """A write-only file object that copies every byte to each connected viewer."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._viewers: set[asyncio.Queue[bytes | None]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def write(self, data: bytes) -> int:
        if self._loop is not None and self._viewers:
            self._loop.call_soon_threadsafe(self._fan_out, bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def _fan_out(self, data: bytes) -> None:
        for viewer in list(self._viewers):
            try:
                viewer.put_nowait(data)
            except asyncio.QueueFull:
                log.warning("live view: a viewer fell behind and was disconnected")
                self._viewers.discard(viewer)
                _end_stream(viewer)

    def subscribe(self) -> asyncio.Queue[bytes | None]:
        viewer: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_VIEWER_QUEUE)
        self._viewers.add(viewer)
        return viewer

    def unsubscribe(self, viewer: asyncio.Queue) -> None:
        self._viewers.discard(viewer)

    @property
    def viewers(self) -> int:
        return len(self._viewers)

    def end(self) -> None:
        """The show is over: every viewer's stream ends."""
        for viewer in list(self._viewers):
            _end_stream(viewer)
        self._viewers.clear()


class LiveViewServer:
    def __init__(self, broadcast: TsBroadcast, chat_url: str, host: str = "127.0.0.1", port: int = 8080) -> None:
        self._broadcast = broadcast
        self._chat_url = chat_url
        self._host = host
        self._port = port
        self._server: asyncio.base_events.Server | None = None

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1] if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}/live.ts"

    async def start(self) -> None:
        self._broadcast.bind(asyncio.get_running_loop())
        self._server = await asyncio.start_server(self._handle, self._host, self._port)

    async def close(self) -> None:
        self._broadcast.end()
        if self._server is not None:
            self._server.close()
            await asyncio.sleep(0)  # let viewer handlers see the end of stream and close
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            path = request.split(b" ", 2)[1].decode("latin-1") if request.count(b" ") >= 2 else "/"
            if path == "/live.ts":
                await self._stream(writer)
            elif path == "/":
                body = _INDEX.format(host=self._host, port=self.port, chat=self._chat_url).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            else:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                ConnectionError):
            pass
        finally:
            writer.close()

    async def _stream(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nCache-Control: no-store\r\n"
                     b"Connection: close\r\n\r\n")
        viewer = self._broadcast.subscribe()
        try:
            while (data := await viewer.get()) is not None:
                writer.write(data)
                await writer.drain()
        finally:
            self._broadcast.unsubscribe(viewer)
