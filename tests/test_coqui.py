"""A merchant's own Coqui voice: licence flags, clear failures, and (when the Coqui environment
is installed, see README) a tiny untrained VITS built offline, driven through the worker."""
from __future__ import annotations

import json
import logging
import subprocess

import pytest

from speech.coqui import WORKER, CoquiEngine, coqui_python, licence_notice
from speech.types import SpeechEngineError
from speech.voice import VoiceSettings, make_engine


def model_folder(tmp_path, model="vits", licence=None):
    folder = tmp_path / model
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model": model}), encoding="utf-8")
    if licence:
        (folder / "LICENSE.txt").write_text(licence, encoding="utf-8")
    return folder


def test_non_commercial_voice_models_are_flagged(tmp_path):
    assert licence_notice(model_folder(tmp_path, "vits")) is None
    xtts = licence_notice(model_folder(tmp_path, "xtts"))
    assert xtts and "xtts model" in xtts and "commercial use" in xtts
    nc = licence_notice(model_folder(tmp_path / "..", "vits2", "Licensed under CC BY-NC 4.0"))
    assert nc and "LICENSE.txt names a non-commercial licence" in nc


def test_say_warns_about_a_non_commercial_model(tmp_path, capsys):
    from stream.cli import main

    folder = model_folder(tmp_path, "xtts", "Coqui Public Model License 1.0.0")
    main(["say", "你好", "--engine", "coqui", "--voice", str(folder), "--out", str(tmp_path / "x.wav"), "--no-cache"])
    assert "WARNING: Coqui voice" in capsys.readouterr().err


def test_missing_model_or_environment_is_a_clear_error(tmp_path):
    with pytest.raises(SpeechEngineError, match="has no config.json"):
        CoquiEngine(tmp_path / "nowhere").load()
    with pytest.raises(SpeechEngineError, match="no Coqui environment at .*Optional: your own Coqui voice"):
        CoquiEngine(model_folder(tmp_path), python=tmp_path / "no-python").load()


def test_a_coqui_voice_that_cannot_load_falls_back_to_espeak(tmp_path, caplog):
    engine = make_engine(VoiceSettings("coqui", str(tmp_path / "missing-model"), 1.0))
    with caplog.at_level(logging.ERROR):
        engine.load()
    assert engine.name == "espeak" and "coqui engine failed to load" in caplog.text
    assert engine.synthesize("好的").num_samples > 0


def coqui_ready() -> bool:
    python = coqui_python()
    if not python.exists():
        return False
    return subprocess.run([str(python), "-P", "-c", "import TTS.tts.models.vits"], capture_output=True,
                          timeout=300).returncode == 0


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    if not coqui_ready():
        pytest.skip(f"no working Coqui environment at {coqui_python()} (README: Optional: your own Coqui voice)")
    folder = tmp_path_factory.mktemp("coqui") / "tiny-vits"
    subprocess.run([str(coqui_python()), "-P", str(WORKER), "build-tiny", str(folder)], check=True,
                   capture_output=True, timeout=600)
    return folder


def test_tiny_untrained_vits_speaks_through_the_worker_with_exact_timings(tiny_model):
    engine = CoquiEngine(tiny_model, speed=1.0)
    engine.load()
    try:
        u = engine.synthesize("欢迎来到直播间，到手价89元")
        short = engine.synthesize("欢迎")
    finally:
        engine.close()
    assert u.spoken_text == "欢迎来到直播间，到手价八十九元" and short.num_samples > 0
    assert [w.text for w in u.words] == list("欢迎来到直播间到手价八十九元")
    assert all(0 <= w.start < w.end <= u.num_samples for w in u.words)
    assert all(a.end <= b.start for a, b in zip(u.words, u.words[1:]))
    assert u.phonemes[0].start == 0 and u.phonemes[-1].end == u.num_samples
    assert all(a.end == b.start for a, b in zip(u.phonemes, u.phonemes[1:]))
