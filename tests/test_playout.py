"""Playout with the real espeak engine: continuous audio, cuts at word boundaries, exact resume points."""
import numpy as np
import pytest

from speech.espeak import EspeakEngine
from stream.media import SAMPLES_PER_FRAME
from stream.playout import LineFinished, Playout

SENTENCES = ("家人们看过来，这款乌龙茶今天给大家讲讲。", "它的亮点是高山茶园，可以冲泡七次。", "直播间到手价89元！")


@pytest.fixture(scope="module")
def engine():
    e = EspeakEngine()
    e.load()
    return e


def play_until(playout, predicate, limit=2000):
    frames = []
    for _ in range(limit):
        frame = playout.next_frame()
        frames.append(frame)
        if predicate(frame, frames):
            return frames
    raise AssertionError("condition never met within the frame limit")


def recording(engine):
    spoken = {}

    def synthesize(text):  # keep what was actually played: espeak output varies slightly per call
        spoken[text] = engine.synthesize(text)
        return spoken[text]
    return spoken, synthesize


def test_a_line_plays_all_its_samples_back_to_back_and_reports_a_full_finish(engine):
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize)
    playout.say("l1", SENTENCES)
    frames = play_until(playout, lambda f, _: bool(f.finished))
    assert frames[0].started == ("l1",)
    assert frames[-1].finished == (LineFinished("l1", 3, False),)
    expected = np.concatenate([spoken[s].pcm for s in SENTENCES])
    played = np.concatenate([f.pcm for f in frames])
    assert np.array_equal(played[:len(expected)], expected) and not played[len(expected):].any()
    assert len(played) - len(expected) < SAMPLES_PER_FRAME
    assert {f.subtitle for f in frames if f.speaking} == set(SENTENCES)
    assert max(f.mouth_open for f in frames) > 0.3


def test_cut_lands_on_a_word_boundary_of_the_current_sentence_and_reports_it(engine):
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize)
    playout.say("l1", SENTENCES)
    frames = play_until(playout, lambda f, fs: sum(x.subtitle == SENTENCES[1] for x in fs) > 10)
    first, second = spoken[SENTENCES[0]], spoken[SENTENCES[1]]
    position = sum(len(f.pcm) for f in frames) - first.num_samples  # samples of sentence 2 played
    assert playout.cut("l1") == []
    frames += play_until(playout, lambda f, _: bool(f.finished))
    assert frames[-1].finished == (LineFinished("l1", 1, True),)
    boundary = min(b for b in second.word_boundaries() if b >= position)
    assert boundary < second.num_samples  # a real mid-sentence cut, not the sentence end
    after_first = np.concatenate([f.pcm for f in frames])[first.num_samples:]
    # Sentence 2 is heard exactly up to that word boundary, then nothing but the frame's padding.
    assert np.array_equal(after_first[:boundary], second.pcm[:boundary])
    assert len(after_first) - boundary < SAMPLES_PER_FRAME and not after_first[boundary:].any()
    assert not playout.busy


def test_cutting_a_line_that_has_not_started_drops_it_whole(engine):
    playout = Playout(engine.synthesize)
    playout.say("l1", SENTENCES[:1])
    playout.say("l2", SENTENCES)
    assert playout.cut("l2") == [LineFinished("l2", 0, True)]
    frames = play_until(playout, lambda f, _: bool(f.finished))
    assert frames[-1].finished == (LineFinished("l1", 1, False),)
    assert not playout.busy


def test_a_crashing_engine_gives_quiet_instead_of_stopping(engine):
    def broken(text):
        raise RuntimeError("model exploded")

    playout = Playout(broken)
    playout.say("l1", ("一句话。",))
    frames = play_until(playout, lambda f, _: bool(f.finished))
    assert frames[-1].finished == (LineFinished("l1", 1, False),)
    assert all(not f.pcm.any() for f in frames)


def test_background_synthesis_gives_quiet_frames_instead_of_a_stalled_stream():
    import threading

    from stream.playout import Playout as BackgroundPlayout

    engine = EspeakEngine()
    engine.load()
    release = threading.Event()

    def slow(text):
        release.wait(timeout=30)  # a model still working on the sentence
        return engine.synthesize(text)

    playout = BackgroundPlayout(slow, background=True)
    playout.say("L1", ("欢迎来到直播间。",))
    playout.prefetch()
    waiting = [playout.next_frame() for _ in range(3)]  # returns at once although the engine is busy
    assert all(not f.speaking and not f.started and not f.pcm.any() for f in waiting)
    release.set()
    playout._queue[0].pending.result(timeout=30)
    first = playout.next_frame()
    assert first.speaking and first.started == ("L1",)
    frames = [first] + [playout.next_frame() for _ in range(400) if playout.busy]
    assert any(f.finished for f in frames) and not playout.busy
