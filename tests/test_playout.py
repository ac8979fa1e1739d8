"""Playout with the real espeak engine: continuous audio, cuts at word boundaries, exact resume points."""
import threading
import numpy as np

from speech.espeak import EspeakEngine
from stream.media import SAMPLES_PER_FRAME
from stream.playout import COVER_AFTER_FRAMES, CUT_FADE, MAX_CUT_WAIT, LineFinished, Playout

SENTENCES = ("家人们看过来，这款乌龙茶今天给大家讲讲。", "它的亮点是高山茶园，可以冲泡七次。", "直播间到手价89元！")


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


def play_into_second_sentence(engine, near_boundary: bool):
    """Play until inside sentence 2 with its next word boundary near (<= MAX_CUT_WAIT) or far."""
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize)
    playout.say("l1", SENTENCES)
    frames = play_until(playout, lambda f, fs: f.subtitle == SENTENCES[1])
    first, second = spoken[SENTENCES[0]], spoken[SENTENCES[1]]
    for _ in range(500):
        position = sum(len(f.pcm) for f in frames) - first.num_samples  # samples of sentence 2 played
        wait = min(b for b in second.word_boundaries() if b >= position) - position
        if position > 0 and (wait <= MAX_CUT_WAIT) == near_boundary and position + wait < second.num_samples:
            return playout, frames, first, second, position
        frames.append(playout.next_frame())
    raise AssertionError("no such position in the sentence")


def test_cut_lands_on_a_word_boundary_when_one_comes_within_the_wait(engine):
    playout, frames, first, second, position = play_into_second_sentence(engine, near_boundary=True)
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


