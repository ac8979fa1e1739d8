"""Supervised stages: the show keeps going while a stage that raised or stalled is restarted.

RenderStage runs the producer (director + playout + renderer) on its own thread, at most a few
frames ahead of air time (a buffer measured in milliseconds). While its frames wait for room it
takes new chat, so a barge-in can take back the frames not yet on air. The pacer takes a frame per slot;
when none is ready it sends an idle frame instead, so the stream never stalls. A stage thread
that died, or that has been stuck in one frame for longer than `stall_s`, is abandoned and a
fresh producer is built (threads cannot be killed; the stuck one's output is discarded).

SupervisedSpeech runs a speech engine on its own worker with a deadline per sentence: a hung
engine costs a second of silence, is rebuilt, and a filler line is said when speech is back.
The deadline stretches with how oversubscribed the CPUs are (stream.cpu_load): on a machine
busy with other work, synthesis is slow, not hung, and rebuilding the engine there would only
lose the sentences in flight and spend more CPU loading the model again.
"""
from __future__ import annotations

import contextvars
import logging
import math
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Callable

from speech.priority import SynthesisInterrupted
from speech.thread_priority import lower_this_thread
from speech.types import SpeechEngine, SpeechEngineError, Utterance

from .cpu_load import slowdown as cpu_slowdown
from .frame_buffer import FrameBuffer
from .media import FPS, AVChunk
from .metrics import ShowMetrics
from .show import ShowProducer

log = logging.getLogger("livehost.supervisor")
FRAME_MS = 1000 / FPS
MAX_CONSECUTIVE_FAILURES = 25  # a second of failing frames: the producer's state is broken
# A withdrawn frame must be rendered again before the pacer takes it: frames due sooner than
# this stay (rendering one takes 10-20 ms on two busy cores).
RERENDER_MARGIN_S = 0.025


class SupervisedSpeech:
    """A SpeechEngine whose synthesize() never blocks longer than `timeout_s`."""

    def __init__(self, build: Callable[[], SpeechEngine], timeout_s: float = 3.0,
                 metrics: ShowMetrics | None = None, max_failures: int = 2,
                 slowdown: Callable[[], float] = cpu_slowdown) -> None:
        self._build = build
        self._timeout_s = timeout_s
        self._slowdown = slowdown
        self._metrics = metrics or ShowMetrics()
        self._max_failures = max_failures
        self._engine = build()
        self._pool = self._new_pool()
        self._failures = 0
        self.restarts = 0
        self.restarted = threading.Event()
        self.on_restart: Callable[[], None] = lambda: None  # e.g. queue a filler line for when speech is back

    @staticmethod
    def _new_pool() -> ThreadPoolExecutor:
        # Two workers: an urgent line (an answer) must not queue behind synthesis done ahead.
        # At background priority: synthesis runs ahead of air time, frames must not wait for it.
        return ThreadPoolExecutor(2, thread_name_prefix="livehost-speech", initializer=lower_this_thread)

    def report_to(self, metrics: ShowMetrics) -> None:
        """Count restarts and synthesis times in the show's /metrics."""
        self._metrics = metrics

    def load(self) -> None:
        self._engine.load()

    def warm(self, texts: list[str]) -> None:
        """Pass cache warming through to the engine, when it has a synthesis cache."""
        warm = getattr(self._engine, "warm", None)
        if warm is not None:
            warm(texts)

    def close(self) -> None:
        close = getattr(self._engine, "close", None)
        if close is not None:
            close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _deadline(self, text: str) -> float:
        # Kokoro makes about 0.6 s of work per second of speech on 2 cores (~0.13 s a character):
        # a long sentence is slow, not stalled.
        return (self._timeout_s + 0.3 * len(text)) * self._metrics.cpu_slowdown

    def synthesize(self, text: str) -> Utterance:
        started = time.perf_counter()
        self._metrics.cpu_slowdown = max(1.0, self._slowdown())
        # The copied context carries urgent_speech() into the worker thread.
        future = self._pool.submit(contextvars.copy_context().run, self._engine.synthesize, text)
        try:
            utterance = self._wait(future, text, started)
        except FutureTimeout:
            self._restart(f"stalled for more than {self._deadline(text):g} s")
            raise SpeechEngineError(f"speech stalled for more than {self._deadline(text):g} s") from None
        except SynthesisInterrupted:
            raise  # made way for an urgent line: not a failure
        except Exception:
            self._failures += 1
            if self._failures >= self._max_failures:
                self._restart(f"failed {self._failures} sentences in a row")
            raise
        self._failures = 0
        self._metrics.observe(self._metrics.tts_seconds, time.perf_counter() - started)
        return utterance

    def _wait(self, future, text: str, started: float) -> Utterance:
        """The result within the deadline; a load that arrives while waiting stretches it."""
        while True:
            left = self._deadline(text) - (time.perf_counter() - started)
            try:
                return future.result(timeout=max(left, 0.0))
            except FutureTimeout:
                busier = max(1.0, self._slowdown())
                if busier <= self._metrics.cpu_slowdown:
                    raise
                self._metrics.cpu_slowdown = busier

    def _restart(self, reason: str) -> None:
        log.error("speech stage %s; restarting it", reason)
        self._pool.shutdown(wait=False, cancel_futures=True)  # a hung worker is abandoned
        self._pool = self._new_pool()
        try:
            self._engine = self._build()
        except Exception:
            log.exception("speech engine could not be rebuilt; keeping the old one")
        self._failures = 0
        self.restarts += 1
        self._metrics.restart("speech")
        self.restarted.set()
        self.on_restart()


