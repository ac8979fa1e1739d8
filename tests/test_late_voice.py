"""A late, failing or hung voice (background synthesis, the live show's mode): the air is covered with
phrases made ahead, a failed sentence is asked for again, a hung call is asked for on the other worker."""
import threading

from stream.covers import MAX_COVERS_PER_SENTENCE, STALLED_COVER_FRAMES
from stream.playout import HEDGE_AFTER_FRAMES, SYNTHESIS_ATTEMPTS, LineFinished, Playout

LINE = ("家人们看过来，这款乌龙茶今天给大家讲讲。", "它的亮点是高山茶园，可以冲泡七次。")
FILLER, ACK = "新进来的家人欢迎你们。", "稍等，我看一下。"


def settle(playout):
    """Let every synthesis already asked for finish (bounded), so a frame sees what the engine made."""
    for sentence in list(playout._queue):
        for call in (sentence.pending, sentence.hedge):
            if call is not None and not call.done():
                try:
                    call.exception(timeout=0.5)
                except TimeoutError:
                    pass  # a hung call: the frame must go on without it


def run(playout, frames: int, wait: bool = True):
    out = []
    for _ in range(frames):
        playout.prefetch()
        if wait:
            settle(playout)
        out.append(playout.next_frame())
    return out


def longest_quiet(frames) -> int:
    longest = run_ = 0
    for frame in frames:
        run_ = 0 if frame.speaking else run_ + 1
        longest = max(longest, run_)
    return longest


def test_a_sentence_the_voice_is_late_for_is_covered_by_fillers_not_dead_air(engine):
    release = threading.Event()

    def late(text):
        if text == LINE[1]:
            release.wait(timeout=30)  # a voice that went quiet on this sentence
        return engine.synthesize(text)

    playout = Playout(late, background=True)
    playout.prepare_covers((ACK,), (FILLER,))
    playout.settle_covers()
    playout.say("L1", LINE)
    playout.prefetch()
    playout._queue[0].pending.result(timeout=30)  # the first sentence is made; the voice stalls on the next
    frames = run(playout, 400, wait=False)
    started = [s for f in frames for s in f.started]
    assert started[0] == "L1" and started[1:] and all(s.startswith("filler-") for s in started[1:])
    assert len(started) - 1 == MAX_COVERS_PER_SENTENCE  # then quiet: covers are not said forever
    after_first = frames[next(i for i, f in enumerate(frames) if f.speaking):]
    spoken_covers = [f.subtitle for f in after_first if f.subtitle != LINE[0] and f.speaking]
    assert set(spoken_covers) == {FILLER}  # a selling line is covered with fillers, not "let me check"
    # between the first sentence and the covers, no quiet stretch longer than the cover's wait
    until_covers_end = after_first[:max(i for i, f in enumerate(after_first) if f.subtitle == FILLER) + 1]
    assert longest_quiet(until_covers_end) <= STALLED_COVER_FRAMES + 1
    release.set()
    rest = run(playout, 600)
    assert any(LineFinished("L1", 2, False) in f.finished for f in rest)
    playout.close()


def test_a_sentence_whose_synthesis_fails_is_asked_for_again_and_airs(engine):
    calls = []

    def flaky(text):
        calls.append(text)
        if text == LINE[1] and calls.count(text) < SYNTHESIS_ATTEMPTS:
            raise RuntimeError("speech engine process gone")  # the supervisor restarts it meanwhile
        return engine.synthesize(text)

    playout = Playout(flaky, background=True)
    playout.say("L1", LINE)
    frames = run(playout, 600)
    assert calls.count(LINE[1]) == SYNTHESIS_ATTEMPTS
    assert LINE[1] in {f.subtitle for f in frames if f.speaking}  # the sentence was said, not skipped
    assert any(LineFinished("L1", 2, False) in f.finished for f in frames)
    playout.close()


def test_a_sentence_that_never_synthesizes_costs_a_short_quiet_and_the_line_goes_on(engine):
    def broken(text):
        if text == LINE[0]:
            raise RuntimeError("this text breaks the model")
        return engine.synthesize(text)

    playout = Playout(broken, background=True)
    playout.say("L1", LINE)
    frames = run(playout, 600)
    assert LINE[1] in {f.subtitle for f in frames if f.speaking}
    # The director hears that part of the line was never heard (a disclosure is then said again).
    assert any(LineFinished("L1", 2, False, voice_failed=True) in f.finished for f in frames)
    assert longest_quiet(frames[:next(i for i, f in enumerate(frames) if f.speaking)]) <= 13  # half a second
    playout.close()


def test_a_hung_call_is_asked_again_on_the_other_worker_and_the_first_answer_airs(engine):
    hung, release = threading.Event(), threading.Event()

    def hangs_once(text):
        if text == LINE[0] and not hung.is_set():
            hung.set()
            release.wait(timeout=30)  # the engine call never comes back (until the test ends)
        return engine.synthesize(text)

    playout = Playout(hangs_once, background=True)
    playout.say("L1", LINE)
    frames = []
    for _ in range(HEDGE_AFTER_FRAMES + 200):  # bounded
        frames += run(playout, 1)
        if frames[-1].speaking:
            break
    assert frames[-1].speaking and frames[-1].started == ("L1",)
    assert len(frames) - 1 <= HEDGE_AFTER_FRAMES + 30  # the hedge aired it, not the hung call
    assert hung.is_set() and not release.is_set()
    release.set()
    playout.close()
