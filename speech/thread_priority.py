"""Synthesis yields the CPU to the frame path.

Speech is made seconds ahead of air time; rendering, pacing and encoding must meet every 40 ms
frame slot. On two cores, with Kokoro synthesizing back to back, a frame task finished up to
43.6 ms after its slot (p99 28.7 ms) with synthesis at normal priority, and at most 20.1 ms
after (p99 18.8 ms) with synthesis at nice 10, which made speech just as fast
(bench/bench_thread_priority.py).
Linux keeps nice per thread and a new thread inherits its creator's, so a model's native
thread pool runs at the priority of the thread that built the session.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Callable, TypeVar

log = logging.getLogger("livehost.speech")

BACKGROUND_NICE = 10
T = TypeVar("T")


def lower_this_thread(nice: int = BACKGROUND_NICE) -> bool:
    """Run the calling thread (and threads it starts) at `nice`; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False  # elsewhere PRIO_PROCESS with a thread id would name a process
    try:
        thread = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, thread) < nice:
            os.setpriority(os.PRIO_PROCESS, thread, nice)
        return True
    except OSError as exc:
        log.warning("synthesis keeps normal CPU priority (%s): frames may be late under load", exc)
        return False


def thread_nice() -> int | None:
    """The calling thread's nice value (Linux), None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def call_at_background_priority(work: Callable[[], T], nice: int = BACKGROUND_NICE) -> T:
    """Run `work` on a short-lived thread at `nice` and return its result, so the native threads
    it creates (onnxruntime's pool) inherit the lower priority while the caller keeps its own."""
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        lower_this_thread(nice)
        try:
            result.append(work())
        except BaseException as exc:  # handed back to the caller's thread
            error.append(exc)

    thread = threading.Thread(target=run, name="livehost-background-init", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]
