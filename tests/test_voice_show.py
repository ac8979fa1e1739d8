"""Voice failures inside a real show render, and `livehost say`, decoded back from the files."""
from __future__ import annotations

import logging
import wave

import av
import numpy as np

from speech.espeak import EspeakEngine
from speech.fallback import FallbackEngine
from speech.loudness import LoudnessNormalizedEngine
from speech.types import SpeechEngineError
from stream.catalog_file import default_catalog
from stream.cli import main
from stream.demo import render_demo, scripted_question
from stream.media import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

SECONDS = 6


class EngineThatDiesMidShow:
    """Speaks its first sentence (through espeak), then raises like a crashed model session."""

    name = "kokoro"
    voice = "jf_gongitsune"
    speed = 1.0

    def __init__(self) -> None:
        self._espeak = EspeakEngine()
        self.calls = 0

    def load(self) -> None:
        self._espeak.load()

    def synthesize(self, text):
        self.calls += 1
        if self.calls > 1:
            raise SpeechEngineError("onnxruntime: session crashed")
        return self._espeak.synthesize(text)


def test_a_crashing_engine_mid_show_falls_back_and_the_mp4_stays_continuous(tmp_path, caplog):
    persona = load_persona("default")
    primary = EngineThatDiesMidShow()
    engine = FallbackEngine(LoudnessNormalizedEngine(primary), LoudnessNormalizedEngine(EspeakEngine()))
    engine.load()
    out = tmp_path / "show.mp4"
    with caplog.at_level(logging.ERROR):
        result = render_demo(ShowProducer(default_catalog(), persona, engine), SECONDS, out,
                             [scripted_question(SECONDS)])
    assert primary.calls >= 2 and engine.name == "espeak"
    switch = [r for r in caplog.records if "switching to the espeak fallback" in r.getMessage()]
    assert len(switch) == 1
    assert result.output_errors == []
    with av.open(str(out)) as container:
        times = [f.time for f in container.decode(video=0)]
    with av.open(str(out)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    assert len(times) == SECONDS * FPS and times[0] == 0.0 and np.allclose(np.diff(times), 1 / FPS)
    assert abs(len(audio) / SAMPLE_RATE - SECONDS) <= 1 / FPS
    # The fallback really spoke: most of the second half of the show has sound, not the silence
    # a failed sentence would leave.
    half = audio[len(audio) // 2:]
    frames = half[: len(half) // SAMPLES_PER_FRAME * SAMPLES_PER_FRAME].reshape(-1, SAMPLES_PER_FRAME)
    assert (np.abs(frames).mean(axis=1) > 0.01).mean() > 0.5


def read_wav(path):
    with wave.open(str(path)) as w:
        assert w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_say_writes_a_48k_wav_with_the_persona_voice(tmp_path, capsys):
    out = tmp_path / "kokoro.wav"
    assert main(["say", "到手价¥59.9，拍两件更划算", "--persona", "beauty", "--out", str(out), "--no-cache"]) == 0
    pcm = read_wav(out)
    printed = capsys.readouterr().out
    assert "kokoro voice" in printed and "五十九点九元" in printed
    assert len(pcm) > SAMPLE_RATE and np.abs(pcm.astype(np.int32)).mean() > 300


def test_say_with_another_engine_and_bad_options(tmp_path, capsys):
    out = tmp_path / "espeak.wav"
    assert main(["say", "欢迎来到直播间", "--engine", "espeak", "--out", str(out), "--no-cache"]) == 0
    assert "espeak voice cmn" in capsys.readouterr().out and len(read_wav(out)) > SAMPLE_RATE // 2
    assert main(["say", "你好", "--voice", "zf_nobody", "--out", str(tmp_path / "x.wav")]) == 2
    assert "Kokoro has no voice 'zf_nobody'" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()


def test_a_live_producer_synthesizes_ahead_and_warms_the_cache(tmp_path):
    from speech.cache import CachedEngine, SynthesisCache

    persona = load_persona("default")
    engine = CachedEngine(LoudnessNormalizedEngine(EspeakEngine()), SynthesisCache(tmp_path, 10**8), "espeak|cmn")
    engine.load()
    producer = ShowProducer(default_catalog(), persona, engine, synthesize_in_background=True)
    chunks = [producer.next_chunk() for _ in range(3 * FPS)]
    engine.wait_warm()
    assert [c.index for c in chunks] == list(range(3 * FPS))
    assert engine.cache.misses >= 3  # the next two sentences, and at least one warmed beyond them
    assert len(list(tmp_path.glob("*.npz"))) == engine.cache.misses
    # Acknowledgements are ready before any viewer asks: they fill the gap while an answer is made.
    from speech.cache import cache_key
    assert all(cache_key("espeak|cmn", text) in engine.cache for text in persona.style.acknowledgements)


def test_answers_viewers_ask_for_most_are_synthesized_before_anyone_asks(tmp_path):
    from script.chat import ChatEvent
    from speech.cache import CachedEngine, SynthesisCache
    from stream.speech_ahead import spoken_parts

    class Recorded(LoudnessNormalizedEngine):
        made: list[str] = []  # texts that reached the engine: cache misses

        def synthesize(self, text):
            self.made.append(text)
            return super().synthesize(text)

    persona = load_persona("default")
    catalog = default_catalog()
    engine = CachedEngine(Recorded(EspeakEngine()), SynthesisCache(tmp_path, 10**8), "espeak|cmn")
    engine.load()
    producer = ShowProducer(catalog, persona, engine, synthesize_in_background=True)
    engine.wait_warm()
    assert set(persona.style.answer_prefixes) <= set(Recorded.made)
    said = []
    producer.add_reply_listener(said.append)
    product = catalog.products[1]
    asked_at = len(Recorded.made)
    producer.submit_chat(ChatEvent(0.0, "comment", "v1", f"{product.title}多少钱"))
    for _ in range(10 * FPS):  # bounded: the answer is cut in and goes on air
        producer.next_chunk()
        if said and said[0].t_on_air is not None:
            break
    producer.close()
    assert said and said[0].t_on_air is not None and said[0].sku == product.sku
    sentences = [s + "。" for s in said[0].reply_text.split("。") if s]
    parts = [p for i, s in enumerate(sentences) for p in spoken_parts(s, i, urgent=True)]
    assert len(parts) >= 2  # the persona's prefix is spoken on its own
    assert not set(parts) & set(Recorded.made[asked_at:])  # every part came from the cache


def test_a_new_price_is_synthesized_when_the_catalog_changes_before_the_show_thread_sees_it(tmp_path):
    from dataclasses import replace

    from speech.cache import CachedEngine, SynthesisCache, cache_key
    from stream.speech_ahead import spoken_parts

    persona = load_persona("default")
    catalog = default_catalog()
    engine = CachedEngine(LoudnessNormalizedEngine(EspeakEngine()), SynthesisCache(tmp_path, 10**8), "espeak|cmn")
    engine.load()
    producer = ShowProducer(catalog, persona, engine, synthesize_in_background=True)
    product = replace(catalog.products[0], price=77.0)
    changed = replace(catalog, products=(product, *catalog.products[1:]))
    producer.update_catalog(changed)  # no frame is made: the warming happens on this thread's call
    engine.wait_warm()
    producer.close()
    answer = next(a for a in producer.inbox.head[1].likely_answers() if "77元" in "".join(a.sentences))
    parts = [p for i, s in enumerate(answer.spoken(persona.style.answer_prefixes[0]))
             for p in spoken_parts(s, i, urgent=True)]
    assert all(cache_key("espeak|cmn", part) in engine.cache for part in parts)
