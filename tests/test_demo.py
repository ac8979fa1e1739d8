"""The offline demo decoded back with PyAV: frame count, pts, A/V duration, lips moving with speech."""
from pathlib import Path

import av
import numpy as np
import pytest

from avatar.renderer import HostRenderer
from speech.voice import make_engine
from stream.catalog_file import default_catalog
from stream.demo import render_demo, scripted_question
from stream.media import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

SECONDS = 8


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "show.mp4"
    persona = load_persona("default")
    engine = make_engine(persona.voice.with_engine("espeak"))
    producer = ShowProducer(default_catalog(), persona, engine)
    result = render_demo(producer, SECONDS, out, [scripted_question(SECONDS)])
    return out, result, persona


def decode(path: Path):
    with av.open(str(path)) as container:
        video = [(f.pts, f.time, f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    return video, audio


def test_demo_has_every_frame_from_pts_zero_and_audio_as_long_as_video(demo):
    out, result, _ = demo
    assert result.output_errors == [] and result.frames == SECONDS * FPS
    video, audio = decode(out)
    assert len(video) == SECONDS * FPS
    assert video[0][1] == 0.0
    times = [t for _, t, _ in video]
    assert np.allclose(np.diff(times), 1 / FPS)
    assert video[0][2].shape == (720, 1280, 3)
    audio_s, video_s = len(audio) / SAMPLE_RATE, len(video) / FPS
    assert abs(audio_s - video_s) <= 1 / FPS


def test_scripted_question_is_answered_on_air_with_the_catalog_price(demo):
    _, result, _ = demo
    answered = [r for r in result.replies if r.reply_text]
    assert len(answered) == 1
    reply = answered[0]
    assert "89元" in reply.reply_text and reply.sku == "A1001" and "A1001.price" in reply.sources
    assert reply.t_on_air is not None and 0 <= reply.t_on_air - reply.event.t < 1.0


def test_mouth_moves_with_speech_not_in_silence(demo):
    out, _, persona = demo
    video, audio = decode(out)
    x0, y0, x1, y1 = HostRenderer(persona.appearance).mouth_box
    loudness = [np.abs(audio[k * SAMPLES_PER_FRAME:(k + 1) * SAMPLES_PER_FRAME]).mean() for k in range(len(video))]
    mouths = [frame[y0:y1, x0:x1].astype(np.int16) for _, _, frame in video]
    darkness = [float((m.sum(axis=2) < 250).sum()) for m in mouths]  # open mouth shows the dark inside
    loud = [d for d, level in zip(darkness, loudness) if level > 0.05]
    quiet = [d for d, level in zip(darkness, loudness) if level < 0.002]
    assert loud and quiet, "the demo should contain both speech and pauses"
    assert np.mean(loud) > np.mean(quiet) + 5
    # Not a loop: the mouth follows the audio frame by frame.
    assert np.corrcoef(darkness, loudness)[0, 1] > 0.3
