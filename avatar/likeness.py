"""Photo and video modes: a merchant's own (consented) likeness, with the mouth re-shaped per viseme.

Photo: one portrait; everything but the mouth patch is rendered once. Video: a 10-60 s idle clip
decoded as it plays and looped without a seam (its last LOOP_BLEND frames fade into its first
ones, so the frame after the loop point follows on naturally); landmarks for every clip frame are
computed once and cached.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
from PIL import Image, ImageFilter

from .assets import AssetError, load_image, require_file
from .background import cover, image_background
from .compose import LRU, Box, paste
from .landmarks import CHIN, FACE_SIDES, clip_landmarks, image_landmarks
from .layout import Layout
from .mouthwarp import MouthGeometry, reshape_mouth
from .blink import CLOSURE, EyeGeometry, blink
from .motion import EyeState, eye_state, idle_phase
from .renderer import IDLE_PHASES, shape_of
from .scene import Appearance, FrameState, ProductCard
from .stage import Stage
from .visemes import MouthShape

log = logging.getLogger("livehost.avatar")
MIN_CLIP_S, MAX_CLIP_S = 10.0, 60.0
LOOP_BLEND = 12  # frames (0.48 s) of crossfade at the loop point
BREATH_ZOOM = 0.006  # the picture grows this much about its bottom edge at full inhale
SWAY_PX = 1.2  # sideways sway at 720p
FILL_BLUR = 28  # px at 720p: the picture blurred behind itself where it does not reach the frame's edge
# Live rooms frame the host from the chest up: a face narrower than this share of the frame height is
# zoomed in (up to MAX_ZOOM over fitting the whole picture), so viewers, and face landmarkers, see it.
FACE_SHARE = 0.3
MAX_ZOOM = 2.0


@dataclass(frozen=True)
class Placement:
    """Where the (scaled) picture goes in the frame: scale factor and top-left, and the visible part."""

    scale: float
    x: int
    y: int
    width: int  # scaled picture size
    height: int

    @classmethod
    def fit(cls, layout: Layout, src_w: int, src_h: int, face_x: float, face_y: float,
            face_w: float = 0.0) -> "Placement":
        """Landscape: full height, face moved toward the host's spot. Portrait: full width. Either way
        zoomed in on a small face."""
        k = layout.height / src_h if not layout.vertical else layout.width / src_w
        if face_w > 0:
            k = min(max(k, FACE_SHARE * min(layout.width, layout.height) / face_w), MAX_ZOOM * k)
        w, h = round(src_w * k), round(src_h * k)
        x = round(layout.head_x - face_x * k)
        y = round(layout.head_y - face_y * k)
        x = min(max(x, layout.width - w), 0) if w >= layout.width else min(max(x, 0), layout.width - w)
        y = min(max(y, layout.height - h), 0) if h >= layout.height else min(max(y, 0), layout.height - h)
        return cls(k, x, y, w, h)

    def visible(self, layout: Layout) -> tuple[Box, Box]:
        """(frame box, picture box) of the overlap."""
        fx0, fy0 = max(0, self.x), max(0, self.y)
        fx1, fy1 = min(layout.width, self.x + self.width), min(layout.height, self.y + self.height)
        return (fx0, fy0, fx1, fy1), (fx0 - self.x, fy0 - self.y, fx1 - self.x, fy1 - self.y)


def _fill_background(appearance: Appearance, layout: Layout, picture: Image.Image) -> np.ndarray:
    if appearance.background_image:
        return image_background(appearance.background_image, appearance.background_blur, layout)
    blurred = cover(picture, layout.width, layout.height).filter(
        ImageFilter.GaussianBlur(FILL_BLUR * min(layout.width, layout.height) / 720))
    return (np.asarray(blurred, dtype=np.float32) * 0.8 + 0.5).astype(np.uint8)  # dimmed: the host stands out


def _face_centre(points: np.ndarray) -> tuple[float, float, float]:
    """Centre x, y and width of the face."""
    sides = points[list(FACE_SIDES)]
    return (float(sides[:, 0].mean()), float((sides[:, 1].mean() + points[CHIN][1]) / 2),
            float(np.hypot(*(sides[1] - sides[0]))))


class _LikenessBase:
    def __init__(self, appearance: Appearance, width: int, height: int) -> None:
        self.appearance = appearance
        self.layout = Layout.for_size(width, height)
        self.stage = Stage(appearance, self.layout)
        self._patches: LRU[tuple[int, MouthShape], np.ndarray] = LRU(1024)

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def height(self) -> int:
        return self.layout.height

    @property
    def label_box(self) -> Box:
        return self.stage.label.box

    def prepare(self, card: ProductCard | None = None, subtitle: str = "") -> None:
        self.stage.prepare(card, subtitle)

    def _place_picture(self, frame: np.ndarray, picture: np.ndarray) -> None:
        """`picture` already scaled to the placement."""
        (fx0, fy0, fx1, fy1), (px0, py0, px1, py1) = self._placement.visible(self.layout)
        frame[fy0:fy1, fx0:fx1] = picture[py0:py1, px0:px1]

    def _frame_points(self, points: np.ndarray) -> np.ndarray:
        p = self._placement
        return points * p.scale + np.array([p.x, p.y], dtype=np.float32)


class PhotoRenderer(_LikenessBase):
    """A portrait whose mouth follows the visemes, breathing and swaying a little (a few pre-warped
    copies of the picture, like the drawn host's idle phases)."""

    def __init__(self, appearance: Appearance, width: int = 1280, height: int = 720) -> None:
        super().__init__(appearance, width, height)
        path = require_file(appearance.portrait or "", "portrait")
        image = load_image(path, "portrait")
        points = image_landmarks(path, np.asarray(image))
        self._placement = Placement.fit(self.layout, image.width, image.height, *_face_centre(points))
        p = self._placement
        scaled = np.asarray(image.resize((p.width, p.height), Image.LANCZOS))
        still = _fill_background(appearance, self.layout, image)
        self._place_picture(still, scaled)
        (fx0, fy0, fx1, fy1), _ = p.visible(self.layout)
        pivot = ((fx0 + fx1) / 2, fy1)  # the bottom of the picture stays put; the head moves most
        self._pictures: list[np.ndarray] = []  # without overlays: the sources of the mouth patches
        self._bases: list[np.ndarray] = []
        self._geos: list[MouthGeometry] = []
        self._eyes: list[list[EyeGeometry]] = []
        for phase in range(IDLE_PHASES):
            t = 2 * math.pi * phase / IDLE_PHASES
            zoom = 1 + BREATH_ZOOM * (1 - math.cos(t)) / 2
            m = np.array([[zoom, 0, pivot[0] * (1 - zoom) + SWAY_PX * math.sin(t) * self.layout.scale],
                          [0, zoom, pivot[1] * (1 - zoom)]], dtype=np.float64)
            picture = still.copy()
            moved = cv2.warpAffine(still, m, (self.width, self.height), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
            picture[fy0:fy1, fx0:fx1] = moved[fy0:fy1, fx0:fx1]
            frame_points = self._frame_points(points) @ m[:, :2].T + m[:, 2]
            geo = MouthGeometry.from_landmarks(frame_points.astype(np.float32), self.width, self.height)
            if geo is None:
                raise AssetError(f"portrait {path}: the face is too small to animate (mouth under 6 pixels wide)")
            if _overlaps(geo.box, self.label_box):
                raise AssetError(f"portrait {path}: the mouth falls under the AI label; use a picture with the "
                                 "face lower or more central")
            base = picture.copy()
            self.stage.label.blend_into(base)
            base.flags.writeable = False
            self._pictures.append(picture)
            self._bases.append(base)
            self._geos.append(geo)
            eyes = [EyeGeometry.from_landmarks(frame_points, i, self.width, self.height) for i in (0, 1)]
            self._eyes.append([e for e in eyes if e is not None and not _overlaps(e.box, geo.box)])
        self._mouth_box = _union(g.box for g in self._geos)
        for phase in range(IDLE_PHASES):
            self._mouth_patch(phase, MouthShape())

    @property
    def mouth_box(self) -> Box:
        """Every pixel the mouth may change, at any idle phase."""
        return self._mouth_box

    def render(self, state: FrameState) -> np.ndarray:
        phase = idle_phase(state.index, IDLE_PHASES)
        frame = self._bases[phase].copy()
        shape = shape_of(state)
        if shape != MouthShape() or self._geos[phase].parted:  # a parted mouth closes at rest
            paste(frame, self._mouth_patch(phase, shape), *self._geos[phase].box[:2])
        eyes = eye_state(state.index)
        if eyes != EyeState.OPEN:
            for i, geo in enumerate(self._eyes[phase]):
                paste(frame, self._eye_patch(phase, i, eyes), *geo.box[:2])
        self.stage.overlay(frame, state)
        return frame

    def _eye_patch(self, phase: int, eye: int, state: EyeState) -> np.ndarray:
        def make() -> np.ndarray:
            geo = self._eyes[phase][eye]
            x0, y0, x1, y1 = geo.box
            return blink(self._pictures[phase][y0:y1, x0:x1], geo, CLOSURE[state])
        return self._patches.get_or_make((phase, (eye, state)), make)  # type: ignore[arg-type]

    def _mouth_patch(self, phase: int, shape: MouthShape) -> np.ndarray:
        def make() -> np.ndarray:
            geo = self._geos[phase]
            x0, y0, x1, y1 = geo.box
            return reshape_mouth(self._pictures[phase][y0:y1, x0:x1], geo, shape)
        return self._patches.get_or_make((phase, shape), make)


class LoopingClip:
    """Frames of an idle clip, scaled, in an endless seamless loop: play(k) for k = 0, 1, 2, ..."""

    def __init__(self, path: Path, size: tuple[int, int], landmarks: np.ndarray, scale: float) -> None:
        self.path = path
        self._size = size
        self._count = len(landmarks)
        self._landmarks = landmarks * scale
        self._blend = min(LOOP_BLEND, self._count // 4)
        self._head = [self._scale(f) for _, f in zip(range(self._blend), decode_frames(path))]
        self._frames: Iterator[np.ndarray] | None = None
        self._next = self._count  # clip index the decoder would yield next
        self._last: tuple[int, np.ndarray, np.ndarray] | None = None

    @property
    def period(self) -> int:
        return self._count - self._blend

    def _scale(self, rgb: np.ndarray) -> np.ndarray:
        return cv2.resize(rgb, self._size, interpolation=cv2.INTER_AREA)

    def _read(self, index: int) -> np.ndarray:
        if self._frames is None or index < self._next:
            self._frames = decode_frames(self.path)
            self._next = 0
        frame = None
        while self._next <= index:
            try:
                frame = next(self._frames)
            except StopIteration:
                raise AssetError(f"idle video {self.path}: ended after {self._next} of {self._count} frames") from None
            self._next += 1
        assert frame is not None
        return frame

    def play(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(picture, landmarks) for show frame k: clip frames blend..count-1, the last `blend` of them
        crossfading into the first `blend` frames, which lead straight into frame `blend` again."""
        pos = self._blend + k % self.period
        if self._last is not None and self._last[0] == pos:
            return self._last[1], self._last[2]
        picture = self._scale(self._read(pos))
        points = self._landmarks[pos]
        j = pos - (self._count - self._blend)
        if j >= 0:
            t = (j + 1) / (self._blend + 1)
            picture = cv2.addWeighted(picture, 1 - t, self._head[j], t, 0.0)
            points = points * (1 - t) + self._landmarks[j] * t
        self._last = (pos, picture, points)
        return picture, points


def decode_frames(path: Path) -> Iterator[np.ndarray]:
    import av
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise AssetError(f"idle video {path}: not a readable video ({exc})") from None
    try:
        if not container.streams.video:
            raise AssetError(f"idle video {path}: has no video stream")
        try:
            for frame in container.decode(video=0):
                yield frame.to_ndarray(format="rgb24")
        except av.error.FFmpegError as exc:
            raise AssetError(f"idle video {path}: corrupt ({exc})") from None
    finally:
        container.close()


def probe_clip(path: Path) -> tuple[int, int, float, int]:
    """(width, height, fps, frames), decoding the clip fully so a broken file fails at load."""
    import av
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise AssetError(f"idle video {path}: has no video stream")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0)
    except AssetError:
        raise
    except (av.error.FFmpegError, OSError) as exc:
        raise AssetError(f"idle video {path}: not a readable video ({exc})") from None
    count, size = 0, (0, 0)
    for frame in decode_frames(path):
        count += 1
        size = (frame.shape[1], frame.shape[0])
    if count == 0 or fps <= 0:
        raise AssetError(f"idle video {path}: no decodable frames")
    seconds = count / fps
    if not MIN_CLIP_S <= seconds <= MAX_CLIP_S:
        raise AssetError(f"idle video {path}: {seconds:.1f} s long; an idle loop must last "
                         f"{MIN_CLIP_S:g}-{MAX_CLIP_S:g} s")
    return size[0], size[1], fps, count


class VideoRenderer(_LikenessBase):
    """An idle clip of the real person, looped, with the mouth re-shaped on every frame."""

    def __init__(self, appearance: Appearance, width: int = 1280, height: int = 720) -> None:
        super().__init__(appearance, width, height)
        path = require_file(appearance.portrait or "", "idle video")
        src_w, src_h, _, count = probe_clip(path)
        points = clip_landmarks(path, decode_frames(path), count)
        if len(points) != count:
            raise AssetError(f"idle video {path}: landmarks cover {len(points)} of {count} frames")
        first = next(decode_frames(path))
        self._placement = Placement.fit(self.layout, src_w, src_h, *_face_centre(np.median(points, axis=0)))
        p = self._placement
        self._clip = LoopingClip(path, (p.width, p.height), points, 1.0)
        self._offset = np.array([p.x, p.y], dtype=np.float32)
        self._scale = p.scale
        self._background = _fill_background(appearance, self.layout, Image.fromarray(first))
        self._mouth_box: Box = (0, 0, 0, 0)
        self._held = self._clip.play(0)
        self._failed = False
        self.clip_frames = count

    @property
    def mouth_box(self) -> Box:
        """The mouth patch of the latest frame (it moves with the clip)."""
        return self._mouth_box

    def render(self, state: FrameState) -> np.ndarray:
        try:
            picture, points = self._clip.play(state.index)
            self._held = (picture, points)
        except AssetError as exc:  # the clip went away mid-show: hold the last picture, keep the show on air
            if not self._failed:
                log.error("%s; holding the last frame", exc)
            self._failed = True
            picture, points = self._held
        frame = self._background.copy()
        self._place_picture(frame, picture)
        shape = shape_of(state)
        geo = MouthGeometry.from_landmarks(points * self._scale + self._offset, self.width, self.height)
        if geo is not None and (shape != MouthShape() or geo.parted):
            x0, y0, x1, y1 = geo.box
            paste(frame, reshape_mouth(frame[y0:y1, x0:x1].copy(), geo, shape), x0, y0)
        if geo is not None:
            self._mouth_box = geo.box
        self.stage.label.blend_into(frame)
        self.stage.overlay(frame, state)
        return frame


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_likeness(appearance: Appearance) -> None:
    """Decode the portrait or clip and find the face (cached), or raise AssetError naming the file."""
    if appearance.mode == "photo":
        path = require_file(appearance.portrait or "", "portrait")
        image_landmarks(path, np.asarray(load_image(path, "portrait")))
    elif appearance.mode == "video":
        path = require_file(appearance.portrait or "", "idle video")
        _, _, _, count = probe_clip(path)
        if len(clip_landmarks(path, decode_frames(path), count)) != count:
            raise AssetError(f"idle video {path}: landmark cache does not match the clip; delete {path}'s cache")


def _union(boxes) -> Box:  # type: ignore[no-untyped-def]
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
