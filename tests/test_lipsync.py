"""Lip sync as a viewer sees it: mediapipe FaceMesh (bundled model, no download) on rendered frames reads
a face and an inner-lip gap that follows the voice."""
from __future__ import annotations

import numpy as np
import pytest

from avatar.lipsync_check import LipGapMeter, frame_rms, lag_fit
from avatar.renderer import HostRenderer
from avatar.scene import Appearance, FrameState
from avatar.visemes import SHAPES, Viseme, VisemeTrack
from speech.types import PhonemeTiming, Utterance
from stream.media import SAMPLE_RATE, SAMPLES_PER_FRAME

MS = SAMPLE_RATE // 1000


@pytest.fixture(scope="module")
def meter():
    with LipGapMeter() as m:
        yield m


def voiced(ms: int, loud: list[tuple[int, int, float]]) -> np.ndarray:
    """A buzz (150 Hz with harmonics) at the given loudness over (start, end) ms, silence elsewhere."""
    pcm = np.zeros(ms * MS)
    t = np.arange(len(pcm)) / SAMPLE_RATE
    buzz = sum(np.sin(2 * np.pi * 150 * h * t) / h for h in range(1, 6))
    for s, e, level in loud:
        pcm[s * MS:e * MS] = buzz[s * MS:e * MS] * level * 8000
    return pcm.astype(np.int16)


def test_drawn_host_is_a_face_whose_lips_the_landmarker_reads(meter) -> None:
    renderer = HostRenderer(Appearance.from_dict({}))
    gaps = {}
    for v in Viseme:
        shape = SHAPES[v]
        gaps[v] = [meter.gap(renderer.render(FrameState(k * 3, shape.open, "", None, True, shape))) for k in range(4)]
    found = np.mean([np.isfinite(g) for values in gaps.values() for g in values])
    assert found >= 0.95
    wide, shut, rest = (np.nanmean(gaps[v]) for v in (Viseme.AA, Viseme.MBP, Viseme.REST))
    assert wide > 0.25 and shut < 0.08 and rest < 0.1  # a drawn closed mouth reads 0.04-0.1
    assert wide > 3 * max(shut, rest)
    assert wide > np.nanmean(gaps[Viseme.EH]) > np.nanmean(gaps[Viseme.SZ])


def test_opening_follows_the_voice_and_closes_for_m_and_in_silence() -> None:
    # "ma ma a": the second "a" loud, the first quiet, then a "vowel" the timings claim but nobody voices
    phonemes = [("m", 100, 180, False), ("a", 180, 400, True), ("m", 400, 480, False), ("a", 480, 700, True),
                ("a", 900, 1300, True)]
    pcm = voiced(1400, [(100, 180, 0.15), (180, 400, 0.35), (400, 480, 0.15), (480, 700, 1.0)])  # m is quieter
    utt = Utterance("t", "t", pcm, (), tuple(PhonemeTiming(p, s * MS, e * MS, v) for p, s, e, v in phonemes))
    track = VisemeTrack.from_utterance(utt)
    at = lambda ms: track.openness_at(ms * MS)  # noqa: E731
    assert at(140) < 0.05 and at(440) < 0.05  # lips meet for each m
    assert at(600) > 0.8  # the loud a opens wide
    assert 0.15 < at(300) < at(600)  # the quiet one less
    assert at(1100) < 0.05  # silence: no chatter
    frames = track.frames()
    rms = frame_rms(pcm.astype(np.float64), SAMPLES_PER_FRAME, len(frames))
    fit = lag_fit(frames, rms)
    assert fit.lag == 0 and fit.r > 0.7


def test_photo_mode_closes_a_smiling_mouth_and_opens_it_past_its_rest(meter, tmp_path, monkeypatch) -> None:
    from avatar.likeness import PhotoRenderer
    from tests.face_media import save_portrait
    monkeypatch.setenv("LIVEHOST_CACHE_DIR", str(tmp_path / "cache"))
    portrait = save_portrait(tmp_path / "portrait.png")  # smiles with her teeth showing: lips apart at rest
    renderer = PhotoRenderer(Appearance.from_dict({"mode": "photo", "portrait": str(portrait)}))
    gap = {v: [meter.gap(renderer.render(FrameState(k * 5, SHAPES[v].open, "", None, True, SHAPES[v])))
               for k in range(3)] for v in (Viseme.REST, Viseme.MBP, Viseme.EH, Viseme.AA)}
    assert all(np.isfinite(g) for values in gap.values() for g in values)
    rest, shut, mid, wide = (np.mean(gap[v]) for v in (Viseme.REST, Viseme.MBP, Viseme.EH, Viseme.AA))
    assert rest < 0.06 and shut < 0.06  # closed, where the portrait itself reads about 0.2
    assert wide > mid > rest + 0.08 and wide > 0.25
