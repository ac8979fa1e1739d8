import numpy as np

from speech.types import SAMPLE_RATE


def test_utterance_is_48k_pcm_with_timings_covering_the_audio(engine):
    u = engine.synthesize("直播间到手价89.9元，满199减30。")
    assert u.pcm.dtype == np.int16 and u.num_samples > SAMPLE_RATE
    assert "八十九点九元" in u.spoken_text and "89" not in u.spoken_text
    assert u.words and u.phonemes
    starts = [w.start for w in u.words]
    assert starts == sorted(starts) and u.words[0].start >= 0
    assert all(w.start < w.end <= u.num_samples for w in u.words)
    assert u.words[-1].end == u.num_samples  # the last word runs to the end of the audio
    assert any(p.is_vowel for p in u.phonemes)
    # Sound where the words are, near-silence in the pause espeak adds at the end.
    loud = np.abs(u.pcm[u.words[0].start:u.words[0].end].astype(np.int32)).mean()
    assert loud > 200


def test_word_boundaries_are_inside_the_utterance(engine):
    u = engine.synthesize("这款高山乌龙茶可以冲泡七次。")
    bounds = u.word_boundaries()
    assert bounds == sorted(bounds) and bounds[-1] == u.num_samples and len(bounds) >= 8


def test_empty_text_gives_an_empty_utterance(engine):
    assert engine.synthesize("✨✨").num_samples == 0
