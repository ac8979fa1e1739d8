"""Encode each AV chunk once and mux it into every output.

The encoder runs on one worker thread; each output writes on its own thread from a bounded
queue, so a peer that stops reading (a stalled RTMP ingest) is dropped when it falls too far
behind instead of freezing the recording, the live view and the show.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Callable

from .encoder import AVEncoder, EncodedPacket
from .media import FPS, AVChunk
from .outputs import MuxOutput, OutputError

log = logging.getLogger("livehost.outputs")
_OUTPUT_BACKLOG_FRAMES = 10 * FPS  # an output this far behind is considered stalled
_JOIN_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class OutputSpec:
    name: str
    target: object  # a path, an rtmp:// URL, or a writable file-like object
    format: str  # mp4 | flv | mpegts


class _OutputWorker:
    def __init__(self, output: MuxOutput, fail: Callable[[str, str], None]) -> None:
        self.output = output
        self._fail = fail
        self._queue: queue.Queue[list[EncodedPacket] | None] = queue.Queue(maxsize=_OUTPUT_BACKLOG_FRAMES)
        self._thread = threading.Thread(target=self._run, name=f"livehost-output-{output.name}", daemon=True)
        self.failed = False
        self._thread.start()

    def offer(self, packets: list[EncodedPacket]) -> None:
        if self.failed:
            return
        try:
            self._queue.put_nowait(packets)
        except queue.Full:
            self.failed = True
            self._fail(self.output.name, f"{self.output.name} stalled: more than "
                                         f"{_OUTPUT_BACKLOG_FRAMES // FPS} s behind, dropped")

    def finish(self) -> None:
        try:
            self._queue.put(None, timeout=_JOIN_TIMEOUT_S)
        except queue.Full:
            pass
        self._thread.join(timeout=_JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            log.error("output %s did not finish within %g s; abandoning it", self.output.name, _JOIN_TIMEOUT_S)

    def _run(self) -> None:
        while (packets := self._queue.get()) is not None:
            if self.failed:
                continue
            try:
                self.output.write(packets)
            except OutputError as exc:
                self.failed = True
                self._fail(self.output.name, str(exc))
        try:
            self.output.close()
        except OutputError as exc:
            self._fail(self.output.name, str(exc))


class Fanout:
    def __init__(self, specs: list[OutputSpec], max_chunks: int = 25,
                 on_error: Callable[[str, str], None] | None = None,
                 size: tuple[int, int] = (1280, 720)) -> None:
        self._specs = specs
        self._encoder = AVEncoder(*size)  # (width, height) of the frames: 1280x720 or vertical 720x1280
        self._workers: list[_OutputWorker] = []
        self._queue: queue.Queue[AVChunk | None] = queue.Queue(maxsize=max_chunks)
        self._thread = threading.Thread(target=self._run, name="livehost-encoder", daemon=True)
        self._on_error = on_error or (lambda name, message: None)
        self._lock = threading.Lock()
        self.errors: list[str] = []
        self.frames_written = 0

    def open(self) -> None:
        """Open every output; those that fail are reported and skipped."""
        for spec in self._specs:
            output = MuxOutput(spec.target, spec.format, self._encoder, spec.name)
            try:
                output.open()
            except OutputError as exc:
                self._fail(spec.name, str(exc))
                continue
            self._workers.append(_OutputWorker(output, self._fail))
        self._thread.start()

    @property
    def active(self) -> list[str]:
        return [w.output.name for w in self._workers if not w.failed]

    def put(self, chunk: AVChunk, timeout: float | None = None) -> None:
        """Blocks while the encoder is behind: back-pressure instead of unbounded memory."""
        self._queue.put(chunk, timeout=timeout)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        for worker in self._workers:
            worker.finish()

    def _fail(self, name: str, message: str) -> None:
        log.error("output %s failed: %s", name, message)
        with self._lock:
            self.errors.append(message)
        self._on_error(name, message)

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            try:
                packets = self._encoder.flush() if chunk is None else self._encoder.encode(chunk)
            except Exception as exc:  # keep the worker alive: a stuck put() would stall the show
                log.exception("encoder failed on chunk %s", None if chunk is None else chunk.index)
                self._fail("encoder", f"encoder: {exc}")
                packets = []
            for worker in self._workers:
                worker.offer(packets)
            if chunk is None:
                return
            self.frames_written += 1
