"""Synthesis runs at background CPU priority so rendering and pacing meet their frame slots."""
from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from speech.cache import CachedEngine, SynthesisCache
from speech.thread_priority import BACKGROUND_NICE, call_at_background_priority, lower_this_thread, thread_nice
from speech.types import Utterance
from stream.supervisor import SupervisedSpeech

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def on_new_thread(work):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(work()))
    thread.start()
    thread.join()
    return seen[0]


def test_lowering_a_thread_leaves_the_caller_and_other_threads_alone():
    before = thread_nice()
    assert on_new_thread(lambda: (lower_this_thread(), thread_nice())) == (True, BACKGROUND_NICE)
    assert thread_nice() == before
    assert on_new_thread(thread_nice) == before


def test_threads_started_by_background_work_inherit_its_priority():
    before = thread_nice()

    def start_a_pool_thread():
        return on_new_thread(thread_nice)  # as onnxruntime starts its pool inside the session constructor

    assert call_at_background_priority(start_a_pool_thread) == BACKGROUND_NICE
    assert thread_nice() == before


def test_background_work_hands_its_error_back_to_the_caller():
    def broken():
        raise ValueError("model file truncated")

    with pytest.raises(ValueError, match="truncated"):
        call_at_background_priority(broken)


class NiceRecordingEngine:
    name = "nice-recorder"

    def __init__(self) -> None:
        self.nice: dict[str, int | None] = {}

    def load(self) -> None:
        pass

    def synthesize(self, text: str) -> Utterance:
        self.nice[text] = thread_nice()
        return Utterance(text, text, np.ones(480, np.int16), ())


def test_the_live_speech_stage_synthesizes_at_background_priority():
    engine = NiceRecordingEngine()
    speech = SupervisedSpeech(lambda: engine, timeout_s=5.0)
    try:
        speech.synthesize("今天的福利")
    finally:
        speech.close()
    assert engine.nice == {"今天的福利": BACKGROUND_NICE}
    assert thread_nice() != BACKGROUND_NICE or BACKGROUND_NICE == 0


def test_the_cache_warmer_synthesizes_at_background_priority(tmp_path):
    inner = NiceRecordingEngine()
    engine = CachedEngine(inner, SynthesisCache(tmp_path, 10_000_000), "nice|t|1")
    try:
        engine.warm(["提前准备的一句"])
        engine.wait_warm()
    finally:
        engine.close()
    assert inner.nice == {"提前准备的一句": BACKGROUND_NICE}
