"""Supervised stages: a render stage that stalls or dies, and a speech engine that hangs, are
restarted while the stream goes on."""
import asyncio
import re
import threading
import time

import av
import numpy as np
import pytest

from script.chat import ChatEvent
from speech.types import SpeechEngineError, Utterance
from stream.clock import FakeClock
from stream.fanout import OutputSpec
from stream.live import LiveConfig, LiveShow
from stream.media import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME, AVChunk
from stream.metrics import ShowMetrics
from stream.supervisor import RenderStage, SupervisedSpeech
from stream.playout import CUT_FADE, MAX_CUT_WAIT

from live_show import make_producer


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class ScriptedProducer:
    """Frames carry `mark` in every pixel; frame `block_at` blocks, frame `raise_at` raises."""

    def __init__(self, mark: int, block_at: int | None = None, raise_at: int | None = None) -> None:
        self.mark = mark
        self.block_at = block_at
        self.raise_at = raise_at
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.frame_index = 0
        self.consecutive_failures = 0
        self.controls = []

    def submit_control(self, control) -> None:
        self.controls.append(control)

    def next_chunk(self) -> AVChunk:
        k = self.frame_index
        if k == self.block_at:
            self.blocked.set()
            self.release.wait(30)
        if k == self.raise_at:
            self.raise_at = None
            raise RuntimeError("stage bug")
        self.frame_index += 1
        return AVChunk(k, np.full((4, 4, 3), self.mark, np.uint8), np.zeros(SAMPLES_PER_FRAME, np.int16))


def test_a_stalled_render_stage_is_rebuilt_and_its_late_frame_is_discarded():
    clock = FakeMonotonic()
    stuck, fresh = ScriptedProducer(1, block_at=2), ScriptedProducer(2)
    rebuilt_from = []
    stage = RenderStage(stuck, rebuild=lambda old: rebuilt_from.append(old.frame_index) or fresh, stall_s=1.0, monotonic=clock)
    stage.start()
    try:
        assert [stage.take(10).video[0, 0, 0] for _ in range(2)] == [1, 1]
        assert stuck.blocked.wait(10)
        assert stage.check() is None  # busy, but not for long yet
        clock.t += 1.5
        assert "stalled" in stage.check()
        assert stage.producer is fresh and rebuilt_from == [2] and stage.restarts == 1
        assert len(fresh.controls) == 1  # the filler line, said when the new stage starts
        stuck.release.set()  # the old thread wakes up late: its frame must never reach the air
        marks = [stage.take(10).video[0, 0, 0] for _ in range(10)]
        assert marks == [2] * 10
    finally:
        stuck.release.set()
        stage.stop()


def test_a_render_stage_that_died_is_restarted_on_the_same_producer():
    producer = ScriptedProducer(3, raise_at=2)
    stage = RenderStage(producer, rebuild=None, monotonic=FakeMonotonic())
    stage.start()
    try:
        assert [stage.take(10).index for _ in range(2)] == [0, 1]
        assert stage.join(10)
        assert stage.check() == "died"
        assert [stage.take(10).index for _ in range(3)] == [2, 3, 4]
    finally:
        stage.stop()


class HangingEngine:
    def __init__(self, hang_on: str, release: threading.Event) -> None:
        self.hang_on = hang_on
        self.release = release

    def load(self) -> None:
        pass

    def synthesize(self, text: str) -> Utterance:
        if text == self.hang_on:
            self.release.wait(30)
        return Utterance(text, text, np.ones(4800, np.int16), ())


def test_a_hung_speech_engine_is_abandoned_rebuilt_and_asks_for_a_filler():
    release = threading.Event()
    builds = []

    def build():
        builds.append(1)
        return HangingEngine("hang", release)

    speech = SupervisedSpeech(build, timeout_s=0.2, slowdown=lambda: 1.0)
    try:
        assert speech.synthesize("hello").pcm.size == 4800
        with pytest.raises(SpeechEngineError, match="stalled"):
            speech.synthesize("hang")
        assert speech.restarted.is_set() and len(builds) == 2
        assert speech.synthesize("again").text == "again"
    finally:
        release.set()


class SlowEngine:
    """Synthesis that takes a second: a model on a machine busy with other work."""

    def load(self) -> None:
        pass

    def synthesize(self, text: str) -> Utterance:
        time.sleep(1.0)
        return Utterance(text, text, np.ones(4800, np.int16), ())