def cover_restarts(engine: object, producer: Callable[[], ShowProducer]) -> None:
    """A supervised voice that restarts asks the show (the current producer) for a filler line,
    said once speech is back."""
    if isinstance(engine, SupervisedSpeech):
        engine.on_restart = lambda: producer().submit_control(lambda p: p.say_filler())


class RenderStage:
    def __init__(self, producer: ShowProducer, rebuild: Callable[[ShowProducer], ShowProducer] | None = None,
                 ahead_frames: int = 3, stall_s: float = 3.0, metrics: ShowMetrics | None = None,
                 on_new_producer: Callable[[ShowProducer], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic, put_wait_s: float = 0.2) -> None:
        self.producer = producer
        self._put_wait_s = put_wait_s  # how often a stage waiting for room looks at stop and restart
        self._monotonic = monotonic  # the watchdog's clock (injected by tests)
        self._rebuild = rebuild
        self._buffer: FrameBuffer[AVChunk] = FrameBuffer(ahead_frames)
        # Set by the pacer: seconds until it takes the oldest buffered frame (None: unknown).
        self.next_take_in: Callable[[], float | None] = lambda: None
        self._stall_s = stall_s
        self._metrics = metrics or ShowMetrics()
        self._on_new_producer = on_new_producer or (lambda p: None)
        self._generation = 0
        self._busy_since: float | None = None
        self._busy_with = ""
        self._stopped = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._thread: threading.Thread | None = None
        self.restarts = 0

    def activity(self) -> str:
        """What the stage thread is doing now, for a log line when it is late."""
        since = self._busy_since
        if since is None:
            return f"waiting, {len(self._buffer)} frames ready"
        return f"{self._busy_with} for {1000 * (self._monotonic() - since):.0f} ms"

    def where(self, depth: int = 6) -> str:
        """The stage thread's innermost Python frames, innermost last: for the log when it is late,
        so a rare stall says where it was stuck."""
        thread = self._thread
        frame = sys._current_frames().get(thread.ident) if thread is not None and thread.ident else None
        if frame is None:
            return "no stage thread"
        return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                          for f in reversed(traceback.extract_stack(frame)[-depth:]))

    @property
    def depth_ms(self) -> float:
        return len(self._buffer) * FRAME_MS

    def start(self) -> None:
        self._spawn()

    def wait_filled(self, timeout: float) -> bool:
        """Wait until the frames rendered ahead fill the buffer (before the show's clock starts)."""
        return self._buffer.wait_full(timeout)

    def stop(self) -> None:
        self._stopped.set()
        self._resume.set()
        self._drain()

    def pause(self) -> None:
        """Hold: the producer does not advance; frames already rendered are thrown away."""
        self._resume.clear()
        self._drain()

    def resume(self) -> None:
        self._drain()
        self._resume.set()

    def join(self, timeout: float) -> bool:
        """Wait for the current stage thread to end (tests); True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def take(self, timeout: float) -> AVChunk | None:
        """The next rendered frame, or None when none is ready within `timeout` seconds."""
        return self._buffer.get(timeout)

    def check(self) -> str | None:
        """Restart the stage if it died or stalled; returns why, or None when healthy."""
        if self._stopped.is_set():
            return None
        thread = self._thread
        busy = self._busy_since
        reason = None
        if thread is None or not thread.is_alive():
            reason = "died"
        elif busy is not None and self._monotonic() - busy > self._stall_s:
            reason = f"stalled for more than {self._stall_s:g} s"
        elif self.producer.consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
            reason = f"failed {self.producer.consecutive_failures} frames in a row"
        if reason is not None:
            self._restart(reason)
        return reason

    def _restart(self, reason: str) -> None:
        log.error("render stage %s (at %s); restarting it", reason, self.where(), extra={"stage": "render"})
        self._generation += 1
        self.restarts += 1
        self._metrics.restart("render")
        stalled = reason != "died"
        if stalled and self._rebuild is not None:
            # The stuck thread may still be inside the old producer: build a fresh one. It takes
            # over the old one's inbox before anyone can reach it, so no edit or action is lost.
            fresh = self._rebuild(self.producer)
            if hasattr(fresh, "adopt_pending"):
                fresh.adopt_pending(self.producer)
            self.producer = fresh
            self._on_new_producer(self.producer)
        self.producer.submit_control(lambda p: p.say_filler())
        self._drain()
        self._spawn()

    def _withdraw(self, generation: int, held: "_Held", frames: int) -> int:
        """Take back up to `frames` of the newest rendered frames the pacer has not taken (called
        on the stage thread), except those due too soon to be rendered again."""
        if generation != self._generation or frames <= 0:
            return 0
        due_in = self.next_take_in()  # first: a frame the pacer takes meanwhile only makes this cautious
        waiting = len(self._buffer)
        # Buffered frame i is taken in due_in + i/FPS seconds, the held one (i = waiting) after them:
        # the oldest `too_soon` of all these stay.
        too_soon = 0 if due_in is None else max(0, math.ceil((RERENDER_MARGIN_S - due_in) * FPS))
        count = 0
        if held.chunk is not None and too_soon <= waiting:
            held.chunk = None
            count = 1
        return count + self._buffer.withdraw(frames - count, keep=too_soon)

    def _nudge(self, generation: int) -> None:
        if generation == self._generation:
            self._buffer.nudge()

    def _spawn(self) -> None:
        self._busy_since = None
        generation = self._generation
        held = _Held()
        if hasattr(self.producer, "withdraw_unaired"):
            self.producer.withdraw_unaired = lambda n: self._withdraw(generation, held, n)
        if hasattr(self.producer, "on_input"):
            self.producer.on_input = lambda: self._nudge(generation)
        self._thread = threading.Thread(target=self._run, args=(generation, self.producer, held),
                                        name=f"livehost-render-{generation}", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        self._buffer.clear()

    def _run(self, generation: int, producer: ShowProducer, held: "_Held") -> None:
        try:
            self._loop(generation, producer, held)
        except Exception:  # the watchdog sees the thread gone and restarts the stage
            log.exception("render stage died", extra={"stage": "render"})

    def _current(self, generation: int) -> bool:
        return generation == self._generation and not self._stopped.is_set()

    def _loop(self, generation: int, producer: ShowProducer, held: "_Held") -> None:
        while self._current(generation):
            if not self._resume.wait(timeout=0.2):
                continue
            held.chunk = self._busy(generation, producer.next_chunk, "rendering", timed=True)
            while self._current(generation) and held.chunk is not None:
                if self._buffer.put(held.chunk, self._put_wait_s, accept=lambda: generation == self._generation):
                    held.chunk = None
                elif getattr(producer, "has_input", lambda: False)():
                    # New chat while this frame waits for room: handle it now. A cut withdraws
                    # frames not yet on air, this one first; then the next frame is rendered anew.
                    self._busy(generation, producer.take_input, "handling chat")

    def _busy(self, generation: int, work: Callable, what: str, timed: bool = False):
        """Run `work` under the stall watchdog."""
        self._busy_with = what
        self._busy_since = self._monotonic()
        started = time.perf_counter()
        result = work()
        if timed:
            self._metrics.observe(self._metrics.render_seconds, time.perf_counter() - started)
        if generation == self._generation:
            self._busy_since = None
        return result


class _Held:
    """A rendered frame waiting for room in the buffer (one per stage thread)."""
    chunk: AVChunk | None = None
