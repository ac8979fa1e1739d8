"""Per-frame compositing primitives: integer alpha blending of small regions, and a bounded cache."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Generic, Hashable, TypeVar

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, eq=False)
class Overlay:
    """An RGBA image prepared for fast blending at a fixed place in the frame."""

    x: int
    y: int
    premul: np.ndarray  # uint16 (h, w, 3): colour * alpha + 128 (the rounding term of /255)
    inv_alpha: np.ndarray  # uint16 (h, w, 1): 255 - alpha

    @classmethod
    def from_image(cls, image: Image.Image, x: int, y: int) -> "Overlay":
        rgba = np.asarray(image.convert("RGBA"), dtype=np.uint16)
        alpha = rgba[:, :, 3:4]
        return cls(x, y, rgba[:, :, :3] * alpha + 128, 255 - alpha)

    @property
    def box(self) -> Box:
        h, w = self.inv_alpha.shape[:2]
        return (self.x, self.y, self.x + w, self.y + h)

    def blend_into(self, frame: np.ndarray) -> None:
        """frame[box] = overlay over frame[box], exact to rounding; the overlay must lie inside frame."""
        x0, y0, x1, y1 = self.box
        region = frame[y0:y1, x0:x1]
        # every intermediate stays <= 65025 + 383, so uint16 suffices: (v + (v >> 8)) >> 8 == v // 255 here
        acc = region.astype(np.uint16)
        acc *= self.inv_alpha
        acc += self.premul
        acc += acc >> 8
        acc >>= 8
        region[...] = acc

    def flattened(self, under: np.ndarray) -> np.ndarray:
        """The overlay blended over `under` (same size), as an opaque patch to paste."""
        out = under.copy()
        Overlay(0, 0, self.premul, self.inv_alpha).blend_into(out)
        return out


def paste(frame: np.ndarray, patch: np.ndarray, x: int, y: int) -> None:
    h, w = patch.shape[:2]
    frame[y:y + h, x:x + w] = patch


class LRU(Generic[K, V]):
    """get_or_make(key, make): the value for key, made on a miss; least recently used evicted."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        try:
            self._items.move_to_end(key)
            return self._items[key]
        except KeyError:
            value = make()
            self._items[key] = value
            if len(self._items) > self._capacity:
                self._items.popitem(last=False)
            return value
