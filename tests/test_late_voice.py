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


def test_a_persona_switch_mid_line_keeps_the_old_voice_speaking_until_the_new_one_is_ready(engine):
    """The new voice (a heavy model still loading its first sentence) never leaves the air quiet:
    the old voice says the next sentence too, and the new one takes over at the boundary after."""
    release = threading.Event()
    made_by_new: list[str] = []

    def new_voice(text):
        release.wait(timeout=30)
        made_by_new.append(text)
        return engine.synthesize(text)

    sentences = ("家人们看过来。", "这款乌龙茶来自福建安溪。", "可以冲泡七次。", "直播间到手价八十九元。")
    playout = Playout(engine.synthesize, background=True)
    playout.say("L1", sentences)
    frames = run(playout, 1)
    while not frames[-1].speaking:
        frames = run(playout, 1)
    frames += run(playout, 4)  # the first sentence is on air
    playout.switch_voice(new_voice)
    while playout._queue and playout._queue[0].index < 2:  # the old voice finishes sentences 1 and 2
        frames.append(run(playout, 1)[0])
    assert not playout.voice_switched and not made_by_new
    assert longest_quiet(frames) <= 1  # at most the frame a sentence change falls in
    release.set()
    playout._queue[0].next_voice.result(timeout=30)
    frames += run(playout, 800)
    assert any(LineFinished("L1", 4, False) in f.finished for f in frames)
    assert playout.voice_switched and sentences[3] in made_by_new
    speaking = frames[:max(i for i, f in enumerate(frames) if f.speaking) + 1]
    assert longest_quiet(speaking) <= 1
    playout.close()


def test_with_nothing_on_air_a_persona_switch_takes_over_at_once(engine):
    playout = Playout(engine.synthesize, background=True)
    new = []
    playout.switch_voice(lambda text: new.append(text) or engine.synthesize(text))
    assert playout.voice_switched
    playout.say("L1", ("欢迎来到直播间。",))
    run(playout, 200)
    assert new == ["欢迎来到直播间。"]
    playout.close()


def test_the_shows_opening_is_made_before_frame_0_and_airs_in_the_first_frame(engine):
    from stream.catalog_file import default_catalog
    from stream.persona_bundle import load_persona
    from stream.show import ShowProducer

    class Recording:
        name, voice, speed = "espeak", "cmn", 1.0

        def __init__(self):
            self.texts: list[str] = []

        def load(self):
            pass

        def synthesize(self, text):
            self.texts.append(text)
            return engine.synthesize(text)

    persona = load_persona("default")
    voice = Recording()
    producer = ShowProducer(default_catalog(), persona, voice, synthesize_in_background=True)
    opening = producer.director.opening()
    assert opening and "AI" in opening[0]
    made = list(producer._playout._ahead.values())
    assert made[0].done()  # the producer was ready to go on air with its first words made
    for call in made:
        call.result(timeout=30)
    assert "".join(voice.texts[:len(producer._playout._ahead)]) == opening[0]  # made first, clause by clause
    first = producer.next_chunk()
    assert first.audio.any() and producer.last_subtitle and producer.last_subtitle in opening[0]
    producer.close()
