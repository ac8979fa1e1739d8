"""avatar/: viseme track, drawn host, overlays. Pixel measurements only, no wall-clock assertions."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from avatar import fonts
from avatar.compose import LRU, Overlay
from avatar.fonts import FontMissingError, cjk_font
from avatar.motion import EyeState, eye_state
from avatar.measure import mouth_opening
from avatar.panels import format_price
from avatar.renderer import IDLE_PHASES, HostRenderer, shape_of
from avatar.scene import DEFAULT_APPEARANCE, Appearance, FrameState, ProductCard
from avatar.text import ELLIPSIS, wrap_text
from avatar.visemes import GRID, SHAPES, MouthShape, Viseme, VisemeTrack
from speech.types import PhonemeTiming, Utterance, WordTiming
from stream.media import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME

MS = SAMPLE_RATE // 1000
CARD = ProductCard("云南古树普洱茶饼 357克 礼盒装", 89.0, 129.0, "满199减30")
LONG_LINE = "家人们看过来这款云南古树普洱茶今天给大家好好讲讲口感醇厚回甘明显冲泡十几次都不会淡办公室囤一饼刚刚好真的很划算哦"


def utterance(phonemes: list[tuple[str, int, int, bool]] = (), words: list[tuple[str, int, int]] = (),
              ms: int = 1200) -> Utterance:
    return Utterance("t", "t", np.zeros(ms * MS, dtype=np.int16),
                     tuple(WordTiming(w, s * MS, e * MS) for w, s, e in words),
                     tuple(PhonemeTiming(p, s * MS, e * MS, v) for p, s, e, v in phonemes))


def luma(pixels: np.ndarray) -> np.ndarray:
    return pixels.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def crop(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return frame[y0:y1, x0:x1]


# ---------------------------------------------------------------- visemes

# pause 0-200 ms, consonant s 200-400, vowel a 400-600, vowel i 600-800, pause 800-1200
HAND_MADE = [("_", 0, 200, False), ("s", 200, 400, False), ("a", 400, 600, True), ("i", 600, 800, True),
             ("_|", 800, 1200, False)]


def test_vowel_opens_more_than_consonant_more_than_pause() -> None:
    track = VisemeTrack.from_utterance(utterance(HAND_MADE))
    pause, consonant, wide, narrow = (track.openness_at(t * MS) for t in (100, 300, 500, 700))
    assert wide > narrow > consonant > pause
    assert pause == 0.0
    assert wide > 0.9
    assert track.openness_at(1100 * MS) == 0.0


def test_openness_is_zero_outside_the_utterance() -> None:
    track = VisemeTrack.from_utterance(utterance([("a", 0, 1200, True)]))
    n = track.num_samples
    assert track.openness_at(n // 2) > 0.9
    for sample in (-1, -10 * GRID, n, n + 5 * GRID):
        assert track.openness_at(sample) == 0.0
    assert track.openness_for_frame(n) == 0.0
    assert track.openness_for_frame(-SAMPLES_PER_FRAME) == 0.0
    half_in = track.openness_for_frame(n - SAMPLES_PER_FRAME // 2)
    assert 0.0 < half_in < track.openness_for_frame(n // 2)


def test_track_is_smooth_even_for_rapid_phonemes() -> None:
    # 30 ms phonemes flipping between a closed bilabial and a wide vowel: a popping worst case
    rapid = [("m" if i % 2 else "a", i * 30, (i + 1) * 30, i % 2 == 0) for i in range(40)]
    for phonemes in (HAND_MADE, rapid):
        track = VisemeTrack.from_utterance(utterance(phonemes))
        frames = track.frames()
        assert len(frames) == -(-track.num_samples // SAMPLES_PER_FRAME)
        assert np.all((frames >= 0) & (frames <= 1))
        assert np.abs(np.diff(frames)).max() < 0.6
        assert np.abs(np.diff(track.grid, axis=0)).max() < 0.25  # per 10 ms, every mouth parameter
        samples = [track.openness_at(s) for s in range(0, track.num_samples, 97)]
        assert np.abs(np.diff(samples)).max() < 0.1


def test_word_timings_are_the_fallback() -> None:
    track = VisemeTrack.from_utterance(utterance(words=[("家", 100, 400), ("人", 400, 700), ("，", 700, 900)]))
    middle, edge, comma = track.openness_at(250 * MS), track.openness_at(100 * MS), track.openness_at(800 * MS)
    assert middle > 0.5
    assert middle > edge
    assert comma < 0.1
    assert track.openness_at(300 * MS) > 0.5 and track.openness_at(550 * MS) > 0.5


def test_no_timings_means_a_closed_mouth_and_tracks_are_deterministic() -> None:
    silent = VisemeTrack.from_utterance(utterance())
    assert not silent.frames().any()
    a = VisemeTrack.from_utterance(utterance(HAND_MADE))
    b = VisemeTrack.from_utterance(utterance(HAND_MADE))
    assert np.array_equal(a.grid, b.grid)
    assert a.grid.shape == (-(-a.num_samples // GRID), len(MouthShape().vector()))


def test_plain_openness_becomes_a_clamped_shape_on_the_cache_grid() -> None:
    def opening(m: float) -> float:
        return shape_of(FrameState(0, m)).open
    assert opening(0.0) == 0 and opening(-1.0) == 0 and opening(float("nan")) == 0
    assert opening(1.0) == 1.0 and opening(7.0) == 1.0
    assert opening(0.2) < opening(0.5) < opening(0.9)
    blend = MouthShape(open=0.51, width=-0.33, round=0.77)
    assert shape_of(FrameState(0, 0.0, mouth=blend)) == blend.quantized()


# ---------------------------------------------------------------- scene, fonts, text

def test_appearance_from_dict_validates_and_names_the_field() -> None:
    assert Appearance.from_dict({}) == DEFAULT_APPEARANCE
    look = Appearance.from_dict({"hair_style": "long", "hair": "#102030", "skin": [250, 220, 200]})
    assert look.hair == (16, 32, 48) and look.skin == (250, 220, 200) and look.hair_style == "long"
    for bad, field in (({"skin": [300, 0, 0]}, "skin"), ({"outfit": "blue"}, "outfit"),
                       ({"accent": [1, 2]}, "accent"), ({"hair_style": "mohawk"}, "hair_style"),
                       ({"background": None}, "background"), ({"eye_colour": [0, 0, 0]}, "eye_colour")):
        with pytest.raises(ValueError, match=field):
            Appearance.from_dict(bad)


def test_font_is_found_and_a_missing_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cjk_font(24).getlength("数字人") > 0
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package_xyz")
    fonts._font_source.cache_clear()
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="pylopdf-fonts-zh-cn"):
            cjk_font(25)
    finally:
        monkeypatch.undo()
        fonts._font_source.cache_clear()
        fonts.cjk_font.cache_clear()


def test_wrap_text_two_lines_then_ellipsis() -> None:
    font = cjk_font(34)
    lines = wrap_text(LONG_LINE[:60], font, 1000, 2)
    assert len(lines) == 2 and "".join(lines) == LONG_LINE[:60]
    assert all(font.getlength(line) <= 1000 for line in lines)
    cut = wrap_text(LONG_LINE * 3, font, 1000, 2)
    assert len(cut) == 2 and cut[1].endswith(ELLIPSIS) and font.getlength(cut[1]) <= 1000
    assert wrap_text("好的，", font, 1000, 2) == ("好的，",)
    assert wrap_text("  ", font, 1000, 2) == ()


def test_format_price() -> None:
    assert format_price(89.0) == "¥89"
    assert format_price(89.9) == "¥89.9"
    assert format_price(89.95) == "¥89.95"


def test_lru_is_bounded_and_keeps_recent_items() -> None:
    cache: LRU[int, int] = LRU(3)
    made: list[int] = []
    for key in (1, 2, 3, 1, 4, 1, 2):
        cache.get_or_make(key, lambda key=key: made.append(key) or key * 10)
    assert len(cache) == 3
    assert made == [1, 2, 3, 4, 2]  # 1 stayed because it was used; 2 was evicted and remade


def test_overlay_blend_matches_float_alpha_compositing() -> None:
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (20, 30, 4), dtype=np.uint8)
    under = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    frame = under.copy()
    Overlay.from_image(Image.fromarray(rgba, "RGBA"), 0, 0).blend_into(frame)
    a = rgba[:, :, 3:4] / 255.0
    expected = np.rint(rgba[:, :, :3] * a + under * (1 - a))
    assert np.abs(frame.astype(int) - expected).max() <= 1


# ---------------------------------------------------------------- renderer

@pytest.fixture(scope="module")
def renderer() -> HostRenderer:
    return HostRenderer(DEFAULT_APPEARANCE)


def test_frame_shape_dtype_and_determinism(renderer: HostRenderer) -> None:
    state = FrameState(37, 0.4, "家人们好", CARD, True)
    frame = renderer.render(state)
    assert frame.shape == (720, 1280, 3) and frame.dtype == np.uint8
    assert np.array_equal(frame, renderer.render(state))
    frame[:] = 0  # callers own the frame they get
    assert renderer.render(state).any()


def dark_pixels(frame: np.ndarray, box: tuple[int, int, int, int]) -> int:
    return int((luma(crop(frame, box)) < 90).sum())


def test_mouth_opening_is_measurable_in_pixels(renderer: HostRenderer) -> None:
    rest = renderer.render(FrameState(0, 0.0, "", None, False))
    counts = [mouth_opening(renderer.render(FrameState(0, m, "", None, True)), rest, renderer.mouth_box)
              for m in (0, 0.5, 1)]
    assert counts[0] == 0 < counts[1] < counts[2]
    assert counts[2] > 1.5 * counts[1] and counts[2] > 150


def test_every_viseme_draws_a_different_mouth(renderer: HostRenderer) -> None:
    crops = {v: crop(renderer.render(FrameState(0, 0.0, mouth=SHAPES[v])), renderer.mouth_box) for v in Viseme}
    for v in Viseme:
        for w in Viseme:
            if v < w:
                assert np.abs(crops[v].astype(int) - crops[w].astype(int)).max() > 40, (v.name, w.name)
    rest = crops[Viseme.REST]

    def opening(v: Viseme) -> int:
        return int((np.abs(crops[v].astype(int) - rest.astype(int)).max(axis=2) > 40).sum())
    assert opening(Viseme.AA) > opening(Viseme.EH) > opening(Viseme.UW) and opening(Viseme.AA) > opening(Viseme.IY)


def test_mouth_only_changes_pixels_inside_mouth_box(renderer: HostRenderer) -> None:
    closed = renderer.render(FrameState(12, 0.0, "", CARD, False))
    opened = renderer.render(FrameState(12, 1.0, "", CARD, True))
    changed = np.argwhere((closed != opened).any(axis=2))
    assert len(changed)
    x0, y0, x1, y1 = renderer.mouth_box
    assert changed[:, 0].min() >= y0 and changed[:, 0].max() < y1
    assert changed[:, 1].min() >= x0 and changed[:, 1].max() < x1


def test_feature_patches_have_no_seams(renderer: HostRenderer) -> None:
    """Every eye / mouth patch matches the frame around it on its outer ring of pixels."""
    def ring(a: np.ndarray) -> np.ndarray:
        return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])

    for phase, base in enumerate(renderer._bases):
        patches = [(renderer.mouth_box, renderer._mouth_patch(phase, shape.quantized())) for shape in SHAPES.values()]
        patches += [(renderer.eye_box, renderer._eye_patch(phase, state, gaze)) for state in EyeState
                    for gaze in (-1, 0, 1)]
        for box, patch in patches:
            assert np.array_equal(ring(patch), ring(crop(base, box)))
        assert renderer.arm_box[3] == renderer.height  # the arm rises from below the frame's edge
        for level in (1, 5):
            arm, under = renderer._arm_patch(phase, level), crop(base, renderer.arm_box)
            for edge in (np.s_[0], np.s_[:, 0], np.s_[:, -1]):
                assert np.array_equal(arm[edge], under[edge])
        assert np.array_equal(renderer._mouth_patch(phase, MouthShape()), crop(base, renderer.mouth_box))
        host, empty = crop(base, renderer.host_box), crop(renderer._background, renderer.host_box)
        for edge in (np.s_[0], np.s_[:, 0], np.s_[:, -1]):  # the bottom is the frame's edge: the body runs off it
            assert np.array_equal(host[edge], empty[edge])


def test_ai_label_is_on_every_frame_and_never_changes(renderer: HostRenderer) -> None:
    states = [FrameState(0, 0.0, "", None, False), FrameState(61, 1.0, LONG_LINE, CARD, True),
              FrameState(1234, 0.5, "好", ProductCard("面膜", 59.9, None, None), True)]
    labels = [crop(renderer.render(s), renderer.label_box) for s in states]
    for label in labels[1:]:
        assert np.array_equal(labels[0], label)
    x0, y0, x1, y1 = renderer.label_box
    assert x0 < 40 and y0 < 40 and x1 - x0 > 100  # top-left corner, readable size
    y = luma(labels[0])
    assert (y < 50).mean() > 0.4  # a dark plate ...
    assert (y > 230).sum() > 100  # ... with white text on it
    plain = renderer.render(FrameState(0, 0.0, "", None, False))
    beside = crop(plain, (x1 + 20, y0, x1 + 20 + (x1 - x0), y1))
    assert np.abs(luma(beside).mean() - y.mean()) > 100  # stands out from the background


def test_label_is_present_at_other_sizes_and_looks() -> None:
    small = HostRenderer(Appearance.from_dict({"hair_style": "short", "background": [20, 20, 30]}), 640, 360)
    frame = small.render(FrameState(5, 0.5, "小尺寸", CARD, True))
    assert frame.shape == (360, 640, 3)
    y = luma(crop(frame, small.label_box))
    assert (y > 200).sum() > 30 and (y < 60).mean() > 0.3


def eye_darkness(renderer: HostRenderer, index: int) -> int:
    """Dark pixels of the eyes (irises, lashes) beyond what a closed-eye frame has (hair, brows)."""
    closed = next(k for k in range(10 * FPS) if eye_state(k) == EyeState.CLOSED)
    base = dark_pixels(renderer.render(FrameState(closed, 0.0, "", None, False)), renderer.eye_box)
    return dark_pixels(renderer.render(FrameState(index, 0.0, "", None, False)), renderer.eye_box) - base


def test_blinks_within_five_seconds_and_eyes_are_mostly_open(renderer: HostRenderer) -> None:
    open_dark = eye_darkness(renderer, 0)
    assert open_dark > 200
    first = [eye_darkness(renderer, k) for k in range(5 * FPS)]
    assert min(first) < 0.5 * open_dark  # a blink happened
    long_run = np.array([eye_darkness(renderer, k) for k in range(0, 40 * FPS, 2)])
    assert (long_run > 0.85 * open_dark).mean() > 0.9  # open most of the time
    assert (long_run < 0.5 * open_dark).any()
    states = [eye_state(k) for k in range(60 * FPS)]
    assert states.count(EyeState.OPEN) / len(states) > 0.9
    starts = [k for k in range(1, len(states)) if states[k] != EyeState.OPEN and states[k - 1] == EyeState.OPEN]
    gaps = np.diff(starts)
    assert gaps.min() >= 2.5 * FPS and gaps.max() <= 5.5 * FPS


def test_long_subtitle_wraps_inside_the_frame(renderer: HostRenderer) -> None:
    plain = renderer.render(FrameState(3, 0.0, "", None, False))
    short = renderer.render(FrameState(3, 0.0, "好的", None, False))
    wrapped = renderer.render(FrameState(3, 0.0, LONG_LINE[:60], None, False))
    spans = []
    for frame in (short, wrapped):
        rows, cols = np.nonzero((frame != plain).any(axis=2))
        assert cols.min() > 20 and cols.max() < renderer.width - 20
        assert rows.max() < renderer.height - 5 and rows.min() > renderer.height // 2
        spans.append(rows.max() - rows.min())
    assert spans[1] > 1.6 * spans[0]  # two lines, not one
    huge = renderer.render(FrameState(3, 0.0, LONG_LINE * 4, None, False))
    rows, cols = np.nonzero((huge != plain).any(axis=2))
    assert rows.max() - rows.min() == spans[1] and cols.max() < renderer.width - 20  # still two lines


def test_card_shows_its_price(renderer: HostRenderer) -> None:
    box = renderer.layout.card_box
    frames = [crop(renderer.render(FrameState(0, 0.0, "", card, False)), box) for card in
              (None, CARD, ProductCard(CARD.title, 99.0, 129.0, "满199减30"),
               ProductCard(CARD.title, 89.0, None, "满199减30"), ProductCard(CARD.title, 89.0, 129.0, None))]
    for i in range(len(frames)):
        for j in range(i + 1, len(frames)):
            assert not np.array_equal(frames[i], frames[j])
    assert (luma(frames[1]) > 245).mean() > 0.5  # a light panel


def test_card_and_subtitle_caches_are_bounded(renderer: HostRenderer) -> None:
    for i in range(80):
        renderer.render(FrameState(i, 0.0, f"第{i}句", ProductCard(f"商品{i}", float(i + 1), None, None), True))
    assert len(renderer.stage._subtitles) <= 64 and len(renderer.stage._cards) <= 64
