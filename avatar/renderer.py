"""HostRenderer: one RGB frame per FrameState for the drawn host, composed from pre-rendered pieces.

Everything expensive happens once: the host is drawn at 3x, reduced, and stored as a few full-frame
bases (one per phase of the breathing-and-sway cycle). Eyes, mouth and the pointing arm are small
opaque patches, rendered on first use and cached: a frame is a copy of a base, up to three patch
pastes, the card patch and one blended subtitle strip.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from .background import draw_background
from .compose import LRU, Box, paste
from .host import ARM_REGION, EYES_REGION, MOUTH_REGION, SS, HostPainter, Sprite
from .layout import Layout
from .motion import EyeState, eye_state, gaze_at, idle_phase
from .scene import Appearance, FrameState, ProductCard
from .stage import Stage
from .visemes import MouthShape

IDLE_PHASES = 10
BREATH_RISE = 2.5  # output pixels the head rises at full inhale (the body rises 40% of that)
SWAY = 1.6  # output pixels the head sways sideways
GESTURE_LEVELS = 6  # 0 = arm down (out of frame) .. 5 = pointing at the card
GESTURE_DROP = 300.0  # design units the arm sits lower at level 0
PATCH_CACHE = 1024
# LANCZOS reaches 3 output pixels (plus Pillow's rounding of the window) either side when reducing:
# a changed sprite pixel can change output pixels that far out, and a region needs that much real
# context around it.
_KERNEL = 4
_MARGIN = _KERNEL + 1


def shape_of(state: FrameState) -> MouthShape:
    """The mouth for a frame, on the cache grid. Without a viseme blend, a plain opening."""
    if state.mouth is not None:
        return state.mouth.quantized()
    m = state.mouth_open if state.mouth_open > 0.0 else 0.0  # also catches NaN
    return MouthShape(open=min(1.0, m), upper_teeth=0.6 if m > 0.2 else 0.0, tongue=0.5 if m > 0.3 else 0.0).quantized()


class HostRenderer:
    def __init__(self, appearance: Appearance, width: int = 1280, height: int = 720) -> None:
        self.appearance = appearance
        self.layout = Layout.for_size(width, height)
        lay = self.layout
        self._background = draw_background(appearance, lay)
        self._painter = HostPainter(appearance, lay.head_x, lay.head_y, lay.scale,
                                    body_bottom=(lay.height - lay.head_y) / lay.scale + 12)
        self._body = self._painter.body_parts()
        self._arm = self._painter.arm()
        self._eye_sprites: dict[tuple[EyeState, int], Sprite] = {}
        self._mouth_sprites: LRU[MouthShape, Sprite] = LRU(256)
        rise, sway = BREATH_RISE * lay.scale * SS, SWAY * lay.scale * SS
        self._offsets = []  # (head dx, head dy, body dy) in SS pixels
        for p in range(IDLE_PHASES):
            t = 2 * math.pi * p / IDLE_PHASES
            depth = (1 - math.cos(t)) / 2
            self._offsets.append((round(sway * math.sin(t)), -round(rise * depth), -round(0.4 * rise * depth)))

        self.stage = Stage(appearance, lay)
        self._host_box = self._sprite_box(list(self._body))
        self._eye_box = self._region_box(EYES_REGION)
        self._mouth_box = self._region_box(MOUTH_REGION)
        self._arm_box = self._region_box(ARM_REGION, arm=True)
        self._bases: list[np.ndarray] = []
        for phase in range(IDLE_PHASES):
            base = self._background.copy()
            paste(base, self._render_region(self.host_box, phase), *self.host_box[:2])
            self.stage.label.blend_into(base)
            base.flags.writeable = False
            self._bases.append(base)
        cx0, cy0, cx1, cy1 = self.stage.card_region()
        behind = [b[cy0:cy1, cx0:cx1] for b in self._bases]
        if all(np.array_equal(behind[0], b) for b in behind[1:]) and not _overlaps(self.stage.card_region(),
                                                                                  self._arm_box):
            self.stage.flatten_cards_over(self._bases[0])
        self._patches: LRU[tuple, np.ndarray] = LRU(PATCH_CACHE)
        self._gesture = 0.0
        for phase in range(IDLE_PHASES):  # the common patches now, so the first seconds on air are not slow
            self._eye_patch(phase, EyeState.OPEN, 0)
            self._mouth_patch(phase, MouthShape())

    @property
    def label_box(self) -> Box:
        """Pixels of the AI label: identical on every frame."""
        return self.stage.label.box

    @property
    def mouth_box(self) -> Box:
        """The only pixels that change with the mouth."""
        return self._mouth_box

    @property
    def eye_box(self) -> Box:
        """Both eyes: the only pixels that change when the host blinks or glances."""
        return self._eye_box

    @property
    def arm_box(self) -> Box:
        """Where the pointing arm appears."""
        return self._arm_box

    @property
    def host_box(self) -> Box:
        """Everything the drawn host covers (but the pointing arm), at any idle phase."""
        return self._host_box

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def height(self) -> int:
        return self.layout.height

    def render(self, state: FrameState) -> np.ndarray:
        phase = 0 if state.lean else idle_phase(state.index, IDLE_PHASES)  # one phase: its patches stay cached
        frame = self._bases[phase].copy()
        target = 1.0 if state.pointing else 0.0  # eases over a quarter second, both ways
        self._gesture += max(-0.2, min(0.2, target - self._gesture))
        level = round(self._gesture * (GESTURE_LEVELS - 1))
        if level > 0:
            paste(frame, self._arm_patch(phase, level), *self._arm_box[:2])
        gaze = 1 if self._gesture > 0.5 else gaze_at(state.index)  # look at the card while pointing to it
        paste(frame, self._eye_patch(phase, eye_state(state.index), gaze), *self.eye_box[:2])
        paste(frame, self._mouth_patch(phase, shape_of(state)), *self.mouth_box[:2])
        self.stage.overlay(frame, state)
        return frame

    def prepare(self, card: ProductCard | None = None, subtitle: str = "") -> None:
        """Build the overlays for content about to go on air, so its first frame is not slower."""
        self.stage.prepare(card, subtitle)

    # ------------------------------------------------------------ patches

    def _eye_patch(self, phase: int, state: EyeState, gaze: int) -> np.ndarray:
        gaze = gaze if state == EyeState.OPEN else 0
        key = ("eyes", phase, state, gaze)

        def make() -> np.ndarray:
            sprite = self._eye_sprites.get((state, gaze))
            if sprite is None:
                sprite = self._eye_sprites[(state, gaze)] = self._painter.eyes(state, gaze)
            return self._render_region(self.eye_box, phase, eyes=sprite)
        return self._patches.get_or_make(key, make)

    def _mouth_patch(self, phase: int, shape: MouthShape) -> np.ndarray:
        def make() -> np.ndarray:
            sprite = self._mouth_sprites.get_or_make(shape, lambda: self._painter.mouth(shape))
            return self._render_region(self.mouth_box, phase, mouth=sprite)
        return self._patches.get_or_make(("mouth", phase, shape), make)

    def _arm_patch(self, phase: int, level: int) -> np.ndarray:
        return self._patches.get_or_make(("arm", phase, level),
                                         lambda: self._render_region(self._arm_box, phase, arm_level=level))

    # ------------------------------------------------------------ rendering

    def _stack(self, phase: int, eyes: Sprite | None, mouth: Sprite | None,
               arm_level: int) -> list[tuple[Sprite, int, int]]:
        back_hair, body, head, front_hair = self._body
        dx, head_dy, body_dy = self._offsets[phase]
        eyes = eyes or self._eye_sprites.get((EyeState.OPEN, 0)) or self._painter.eyes(EyeState.OPEN, 0)
        self._eye_sprites.setdefault((EyeState.OPEN, 0), eyes)
        mouth = mouth or self._mouth_sprites.get_or_make(MouthShape(), lambda: self._painter.mouth(MouthShape()))
        stack = [(back_hair, dx, head_dy), (body, 0, body_dy), (head, dx, head_dy), (mouth, dx, head_dy),
                 (eyes, dx, head_dy), (front_hair, dx, head_dy)]
        if arm_level > 0:
            drop = round((1 - arm_level / (GESTURE_LEVELS - 1)) * GESTURE_DROP * self.layout.scale * SS)
            stack.append((self._arm, 0, body_dy + drop))
        return stack

    def _sprite_box(self, sprites: list[Sprite]) -> Box:
        """Output-pixel box covering the sprites at every idle phase, plus the LANCZOS reach."""
        lay = self.layout
        dxs = [o[0] for o in self._offsets]
        dys = [dy for o in self._offsets for dy in o[1:]]
        x0 = (min(sp.x for sp in sprites) + min(dxs)) / SS
        y0 = (min(sp.y for sp in sprites) + min(dys)) / SS
        x1 = (max(sp.x + sp.image.width for sp in sprites) + max(dxs)) / SS
        y1 = (max(sp.y + sp.image.height for sp in sprites) + max(dys)) / SS
        return (max(0, math.floor(x0) - _KERNEL), max(0, math.floor(y0) - _KERNEL),
                min(lay.width, math.ceil(x1) + _KERNEL), min(lay.height, math.ceil(y1) + _KERNEL))

    def _region_box(self, region: tuple[float, float, float, float], arm: bool = False) -> Box:
        lay = self.layout
        x0, y0, x1, y1 = self._painter.region_px(region)
        dxs = [0] if arm else [o[0] / SS for o in self._offsets]
        dys = [o[2 if arm else 1] / SS for o in self._offsets]
        return (max(0, math.floor(x0 + min(dxs)) - _KERNEL), max(0, math.floor(y0 + min(dys)) - _KERNEL),
                min(lay.width, math.ceil(x1 + max(dxs)) + _KERNEL), min(lay.height, math.ceil(y1 + max(dys)) + _KERNEL))

    def _render_region(self, box: Box, phase: int, eyes: Sprite | None = None, mouth: Sprite | None = None,
                       arm_level: int = 0) -> np.ndarray:
        """The host over the background inside `box`, exactly as a full-frame render would give."""
        x0, y0, x1, y1 = box
        ex0, ey0 = max(0, x0 - _MARGIN), max(0, y0 - _MARGIN)
        ex1, ey1 = min(self.width, x1 + _MARGIN), min(self.height, y1 + _MARGIN)
        canvas = Image.new("RGBA", ((ex1 - ex0) * SS, (ey1 - ey0) * SS), (0, 0, 0, 0))
        for sprite, dx, dy in self._stack(phase, eyes, mouth, arm_level):
            _composite(canvas, sprite, ex0 * SS - dx, ey0 * SS - dy)
        small = canvas.resize((ex1 - ex0, ey1 - ey0), Image.LANCZOS)
        under = Image.fromarray(self._background[ey0:ey1, ex0:ex1]).convert("RGBA")
        out = np.asarray(Image.alpha_composite(under, small).convert("RGB"))
        return out[y0 - ey0:y1 - ey0, x0 - ex0:x1 - ex0].copy()


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _composite(canvas: Image.Image, sprite: Sprite, origin_x: int, origin_y: int) -> None:
    """Alpha-composite the part of `sprite` that falls on `canvas` (canvas's top-left at origin)."""
    sx, sy = sprite.x - origin_x, sprite.y - origin_y
    x0, y0 = max(0, sx), max(0, sy)
    x1, y1 = min(canvas.width, sx + sprite.image.width), min(canvas.height, sy + sprite.image.height)
    if x0 < x1 and y0 < y1:
        canvas.alpha_composite(sprite.image, dest=(x0, y0), source=(x0 - sx, y0 - sy, x1 - sx, y1 - sy))