@pytest.mark.parametrize("slowdown, restarts", [(1.0, 1), (4.0, 0)])
def test_speech_deadlines_stretch_with_cpu_oversubscription_so_slow_is_not_taken_for_hung(slowdown, restarts):
    metrics = ShowMetrics()
    speech = SupervisedSpeech(SlowEngine, timeout_s=0.2, metrics=metrics, slowdown=lambda: slowdown)
    try:
        speech.synthesize("x")  # deadline (0.2 + 0.3) s times the slowdown: 0.5 s idle, 2.0 s busy
    except SpeechEngineError:
        pass
    assert speech.restarts == restarts and metrics.cpu_slowdown == slowdown
    assert f"livehost_cpu_slowdown {slowdown:g}" in metrics.render()


class StallingShowProducer:
    """A real producer whose frame 40 hangs until released (a stuck stage inside the show)."""

    def __init__(self, release: threading.Event) -> None:
        self.inner = make_producer()
        self.release = release

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def next_chunk(self) -> AVChunk:
        if self.inner.frame_index == 40:
            self.release.wait(60)
        return self.inner.next_chunk()


def test_the_show_goes_on_with_idle_frames_while_a_stalled_stage_restarts(tmp_path):
    release = threading.Event()
    recording = tmp_path / "show.mp4"
    fillers = []

    def rebuild(old):
        producer = make_producer(first_frame=old.frame_index)
        producer.add_line_listener(lambda line_id, interrupted, now: fillers.append(line_id))
        return producer

    config = LiveConfig(outputs=[OutputSpec("file", str(recording), "mp4")], chat_port=0, live_view=False,
                        max_seconds=8, stall_s=0.5, render_wait_s=0.05)
    show = LiveShow(StallingShowProducer(release), config, clock=FakeClock(), rebuild=rebuild)

    async def scenario():
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), 60)
        await show.control.handle({"operator": "Li Na", "action": "mode", "mode": "approve"})
        await asyncio.wait_for(task, 120)

    try:
        asyncio.run(scenario())
    finally:
        release.set()
    assert show.producer.director.mode == "approve"  # the operator's setting survived the restart
    assert show.frames == 200
    assert show.stage.restarts == 1 and show.metrics.stage_restarts == {"render": 1}
    assert show.metrics.idle_frames >= 1
    assert any(line_id.startswith("filler-") for line_id in fillers)
    with av.open(str(recording)) as container:
        video = sum(1 for _ in container.decode(video=0))
    with av.open(str(recording)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    assert video == 200
    assert abs(samples - 200 * SAMPLES_PER_FRAME) <= 1024  # AAC frames round the tail


def test_withdrawing_unaired_frames_takes_back_the_newest_only():
    producer = ScriptedProducer(5, block_at=3)
    stage = RenderStage(producer, ahead_frames=3, monotonic=FakeMonotonic())
    producer.withdraw_unaired = None
    stage.start()
    try:
        assert producer.blocked.wait(10)  # frames 0..2 queued, frame 3 being rendered
        assert producer.withdraw_unaired(2) == 2
        assert producer.withdraw_unaired(5) == 1  # never more than is waiting
        assert stage.take(0) is None
        producer.release.set()
        frame = stage.take(10)
        assert frame.index == 3
    finally:
        producer.release.set()
        stage.stop()


def test_a_cut_after_withdrawn_frames_lands_at_the_first_word_boundary_after_the_air():
    producer = make_producer()
    producer.withdraw_unaired = lambda n: min(n, 3)  # three rendered frames had not gone on air
    while producer._playout.rewindable_frames() < 12:
        producer.next_chunk()
    head = producer._playout._queue[0]
    rendered_to, index = head.position, producer.frame_index
    producer.cut_current_line()
    on_air = rendered_to - 3 * SAMPLES_PER_FRAME
    assert head.position == on_air and producer.frame_index == index - 3
    boundary = min(b for b in head.utterance.word_boundaries() if b >= on_air)
    assert head.end == (boundary if boundary - on_air <= MAX_CUT_WAIT else on_air + CUT_FADE)


def test_producer_times_map_to_air_time_after_idle_frames(tmp_path, caplog):
    """Idle frames sent while the render stage was late push the producer's frames later on air;
    reply times are reported on the air timeline, where the chat's `t` is."""
    release = threading.Event()
    config = LiveConfig(outputs=[OutputSpec("file", str(tmp_path / "show.mp4"), "mp4")], chat_port=0,
                        live_view=False, max_seconds=3, stall_s=30, render_wait_s=0.02)
    producer = StallingShowProducer(release)
    show = LiveShow(producer, config, clock=FakeClock())

    def release_after_idle_frames():
        for _ in range(3000):  # bounded: until the pacer has filled three slots
            if show.metrics.idle_frames >= 3:
                break
            threading.Event().wait(0.01)
        release.set()

    threading.Thread(target=release_after_idle_frames, daemon=True).start()
    asyncio.run(asyncio.wait_for(show.run(), 120))
    idle = show.metrics.idle_frames
    assert idle >= 3 and show.frames == 75
    rendered_and_aired = show.frames - idle  # frames the producer made that went on air
    assert show.air_time(rendered_and_aired / FPS) == pytest.approx(show.frames / FPS)
    assert show.air_time(20 / FPS) == pytest.approx((20 + idle) / FPS)
    # each idle frame is logged with what the stage was doing, for whoever reads the log at 3 a.m.
    late = [r.getMessage() for r in caplog.records if "render stage late" in r.getMessage()]
    assert len(late) == idle and all("stage rendering for " in m for m in late)
    # and where the stage thread was: file:line and function of its innermost frames; the stall
    # names the stalling frame's wait (a busy machine may add slow frames before or after it)
    assert all(re.search(r", at \S+\.py:\d+ \w+ < ", m) for m in late)
    assert any(re.search(r", at threading\.py:\d+ wait < .*test_supervisor\.py:\d+ next_chunk < ", m) for m in late)


def wait_until(predicate, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.005)):  # bounded
        if predicate():
            return
        threading.Event().wait(0.005)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("due_in, withdrawn", [(None, 4), (1.0, 4), (0.0, 3), (-0.1, 0)])
