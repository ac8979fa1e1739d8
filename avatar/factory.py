"""One entry point for the show: the renderer an Appearance asks for (drawn host, photo or video)."""
from __future__ import annotations

from typing import Protocol

import numpy as np

from .compose import Box
from .scene import Appearance, FrameState, ProductCard


class FrameRenderer(Protocol):
    width: int
    height: int

    def render(self, state: FrameState) -> np.ndarray: ...

    def prepare(self, card: ProductCard | None = None, subtitle: str = "") -> None: ...

    @property
    def label_box(self) -> Box: ...

    @property
    def mouth_box(self) -> Box: ...


def make_renderer(appearance: Appearance, width: int = 1280, height: int = 720) -> FrameRenderer:
    """Builds everything now (assets decoded, landmarks found), so a bad asset fails here, before air.
    Raises avatar.assets.AssetError naming the file."""
    if appearance.mode == "photo":
        from .likeness import PhotoRenderer
        return PhotoRenderer(appearance, width, height)
    if appearance.mode == "video":
        from .likeness import VideoRenderer
        return VideoRenderer(appearance, width, height)
    from .renderer import HostRenderer
    return HostRenderer(appearance, width, height)
