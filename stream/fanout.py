"""Encode each AV chunk once and mux it into every output.

The encoder runs on one worker thread; each output writes on its own thread from a bounded
queue, so a peer that stops reading never freezes the recording, the live view or the show.
A network output (RTMP) that fails or stalls is closed and reopened with backoff, and one that
cannot be reached when the show starts is retried the same way from the start; timestamps
keep counting from the show's frame index, so the new session continues them monotonically
and starts at the next keyframe. Other outputs are dropped when they fail.

An encoder that raises is replaced by a fresh one for the next chunk (its codec state is not
trusted after an error); packets of the new one that would step back in time (the AAC priming
frame overlaps audio already sent) are held back, so every output stays monotonic.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .encoder import AVEncoder, EncodedPacket
from .media import FPS, AVChunk
from .outputs import RTMP_SCHEMES, MuxOutput, OutputError

log = logging.getLogger("livehost.outputs")
_OUTPUT_BACKLOG_FRAMES = 10 * FPS  # an output this far behind is considered stalled
_JOIN_TIMEOUT_S = 10.0
RECONNECT_BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # then every 8 s for as long as the show runs


def reconnects(target: object) -> bool:
    """Network pushes come back after a server restart; files and in-process writers do not."""
    return isinstance(target, str) and target.split(":", 1)[0].lower() in RTMP_SCHEMES


@dataclass(frozen=True)
class OutputSpec:
    name: str
    target: object = field(repr=False)  # a path, an rtmp:// URL (with its key), or a writable object
    format: str  # mp4 | flv | mpegts


class _OutputWorker:
    def __init__(self, output: MuxOutput, fail: Callable[[str, str], None],
                 reopen: Callable[[], MuxOutput] | None = None,
                 on_reconnect: Callable[[str], None] | None = None, connected: bool = True) -> None:
        self.output = output
        self._fail = fail
        self._reopen = reopen  # None: a failure drops the output for good
        self._on_reconnect = on_reconnect or (lambda name: None)
        self._queue: queue.Queue[list[EncodedPacket] | None] = queue.Queue(maxsize=_OUTPUT_BACKLOG_FRAMES)
        self._thread = threading.Thread(target=self._run, name=f"livehost-output-{output.name}", daemon=True)
        self.failed = False
        self.connected = connected  # False: not reached yet, the first write retries
        self.reconnects = 0
        self.dropped_batches = 0
        self._attempt = 0
        self._retry_at = 0.0 if connected else time.monotonic() + RECONNECT_BACKOFF_S[0]
        self._need_keyframe = False
        self._thread.start()

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    def offer(self, packets: list[EncodedPacket]) -> None:
        if self.failed:
            return
        try:
            self._queue.put_nowait(packets)
        except queue.Full:
            if self._reopen is not None:
                # A stalled ingest: shed the backlog; the writer reconnects once its write fails.
                self.dropped_batches += self._drain()
                return
            self.failed = True
            self._fail(self.output.name, f"{self.output.name} stalled: more than "
                                         f"{_OUTPUT_BACKLOG_FRAMES // FPS} s behind, dropped")

    def _drain(self) -> int:
        dropped = 0
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return dropped
            if item is None:  # never lose the end-of-show marker
                self._queue.put_nowait(None)
                return dropped
            dropped += 1

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
            if not self.connected and not self._try_reconnect():
                continue
            if self._need_keyframe:
                packets = self._from_keyframe(packets)
            try:
                self.output.write(packets)
            except OutputError as exc:
                self._lost(str(exc))
        try:
            self.output.close()
        except OutputError as exc:
            self._fail(self.output.name, str(exc))

    def _lost(self, message: str) -> None:
        if self._reopen is None:
            self.failed = True
            self._fail(self.output.name, message)
            return
        log.warning("output %s lost (%s); reconnecting with backoff", self.output.name, message)
        try:
            self.output.close()
        except OutputError:
            pass  # the write error above is what matters
        self.connected = False
        self._attempt = 0
        self._retry_at = time.monotonic() + RECONNECT_BACKOFF_S[0]

    def _try_reconnect(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        assert self._reopen is not None
        output = self._reopen()
        try:
            output.open()
        except OutputError as exc:
            self._attempt += 1
            delay = RECONNECT_BACKOFF_S[min(self._attempt, len(RECONNECT_BACKOFF_S) - 1)]
            self._retry_at = time.monotonic() + delay
            log.warning("output %s: reconnect attempt %d failed (%s); next in %g s",
                        self.output.name, self._attempt, exc, delay)
            return False
        self.output = output
        self._need_keyframe = True
        self.reconnects += 1
        log.info("output %s reconnected (reconnect #%d)", output.name, self.reconnects)
        self._on_reconnect(output.name)
        self.connected = True  # last: whoever sees it connected sees it counted too
        return True

    def _from_keyframe(self, packets: list[EncodedPacket]) -> list[EncodedPacket]:
        """A new session must open on a video keyframe; audio before it is dropped too so the
        two streams start together."""
        for i, packet in enumerate(packets):
            if packet.kind == "video" and packet.is_keyframe:
                self._need_keyframe = False
                return packets[i:]
        return []


class _MonotonicPackets:
    """Drops packets whose decode time is not after the last one sent of their kind."""

    def __init__(self) -> None:
        self._last_dts: dict[str, int] = {}
        self.dropped = 0

    def __call__(self, packets: Iterable[EncodedPacket]) -> list[EncodedPacket]:
        kept = []
        for packet in packets:
            last = self._last_dts.get(packet.kind)
            if last is not None and packet.dts <= last:
                self.dropped += 1
                continue
            self._last_dts[packet.kind] = packet.dts
            kept.append(packet)
        return kept


class Fanout:
    def __init__(self, specs: list[OutputSpec], max_chunks: int = 25,
                 on_error: Callable[[str, str], None] | None = None,
                 on_reconnect: Callable[[str], None] | None = None,
                 size: tuple[int, int] = (1280, 720),
                 encoder_factory: Callable[[int, int], AVEncoder] = AVEncoder,
                 on_encoder_restart: Callable[[], None] | None = None) -> None:
        self._specs = specs
        self._size = size  # (width, height) of the frames: 1280x720 or vertical 720x1280
        self._encoder_factory = encoder_factory
        self._encoder = encoder_factory(*size)
        self._monotonic = _MonotonicPackets()
        self.encoder_restarts = 0
        self._on_encoder_restart = on_encoder_restart or (lambda: None)
        self._workers: list[_OutputWorker] = []
        self._queue: queue.Queue[AVChunk | None] = queue.Queue(maxsize=max_chunks)
        self._thread = threading.Thread(target=self._run, name="livehost-encoder", daemon=True)
        self._on_error = on_error or (lambda name, message: None)
        self._on_reconnect = on_reconnect or (lambda name: None)
        self._lock = threading.Lock()
        self.errors: list[str] = []
        self.frames_written = 0

    def open(self) -> None:
        """Open every output. A network push that cannot be reached yet is retried with backoff
        for as long as the show runs; any other output that fails is reported and skipped."""
        for spec in self._specs:
            output = self._make_output(spec)
            reopen = (lambda spec=spec: self._make_output(spec)) if reconnects(spec.target) else None
            try:
                output.open()
            except OutputError as exc:
                if reopen is None:
                    self._fail(spec.name, str(exc))
                    continue
                log.warning("output %s unreachable at start (%s); retrying with backoff", spec.name, exc)
                self._workers.append(_OutputWorker(output, self._fail, reopen, self._on_reconnect, connected=False))
                continue
            self._workers.append(_OutputWorker(output, self._fail, reopen, self._on_reconnect))
        self._thread.start()

    def _make_output(self, spec: OutputSpec) -> MuxOutput:
        return MuxOutput(spec.target, spec.format, self._encoder, spec.name)

    @property
    def reconnects(self) -> int:
        return sum(w.reconnects for w in self._workers)

    @property
    def queue_depths(self) -> dict[str, int]:
        """Backlog per stage in frames (encoder input, then each output's writer)."""
        depths = {"encoder": self._queue.qsize()}
        depths.update({w.output.name: w.depth for w in self._workers})
        return depths

    @property
    def connected(self) -> dict[str, bool]:
        return {w.output.name: w.connected and not w.failed for w in self._workers}

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

    def _restart_encoder(self) -> None:
        try:
            self._encoder = self._encoder_factory(*self._size)
        except Exception:  # the old one is kept: the next chunk tries again
            log.exception("encoder could not be rebuilt")
            return
        self.encoder_restarts += 1
        self._on_encoder_restart()
        log.warning("encoder rebuilt (restart #%d); outputs continue from its first keyframe",
                    self.encoder_restarts)

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
                if chunk is not None:
                    self._restart_encoder()
            packets = self._monotonic(packets)
            for worker in self._workers:
                worker.offer(packets)
            if chunk is None:
                return
            self.frames_written += 1