def test_cut_mid_word_fades_out_at_once_instead_of_waiting_for_the_word(engine):
    playout, frames, first, second, position = play_into_second_sentence(engine, near_boundary=False)
    assert playout.cut("l1") == []
    frames += play_until(playout, lambda f, _: bool(f.finished))
    assert frames[-1].finished == (LineFinished("l1", 1, True),)
    after_first = np.concatenate([f.pcm for f in frames])[first.num_samples:].astype(np.int32)
    assert np.array_equal(after_first[:position], second.pcm[:position])
    fade = after_first[position:position + CUT_FADE]
    original = second.pcm[position:position + CUT_FADE].astype(np.int32)
    assert np.all(np.abs(fade) <= np.abs(original))  # only ever quieter
    assert np.abs(fade[-CUT_FADE // 10:]).max() <= 0.1 * max(1, np.abs(original).max())  # down to nothing
    assert not after_first[position + CUT_FADE:].any()  # off the air 30 ms after the cut
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
    assert frames[-1].finished == (LineFinished("l1", 1, False, voice_failed=True),)
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


def test_an_urgent_lines_first_sentence_is_spoken_clause_by_clause_and_reported_once(engine):
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize, background=True)
    answer = ("这位家人，高山乌龙茶现在直播间到手价89元。", "另外还有满199减30的活动。")
    playout.say("a1", answer, urgent=True)
    frames = []
    for _ in range(2000):
        frames.append(step(playout))
        if frames[-1].finished:
            break
    playout.close()
    assert set(spoken) == {"这位家人，", "高山乌龙茶现在直播间到手价89元。", answer[1]}
    assert [f.started for f in frames if f.started] == [("a1",)]
    assert [f.finished for f in frames if f.finished] == [(LineFinished("a1", 2, False),)]
    played = np.concatenate([f.pcm for f in frames])
    at = 0
    for text in ("这位家人，", "高山乌龙茶现在直播间到手价89元。", answer[1]):  # each part whole, in order
        pcm = spoken[text].pcm
        first = np.flatnonzero(pcm)[0]
        starts = [i - first for i in np.flatnonzero(played[at:] == pcm[first])[:200000] + at
                  if i - first >= at and np.array_equal(played[i - first:i - first + len(pcm)], pcm)]
        assert starts, text
        at = starts[0] + len(pcm)


def step(playout, settle: bool = True):
    """One frame in background mode; with `settle`, first wait (bounded) for the head's synthesis."""
    playout.prefetch()
    head = playout._queue[0] if playout._queue else None
    if settle and head is not None and head.pending is not None:
        try:
            head.pending.result(timeout=10)
        except Exception:
            pass
    return playout.next_frame()


def blocked_engine(engine, hold: set[str]):
    """espeak, except that texts in `hold` wait until released: a slow model busy on them."""
    release = threading.Event()

    def synthesize(text):
        if text in hold:
            release.wait(timeout=30)
        return engine.synthesize(text)
    return synthesize, release


def test_an_answer_is_synthesized_while_the_worker_ahead_is_still_busy(engine):
    synthesize, release = blocked_engine(engine, {SENTENCES[1]})
    playout = Playout(synthesize, background=True)
    playout.say("l1", SENTENCES)
    frames = []
    for _ in range(50):  # until the rundown's first sentence plays and the second is stuck ahead
        frames.append(step(playout))
        if frames[-1].speaking:
            break
    assert frames[-1].speaking
    playout.cut("l1")
    playout.say("a1", ("七天无理由退货。",), urgent=True)
    started = []
    for _ in range(500):
        frame = step(playout)
        started += frame.started
        if "a1" in started:
            break
    assert "a1" in started  # the answer went on air while the ahead worker still waited
    release.set()
    playout.close()


def test_an_answer_not_ready_in_time_is_covered_by_an_acknowledgement(engine):
    answer = "高山乌龙茶现在直播间到手价89元。"
    synthesize, release = blocked_engine(engine, {answer})
    playout = Playout(synthesize, background=True)
    playout.prepare_covers(("稍等，我看一下。",))
    playout.settle_covers()
    playout.say("a1", (answer,), urgent=True)
    frames = []
    for _ in range(200):
        frames.append(step(playout, settle=False))
        if frames[-1].started:
            break
    quiet = [f for f in frames if not f.speaking]
    assert frames[-1].started == ("filler-ack-1",)
    assert len(quiet) == COVER_AFTER_FRAMES  # 200 ms of waiting, then the acknowledgement
    release.set()
    for _ in range(1000):
        frame = step(playout)
        frames.append(frame)
        if frame.finished and frame.finished[-1].line_id == "a1":
            break
    assert [s for f in frames for s in f.started] == ["filler-ack-1", "a1"]
    playout.close()


def test_synthesis_ahead_that_made_way_for_an_answer_is_asked_for_again(engine):
    from speech.priority import SynthesisInterrupted

    calls = []

    def synthesize(text):
        calls.append(text)
        if calls.count(text) == 1:
            raise SynthesisInterrupted("an answer came first")
        return engine.synthesize(text)

    playout = Playout(synthesize, background=True)
    playout.say("l1", SENTENCES[:1])
    frames = []
    for _ in range(1000):
        frames.append(step(playout))
        if frames[-1].finished:
            break
    playout.close()
    assert calls.count(SENTENCES[0]) == 2
    assert frames[-1].finished == (LineFinished("l1", 1, False),)


def test_where_a_line_ends_and_the_next_begins_is_reported_to_the_sample(engine):
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize)
    playout.say("l1", SENTENCES[:1])
    playout.say("l2", SENTENCES[1:2])
    frames = play_until(playout, lambda f, _: bool(f.finished))
    length = spoken[SENTENCES[0]].num_samples
    ended = length - (len(frames) - 1) * SAMPLES_PER_FRAME
    assert frames[0].started == ("l1",) and frames[0].start_samples == (0,)
    assert frames[-1].finished[0].at_sample == ended
    assert frames[-1].started == ("l2",) and frames[-1].start_samples == (ended,)


def test_a_sentence_that_began_in_a_withdrawn_frame_is_taken_back_whole(engine):
    """A barge-in just after a sentence began: the frame it began in can be withdrawn too (what
    ended before it there is the previous sentence's closing pause), so the cut drops the new
    sentence and the line resumes from it, instead of airing its first words."""
    spoken, synthesize = recording(engine)
    playout = Playout(synthesize)
    playout.say("l1", SENTENCES)
    play_until(playout, lambda f, _: playout.upcoming_texts(1) == [SENTENCES[1]])
    assert playout.rewindable_frames() == 1  # begun inside the last frame, after sentence 1's end
    playout.rewind(1)
    assert playout.cut("l1") == [LineFinished("l1", 1, True)]
    assert not playout.busy
    first = spoken[SENTENCES[0]]
    if first.num_samples % SAMPLES_PER_FRAME:  # sentence 1 ended inside that frame: its pause is what is dropped
        tail = first.pcm[-(first.num_samples % SAMPLES_PER_FRAME):]
        assert np.abs(tail.astype(np.int32)).max() < 0.1 * np.abs(first.pcm.astype(np.int32)).max()
