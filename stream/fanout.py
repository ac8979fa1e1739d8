"""Encode each AV chunk once and mux it into every output, on a worker thread.

A failing output is reported and dropped; the others, and the show, keep going.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Callable

from .encoder import AVEncoder
from .media import AVChunk
from .outputs import MuxOutput, OutputError

log = logging.getLogger("livehost.outputs")


@dataclass(frozen=True)
class OutputSpec:
    name: str
    target: object  # a path, an rtmp:// URL, or a writable file-like object
    format: str  # mp4 | flv | mpegts


class Fanout:
    def __init__(self, specs: list[OutputSpec], max_chunks: int = 25,
                 on_error: Callable[[str, str], None] | None = None) -> None:
        self._specs = specs
        self._encoder = AVEncoder()
        self._outputs: list[MuxOutput] = []
        self._queue: queue.Queue[AVChunk | None] = queue.Queue(maxsize=max_chunks)
        self._thread = threading.Thread(target=self._run, name="livehost-encoder", daemon=True)
        self._on_error = on_error or (lambda name, message: None)
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
            self._outputs.append(output)
        self._thread.start()

    @property
    def active(self) -> list[str]:
        return [o.name for o in self._outputs]

    def put(self, chunk: AVChunk, timeout: float | None = None) -> None:
        """Blocks when the encoder is behind: back-pressure instead of unbounded memory."""
        self._queue.put(chunk, timeout=timeout)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        for output in self._outputs:
            try:
                output.close()
            except OutputError as exc:
                self._fail(output.name, str(exc))
        self._outputs.clear()

    def _fail(self, name: str, message: str) -> None:
        log.error("output %s failed: %s", name, message)
        self.errors.append(message)
        self._on_error(name, message)

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            try:
                packets = self._encoder.flush() if chunk is None else self._encoder.encode(chunk)
            except Exception as exc:  # keep the worker alive: a stuck put() would stall the show
                log.exception("encoder failed on chunk %s", None if chunk is None else chunk.index)
                self.errors.append(f"encoder: {exc}")
                packets = []
            for output in list(self._outputs):
                try:
                    output.write(packets)
                except OutputError as exc:
                    self._outputs.remove(output)
                    self._fail(output.name, str(exc))
            if chunk is None:
                return
            self.frames_written += 1
