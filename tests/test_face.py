"""The face: visemes from phoneme timings, mouth opening measured in pixels, the pointing gesture,
both layouts with the AI label and a safe area, photo and video modes on a real portrait that ships
with scikit-image, consent, and bad input. No downloads; no wall-clock assertions."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from avatar import landmarks
from avatar.assets import AssetError
from avatar.factory import make_renderer
from avatar.likeness import PhotoRenderer, VideoRenderer
from avatar.measure import mouth_opening
from avatar.motion import idle_phase
from avatar.renderer import IDLE_PHASES, HostRenderer
from avatar.scene import Appearance, FrameState, ProductCard
from avatar.visemes import SHAPES, MouthShape, Viseme, VisemeTrack, consonant_viseme, vowel_visemes
from speech.espeak import EspeakEngine
from speech.types import PhonemeTiming, Utterance, WordTiming
from stream.catalog_file import default_catalog
from stream.demo import render_demo
from stream.media import SAMPLE_RATE, SAMPLES_PER_FRAME
from stream.persona_bundle import PersonaError, load_persona, prepare_persona
from stream.playout import Playout
from stream.show import ShowProducer
from tests.face_media import astronaut, make_idle_clip, save_portrait

MS = SAMPLE_RATE // 1000
PERSONAS = ("default", "beauty", "electronics", "food", "apparel", "mother-baby", "home")
CARD = ProductCard("云南古树普洱茶饼 357克 礼盒装", 89.0, 129.0, "满199减30")
CONSENT = "consent: {subject: 张三, granted_by: 张三, date: 2026-11-01, purpose: 山野优选直播间数字人主播}\n"


@pytest.fixture(scope="module", autouse=True)
def landmark_cache(tmp_path_factory):
    """Landmarks are cached in a private folder, never in the real home."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIVEHOST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    save_portrait(folder / "portrait.png")
    make_idle_clip(folder / "idle.mp4", seconds=10.0, size=256)
    Image.fromarray(np.full((300, 300, 3), 128, dtype=np.uint8)).save(folder / "no_face.png")
    (folder / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    good = (folder / "idle.mp4").read_bytes()
    (folder / "corrupt.mp4").write_bytes(good[:64] + bytes(4096))
    make_idle_clip(folder / "short.mp4", seconds=3.0, size=128)
    return folder


def persona_folder(root: Path, name: str, appearance: str, consent: str = CONSENT) -> Path:
    folder = root / name
    folder.mkdir(exist_ok=True)
    base = (Path(__file__).resolve().parent.parent / "personas" / "default" / "persona.yaml").read_text("utf-8")
    head = base.split("appearance:")[0]
    (folder / "persona.yaml").write_text(head + appearance + consent, encoding="utf-8")
    return folder


def utterance(phonemes, ms: int) -> Utterance:
    return Utterance("t", "t", np.zeros(ms * MS, dtype=np.int16), (),
                     tuple(PhonemeTiming(p, s * MS, e * MS, v) for p, s, e, v in phonemes))


# ---------------------------------------------------------------- visemes

def test_espeak_and_ipa_phonemes_map_to_the_same_visemes() -> None:
    for name in ("p", "b", "m", "ph"):
        assert consonant_viseme(name) == Viseme.MBP
    assert consonant_viseme("f") == Viseme.FV
    for name in ("s", "ts.h", "s.", "tS", "ʂ", "tɕʰ", "ʨʰ", "ɕ", "ts"):
        assert consonant_viseme(name) == Viseme.SZ, name
    for name in ("n", "l", "t", "th", "d"):
        assert consonant_viseme(name) == Viseme.DNL, name
    for name in ("k", "kh", "x", "N", "ŋ", "h"):
        assert consonant_viseme(name) == Viseme.KG, name
    assert vowel_visemes("a") == [Viseme.AA] and vowel_visemes("a5") == [Viseme.AA] and vowel_visemes("á") == [Viseme.AA]
    assert vowel_visemes("i") == [Viseme.IY] and vowel_visemes("u") == [Viseme.UW] and vowel_visemes("o") == [Viseme.OH]
    assert vowel_visemes("@") == vowel_visemes("ə") == [Viseme.EH]
    assert vowel_visemes("y") == [Viseme.UW]  # espeak's y is ü: rounded
    assert vowel_visemes("aI") == vowel_visemes("aɪ˥") == [Viseme.AA, Viseme.IY]  # diphthongs glide
    assert vowel_visemes("aʊ") == [Viseme.AA, Viseme.UW]
    assert len(set(SHAPES.values())) == len(Viseme) >= 8


def test_track_schedules_visemes_and_blends_between_them() -> None:
    track = VisemeTrack.from_utterance(utterance(
        [("_", 0, 150, False), ("m", 150, 300, False), ("a", 300, 500, True), ("u", 500, 700, True),
         ("s", 700, 850, False), ("i", 850, 1050, True), ("_", 1050, 1300, False)], 1300))
    assert [v for _, _, v in track.visemes] == [Viseme.REST, Viseme.MBP, Viseme.AA, Viseme.UW, Viseme.SZ,
                                                Viseme.IY, Viseme.REST]

    def at(ms: int) -> MouthShape:
        return MouthShape.from_vector(track.shape_at(ms * MS))
    assert at(400).open > 0.9 and at(225).press > 0.8 and at(225).open < 0.05
    assert at(600).round > 0.8 and at(600).width < -0.5  # u: rounded and narrow
    assert at(950).width > 0.45 and at(950).upper_teeth > 0.9  # i: spread, teeth showing
    assert at(1250).open == 0.0 and at(50).open == 0.0
    # co-articulation: between a and u the mouth is on its way, not snapped to either
    mid = at(500)
    assert 0.35 < mid.open < 0.95 and 0.1 < mid.round < 0.9


def test_consonants_anticipate_the_next_vowels_lips() -> None:
    before_u = VisemeTrack.from_utterance(utterance([("s", 0, 200, False), ("u", 200, 500, True)], 500))
    before_i = VisemeTrack.from_utterance(utterance([("s", 0, 200, False), ("i", 200, 500, True)], 500))
    assert before_u.shape_at(80 * MS)[2] > before_i.shape_at(80 * MS)[2] + 0.15  # rounder before u


# ---------------------------------------------------------------- drawn host

@pytest.fixture(scope="module")
def host() -> HostRenderer:
    return HostRenderer(load_persona("food").appearance)


def espeak_states(text: str) -> tuple[list[FrameState], np.ndarray, Utterance]:
    engine = EspeakEngine("cmn")
    engine.load()
    utt = engine.synthesize(text)
    track = VisemeTrack.from_utterance(utt)
    states, rms = [], []
    for k in range(-(-utt.num_samples // SAMPLES_PER_FRAME)):
        shape = track.shape_for_frame(k * SAMPLES_PER_FRAME)
        states.append(FrameState(k, shape.open, utt.text, CARD, True, shape))
        pcm = utt.pcm[k * SAMPLES_PER_FRAME:(k + 1) * SAMPLES_PER_FRAME].astype(np.float64)
        rms.append(np.sqrt(np.mean(pcm * pcm)))
    return states, np.array(rms), utt


def openings(renderer, states: list[FrameState]) -> np.ndarray:  # type: ignore[no-untyped-def]
    out = []
    for s in states:
        frame = renderer.render(s)
        rest = renderer.render(FrameState(s.index, 0.0, s.subtitle, s.card, False))
        out.append(mouth_opening(frame, rest, renderer.mouth_box))
    return np.array(out, dtype=np.float64)


def vowel_and_silence_frames(utt: Utterance) -> tuple[list[int], list[int]]:
    vowels, silent = [], []
    for k in range(-(-utt.num_samples // SAMPLES_PER_FRAME)):
        centre = k * SAMPLES_PER_FRAME + SAMPLES_PER_FRAME // 2
        here = [p for p in utt.phonemes if p.start <= centre < p.end]
        if here and here[0].is_vowel and here[0].end - here[0].start > 2 * SAMPLES_PER_FRAME:
            vowels.append(k)
        elif not any(p.start - 2 * SAMPLES_PER_FRAME <= centre < p.end + 2 * SAMPLES_PER_FRAME
                     for p in utt.phonemes if p.phoneme.strip("_|:! ")):
            silent.append(k)
    return vowels, silent


def test_drawn_mouth_opens_on_vowels_and_rests_in_silence(host: HostRenderer) -> None:
    states, rms, utt = espeak_states("家人们，看这款茶。")
    measured = openings(host, states)
    vowels, silent = vowel_and_silence_frames(utt)
    assert vowels and silent
    assert measured[vowels].mean() > 60 and measured[silent].max() < 0.25 * measured[vowels].mean()
    assert np.corrcoef(measured, rms)[0, 1] > 0.4  # follows the speech frame by frame


def test_pointing_raises_the_arm_toward_the_card_and_eases(host: HostRenderer) -> None:
    still = host.render(FrameState(0, 0.0, "", CARD))
    frames = [host.render(FrameState(0, 0.0, "", CARD, pointing=True)) for _ in range(8)]
    x0, y0, x1, y1 = host.arm_box

    def arm_pixels(frame: np.ndarray) -> int:
        return int((np.abs(frame[y0:y1, x0:x1].astype(int) - still[y0:y1, x0:x1].astype(int)).max(axis=2) > 30).sum())
    raised = [arm_pixels(f) for f in frames]
    assert 0 < raised[0] < raised[-1] and raised[-1] > 1500  # rises over a few frames, not in one jump
    changed = np.argwhere((frames[-1] != still).any(axis=2))
    card_x0 = host.layout.card_box[0]
    assert changed[:, 1].max() > host.layout.head_x + 0.6 * (card_x0 - host.layout.head_x)  # reaches toward the card
    for _ in range(8):
        down = host.render(FrameState(0, 0.0, "", CARD))
    assert np.array_equal(down, still)


def test_playout_marks_the_call_to_action_sentence_for_pointing() -> None:
    engine = EspeakEngine("cmn")
    engine.load()
    playout = Playout(engine.synthesize)
    playout.say("L1", ("这款茶很好喝。", "喜欢的点下方小黄车。"), point_at_last=True)
    playout.say("L2", ("欢迎新来的朋友。",))
    seen: list[tuple[str, bool]] = []
    shapes = []
    for _ in range(400):
        audio = playout.next_frame()
        if audio.speaking:
            seen.append((audio.subtitle, audio.pointing))
            shapes.append(audio.mouth_shape)
        if not playout.busy:
            break
    assert {p for s, p in seen if s == "喜欢的点下方小黄车。"} == {True}
    assert {p for s, p in seen if s != "喜欢的点下方小黄车。"} == {False}
    assert all(shape is not None for shape in shapes) and max(shape.open for shape in shapes) > 0.5
    assert playout.next_frame().mouth_shape is None  # silence: no viseme


def test_six_personas_look_different_not_just_recoloured() -> None:
    looks = {p: load_persona(p).appearance for p in PERSONAS}
    shapes = {p: (a.hair_style, a.outfit_style, a.accessories) for p, a in looks.items()}
    assert len(set(shapes.values())) == len(PERSONAS)
    styles = [shapes[p] for p in PERSONAS if p != "default"]
    assert len({s[0] for s in styles}) >= 5 and len({s[1] for s in styles}) >= 5


# ---------------------------------------------------------------- layouts, label, safe area

def label_ok(frame: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    y = frame[y0:y1, x0:x1].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return bool((y < 60).mean() > 0.3 and (y > 220).sum() > 60)


def test_vertical_layout_keeps_overlays_inside_the_safe_area() -> None:
    r = HostRenderer(load_persona("beauty").appearance, 720, 1280)
    plain = r.render(FrameState(0, 0.0))
    busy = r.render(FrameState(0, 0.0, "家人们看过来，这款云南古树普洱茶今天给大家好好讲讲口感醇厚回甘明显冲泡十几次", CARD))
    assert busy.shape == (1280, 720, 3)
    sx0, sy0, sx1, sy1 = r.layout.safe_box
    assert (sy0, r.height - sy1, r.width - sx1) == (160, 300, 96)
    rows, cols = np.nonzero((busy != plain).any(axis=2))
    assert rows.min() >= sy0 and rows.max() < sy1 and cols.min() >= sx0 and cols.max() < sx1
    lx0, ly0, lx1, ly1 = r.label_box
    assert sx0 <= lx0 and sy0 <= ly0 and lx1 <= sx1 and ly1 <= sy1
    assert label_ok(plain, r.label_box) and label_ok(busy, r.label_box)


def test_vertical_show_encodes_at_720x1280(tmp_path: Path) -> None:
    persona = load_persona("default")
    producer = ShowProducer(default_catalog(), persona, EspeakEngine("cmn"), size=(720, 1280))
    out = tmp_path / "vertical.mp4"
    result = render_demo(producer, 1.0, out, [])
    assert result.output_errors == []
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 25 and frames[0].shape == (1280, 720, 3)


# ---------------------------------------------------------------- photo and video modes

@pytest.fixture(scope="module")
def photo(media: Path) -> PhotoRenderer:
    return PhotoRenderer(Appearance.from_dict({"mode": "photo", "portrait": str(media / "portrait.png")}))


def test_photo_mode_mouth_follows_speech_on_a_real_portrait(photo: PhotoRenderer) -> None:
    states, rms, utt = espeak_states("家人们，看这款茶。")
    measured = openings(photo, states)
    vowels, silent = vowel_and_silence_frames(utt)
    assert measured[vowels].mean() > 80 and measured[silent].max() < 0.25 * measured[vowels].mean()
    assert np.corrcoef(measured, rms)[0, 1] > 0.4
    wide = photo.render(FrameState(3, 1.0, "", None, True, SHAPES[Viseme.AA]))
    rest = photo.render(FrameState(3, 0.0))
    changed = np.argwhere((wide != rest).any(axis=2))
    x0, y0, x1, y1 = photo.mouth_box
    assert changed[:, 0].min() >= y0 and changed[:, 0].max() < y1 and changed[:, 1].min() >= x0
    x0, y0, x1, y1 = photo._geos[idle_phase(3, IDLE_PHASES)].box  # this frame's patch
    patch = wide[y0:y1, x0:x1].astype(int)
    ring = np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]])
    under = rest[y0:y1, x0:x1].astype(int)
    ring_rest = np.concatenate([under[0], under[-1], under[:, 0], under[:, -1]])
    assert np.abs(ring - ring_rest).max() <= 2  # blended back without a seam
    assert label_ok(wide, photo.label_box) and label_ok(rest, photo.label_box)


def test_photo_mode_breathes_but_the_label_stays_put(photo: PhotoRenderer) -> None:
    import cv2
    frames = [photo.render(FrameState(k, 0.0)) for k in range(0, 110, 11)]
    x0, y0, x1, y1 = photo.mouth_box
    x0, y0, x1, y1 = x0 - 60, y0 - 120, x1 + 60, y1  # the lower face

    def grey(f: np.ndarray) -> np.ndarray:
        return cv2.cvtColor(f[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float64)
    shifts = [np.hypot(*cv2.phaseCorrelate(grey(frames[0]), grey(f))[0]) for f in frames]
    assert 1.0 < max(shifts) < 5.0  # it moves, gently
    lx0, ly0, lx1, ly1 = photo.label_box
    inner = np.s_[ly0 + 8:ly1 - 8, lx0 + 8:lx1 - 8]  # all but the anti-aliased rounded corners
    assert all(np.array_equal(f[inner], frames[0][inner]) and label_ok(f, photo.label_box) for f in frames)


def test_photo_mode_blinks(photo: PhotoRenderer) -> None:
    from avatar.motion import EyeState, eye_state
    closed = next(k for k in range(300) if eye_state(k) == EyeState.CLOSED)
    opened = next(k for k in range(closed - 40, closed) if eye_state(k) == EyeState.OPEN
                  and idle_phase(k, IDLE_PHASES) == idle_phase(closed, IDLE_PHASES))
    shut, open_ = photo.render(FrameState(closed, 0.0)), photo.render(FrameState(opened, 0.0))
    eyes = photo._eyes[idle_phase(closed, IDLE_PHASES)]
    assert len(eyes) == 2
    changed = np.argwhere((shut != open_).any(axis=2))
    inside = np.zeros(len(changed), dtype=bool)
    for geo in eyes:
        x0, y0, x1, y1 = geo.box
        inside |= (changed[:, 0] >= y0) & (changed[:, 0] < y1) & (changed[:, 1] >= x0) & (changed[:, 1] < x1)
    assert len(changed) > 100 and inside.all()  # only the eyes change
    for geo in eyes:  # the dark iris is covered by the lid
        x0, y0, x1, y1 = geo.box
        assert shut[y0:y1, x0:x1].mean() > open_[y0:y1, x0:x1].mean() + 3


def test_photo_mode_in_the_vertical_layout(media: Path) -> None:
    r = make_renderer(Appearance.from_dict({"mode": "photo", "portrait": str(media / "portrait.png")}), 720, 1280)
    frame = r.render(FrameState(0, 0.8, "好的", CARD, True, SHAPES[Viseme.AA]))
    assert frame.shape == (1280, 720, 3) and label_ok(frame, r.label_box)


def test_landmarks_are_computed_once_and_cached(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    look = Appearance.from_dict({"mode": "photo", "portrait": str(media / "portrait.png")})
    PhotoRenderer(look)
    assert list(landmarks.cache_dir().glob("*-image-*.npz"))

    def no_model(static: bool):  # type: ignore[no-untyped-def]
        raise AssertionError("FaceMesh ran again despite the cache")
    monkeypatch.setattr(landmarks, "_face_mesh", no_model)
    PhotoRenderer(look)


@pytest.fixture(scope="module")
def video(media: Path) -> VideoRenderer:
    return VideoRenderer(Appearance.from_dict({"mode": "video", "portrait": str(media / "idle.mp4")}))


def test_video_mode_loops_without_a_seam(video: VideoRenderer) -> None:
    period = video._clip.period
    assert video.clip_frames == 250 and period == 250 - 12
    frames = [video._clip.play(k)[0].astype(np.int16) for k in range(period - 30, period + 10)]
    steps = np.array([np.abs(b - a).mean() for a, b in zip(frames, frames[1:])])
    at_loop = steps[29]  # from the last frame of one pass to the first of the next
    assert at_loop <= 1.5 * np.median(steps) + 0.5
    assert np.array_equal(video._clip.play(period + 3)[0], video._clip.play(3)[0])  # a true loop


def test_video_mode_moves_the_mouth_and_keeps_the_label(video: VideoRenderer) -> None:
    for k in (0, 100, 237, 238, 300):
        rest = video.render(FrameState(k, 0.0))
        wide = video.render(FrameState(k, 1.0, "好的", CARD, True, SHAPES[Viseme.AA]))
        assert mouth_opening(wide, rest, video.mouth_box) > 40
        assert label_ok(wide, video.label_box) and label_ok(rest, video.label_box)


# ---------------------------------------------------------------- consent and bad input

def test_a_real_likeness_needs_a_consent_record(media: Path, tmp_path: Path) -> None:
    look = f"appearance:\n  mode: photo\n  portrait: {media / 'portrait.png'}\n"
    with pytest.raises(PersonaError, match="consent record"):
        load_persona(persona_folder(tmp_path, "no-consent", look, consent="consent: null\n"))
    with pytest.raises(PersonaError, match="consent.purpose"):
        load_persona(persona_folder(tmp_path, "half-consent", look,
                                    consent="consent: {subject: 张三, granted_by: 张三, date: 2026-11-01}\n"))
    with pytest.raises(PersonaError, match="consent.date"):
        load_persona(persona_folder(tmp_path, "bad-date", look, consent=CONSENT.replace("2026-11-01", "昨天")))
    bundle = load_persona(persona_folder(tmp_path, "merchant", look))
    assert bundle.consent is not None and bundle.consent.subject == "张三" and bundle.consent.date.year == 2026
    prepared = prepare_persona(persona_folder(tmp_path, "merchant", look))
    assert prepared.renderer.render(FrameState(0, 0.5)).shape == (720, 1280, 3)


@pytest.mark.parametrize("asset, mode, message", [
    ("no_face.png", "photo", "no face found"),
    ("corrupt.png", "photo", "not a readable image"),
    ("missing.png", "photo", "not found"),
    ("corrupt.mp4", "video", "idle video"),
    ("short.mp4", "video", "3.0 s long"),
    ("missing.mp4", "video", "not found"),
])
def test_bad_likeness_files_are_refused_by_name(media: Path, tmp_path: Path, asset: str, mode: str,
                                               message: str) -> None:
    folder = persona_folder(tmp_path, "bad", f"appearance:\n  mode: {mode}\n  portrait: {media / asset}\n")
    with pytest.raises(PersonaError, match=message) as caught:
        load_persona(folder)
    assert asset in str(caught.value)
    with pytest.raises(PersonaError, match=asset.replace(".", r"\.")):
        prepare_persona(folder)
    with pytest.raises(AssetError, match=asset.replace(".", r"\.")):
        make_renderer(Appearance.from_dict({"mode": mode, "portrait": str(media / asset)}))


def test_a_failed_persona_switch_leaves_the_running_show_alone(media: Path, tmp_path: Path) -> None:
    producer = ShowProducer(default_catalog(), load_persona("default"), EspeakEngine("cmn"))
    before = [producer.next_chunk().video for _ in range(3)]
    folder = persona_folder(tmp_path, "broken", f"appearance:\n  mode: photo\n  portrait: {media / 'corrupt.png'}\n")
    with pytest.raises(PersonaError):
        prepare_persona(folder)
    after = producer.next_chunk().video
    assert after.shape == before[0].shape and label_ok(after, HostRenderer(load_persona("default").appearance).label_box)


def test_background_image_and_blur_and_a_product_photo(media: Path) -> None:
    sharp = HostRenderer(Appearance.from_dict({"background_image": str(media / "portrait.png")}), 640, 360)
    blurred = HostRenderer(Appearance.from_dict({"background_image": str(media / "portrait.png"),
                                                 "background_blur": 12}), 640, 360)
    corner = np.s_[60:200, 0:90]  # the flag behind, left of the host
    a, b = sharp.render(FrameState(0, 0.0))[corner].astype(float), blurred.render(FrameState(0, 0.0))[corner].astype(float)
    assert np.abs(np.diff(a, axis=1)).mean() > 1.5 * np.abs(np.diff(b, axis=1)).mean()  # blur removes detail
    with pytest.raises(AssetError, match="missing.jpg"):
        HostRenderer(Appearance.from_dict({"background_image": str(media / "missing.jpg")}))
    with_photo = ProductCard(CARD.title, 89.0, 129.0, "满199减30", str(media / "portrait.png"))
    broken_photo = ProductCard(CARD.title, 89.0, 129.0, "满199减30", str(media / "corrupt.png"))
    plain = sharp.render(FrameState(0, 0.0, "", CARD))
    shown = sharp.render(FrameState(0, 0.0, "", with_photo))
    x0, y0, x1, y1 = sharp.layout.card_box
    assert np.abs(shown[y0:y1, x0:x1].astype(int) - plain[y0:y1, x0:x1].astype(int)).max() > 60
    assert sharp.render(FrameState(0, 0.0, "", broken_photo)).shape == (360, 640, 3)  # the card, minus its photo


def test_appearance_validates_the_new_fields() -> None:
    for bad, field in (({"outfit_style": "cape"}, "outfit_style"), ({"accessories": ["crown"]}, "accessories"),
                       ({"accessories": "glasses"}, "accessories"), ({"mode": "photo"}, "portrait"),
                       ({"mode": "hologram"}, "mode"), ({"background_blur": -1}, "background_blur")):
        with pytest.raises(ValueError, match=field):
            Appearance.from_dict(bad)
    look = Appearance.from_dict({"mode": "photo", "portrait": "me.png"}, Path("/merchant"))
    assert look.portrait == "/merchant/me.png"


def test_a_clip_that_disappears_mid_show_freezes_instead_of_failing(media: Path, tmp_path: Path) -> None:
    clip = tmp_path / "idle.mp4"
    clip.write_bytes((media / "idle.mp4").read_bytes())
    renderer = VideoRenderer(Appearance.from_dict({"mode": "video", "portrait": str(clip)}))
    renderer.render(FrameState(5, 0.0))
    clip.unlink()
    period = renderer._clip.period
    frames = [renderer.render(FrameState(k, 0.5, "好的", CARD, True)) for k in (period + 1, period + 2, 3)]
    assert all(f.shape == (720, 1280, 3) and label_ok(f, renderer.label_box) for f in frames)