def test_a_question_while_frames_wait_for_air_is_taken_at_once_and_the_cut_takes_them_back(due_in, withdrawn):
    """The stage waits with three frames buffered and a fourth rendered; a question arrives: it
    is handled without waiting for the pacer, the answer cuts the line, and the frames of the
    cut line not yet on air are taken back (all of them, or all but the one due too soon to be
    rendered again; none when the pacer is late), so the cut lands right after what the pacer
    already has. The stage looks for input on its own only once a minute here: the question
    must wake it."""
    producer = make_producer()
    cuts = []
    producer.add_line_listener(lambda line_id, interrupted, t: interrupted and cuts.append(t))
    stage = RenderStage(producer, ahead_frames=3, monotonic=FakeMonotonic(), put_wait_s=60)
    stage.next_take_in = lambda: due_in
    stage.start()
    try:
        taken = 0
        for _ in range(1000):  # bounded: until the stage waits deep inside a long sentence
            wait_until(lambda: len(stage._buffer) == 3 and producer.frame_index == taken + 4)
            head = producer._playout._queue[0] if producer._playout._queue else None
            if head is not None and not head.line_id.startswith("answer") and head.utterance is not None \
                    and producer._playout.rewindable_frames() >= 6 and head.end - head.position > SAMPLES_PER_FRAME * 8:
                break
            assert stage.take(10).index == taken
            taken += 1
        withdrawals = []  # the inbox empties before the cut is worked out: wait for the cut's withdrawal
        withdraw = producer.withdraw_unaired
        producer.withdraw_unaired = lambda n: withdrawals.append(withdraw(n)) or withdrawals[-1]
        producer.submit_chat(ChatEvent(taken / FPS, "comment", "u1", "这个多少钱?"))
        wait_until(lambda: withdrawals)  # handled while no frame was taken
        assert withdrawals == [withdrawn]
        kept = 4 - withdrawn  # the oldest frames stay: they air before the cut
        frames = [stage.take(10) for _ in range(kept + 1)]
        wait_until(lambda: cuts)
        assert [f.index for f in frames] == list(range(taken, taken + kept + 1))
        cut_from = (taken + kept) / FPS
        assert cut_from <= cuts[0] <= cut_from + (MAX_CUT_WAIT + SAMPLES_PER_FRAME) / SAMPLE_RATE
    finally:
        stage.stop()


def test_a_question_handled_as_a_frame_starts_reports_the_cut_on_the_frame_rendered_after_it():
    producer = make_producer()
    cuts = []
    producer.add_line_listener(lambda line_id, interrupted, t: interrupted and cuts.append(t))
    producer.withdraw_unaired = lambda n: min(n, 3)  # three rendered frames had not gone on air
    for _ in range(500):  # bounded: deep inside a long sentence of the rundown
        producer.next_chunk()
        head = producer._playout._queue[0] if producer._playout._queue else None
        if head is not None and head.utterance is not None and producer._playout.rewindable_frames() >= 6 \
                and head.end - head.position > SAMPLES_PER_FRAME * 8:
            break
    index = producer.frame_index
    producer.submit_chat(ChatEvent(index / FPS, "comment", "u1", "这个多少钱?"))
    chunks = [producer.next_chunk() for _ in range(4)]
    assert chunks[0].index == index - 3  # the frame after the air was rendered again, with the cut
    cut_from = (index - 3) / FPS
    assert len(cuts) == 1 and cut_from <= cuts[0] <= cut_from + (MAX_CUT_WAIT + SAMPLES_PER_FRAME) / SAMPLE_RATE
