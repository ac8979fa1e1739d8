"""What the show hands the renderer each frame, and how a persona's host looks."""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from .visemes import MouthShape

RGB = tuple[int, int, int]
HAIR_STYLES = ("bob", "long", "short", "bun", "ponytail")
OUTFIT_STYLES = ("blazer", "apron", "cardigan", "turtleneck", "jacket")
ACCESSORIES = ("bow", "glasses", "earrings", "headband", "hairpin", "headset")
MODES = ("drawn", "photo", "video")
_COLOURS = ("skin", "hair", "outfit", "accent", "background", "eyes")
_PATHS = ("portrait", "background_image")


@dataclass(frozen=True)
class ProductCard:
    title: str
    price: float
    list_price: float | None = None
    badge: str | None = None  # a promotion, e.g. "满199减30"
    image: str | None = None  # path of the product photo, when the catalog gives one


@dataclass(frozen=True)
class FrameState:
    index: int  # frame number since show start; idle motion and blinks derive from it
    mouth_open: float  # 0 closed .. 1 wide open
    subtitle: str = ""
    card: ProductCard | None = None
    speaking: bool = False
    mouth: MouthShape | None = None  # the viseme blend; None = a plain opening of mouth_open
    pointing: bool = False  # gesture toward the product card (the call to action is being said)
    lean: bool = False  # a busy machine: skip what costs time and is not the mouth (idle sway)


@dataclass(frozen=True)
class Appearance:
    """How the host looks. mode "drawn" is the stylised character; "photo" / "video" animate a real
    person's portrait or idle clip (`portrait`), which needs a consent record in the persona."""

    skin: RGB
    hair: RGB
    outfit: RGB
    accent: RGB
    background: RGB
    hair_style: str = "bob"
    eyes: RGB = (112, 70, 58)
    outfit_style: str = "blazer"
    accessories: tuple[str, ...] = ("bow",)
    mode: str = "drawn"
    portrait: str | None = None  # image (photo mode) or 10-60 s clip (video mode)
    background_image: str | None = None
    background_blur: float = 0.0  # Gaussian radius in 720p pixels applied to background_image

    def __post_init__(self) -> None:
        for name in _COLOURS:
            _check_rgb(name, getattr(self, name))
        for name, allowed in (("hair_style", HAIR_STYLES), ("outfit_style", OUTFIT_STYLES), ("mode", MODES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"appearance.{name}: must be one of {', '.join(allowed)}, got {getattr(self, name)!r}")
        if not isinstance(self.accessories, tuple) or any(a not in ACCESSORIES for a in self.accessories):
            raise ValueError(f"appearance.accessories: a list of {', '.join(ACCESSORIES)}, got {self.accessories!r}")
        if self.mode != "drawn" and not self.portrait:
            raise ValueError(f"appearance.portrait: mode {self.mode!r} needs the image or video file of the likeness")
        blur = self.background_blur
        if isinstance(blur, bool) or not isinstance(blur, (int, float)) or not 0 <= blur <= 100:
            raise ValueError(f"appearance.background_blur: a number of pixels 0..100, got {blur!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> "Appearance":
        """Fields missing from `data` keep DEFAULT_APPEARANCE's value; unknown fields are refused
        so a typo in a persona file does not silently fall back to the default look. Relative file
        paths are taken from `base_dir` (the persona's folder)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"appearance: must be a mapping, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"appearance.{unknown[0]}: unknown field (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {f.name: getattr(DEFAULT_APPEARANCE, f.name) for f in fields(cls)}
        for name, value in data.items():
            if name in _COLOURS:
                values[name] = _parse_rgb(name, value)
            elif name == "accessories":
                if not isinstance(value, (list, tuple)) or not all(isinstance(a, str) for a in value):
                    raise ValueError(f"appearance.accessories: a list of {', '.join(ACCESSORIES)}, got {value!r}")
                values[name] = tuple(value)
            elif name in _PATHS:
                if value is not None and not (isinstance(value, str) and value.strip()):
                    raise ValueError(f"appearance.{name}: a file path, got {value!r}")
                values[name] = None if value is None else _resolve(value, base_dir)
            else:
                values[name] = value
        return cls(**values)


def _resolve(path: str, base_dir: Path | None) -> str:
    p = Path(path).expanduser()
    if not p.is_absolute() and base_dir is not None:
        p = base_dir / p
    return str(p)


def _parse_rgb(name: str, value: Any) -> RGB:
    if isinstance(value, str):
        text = value.strip().lstrip("#")
        if len(text) != 6:
            raise ValueError(f"appearance.{name}: colour must be '#rrggbb' or [r, g, b], got {value!r}")
        try:
            return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
        except ValueError:
            raise ValueError(f"appearance.{name}: colour must be '#rrggbb' or [r, g, b], got {value!r}") from None
    if isinstance(value, (list, tuple)):
        rgb = tuple(value)
        _check_rgb(name, rgb)
        return rgb  # type: ignore[return-value]
    raise ValueError(f"appearance.{name}: colour must be '#rrggbb' or [r, g, b], got {value!r}")


def _check_rgb(name: str, value: Any) -> None:
    ok = (isinstance(value, tuple) and len(value) == 3
          and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value))
    if not ok:
        raise ValueError(f"appearance.{name}: colour must be three integers 0..255, got {value!r}")


DEFAULT_APPEARANCE = Appearance(
    skin=(252, 226, 208),
    hair=(64, 46, 70),
    outfit=(66, 104, 178),
    accent=(255, 92, 122),
    background=(236, 232, 248),
    hair_style="bob",
    eyes=(112, 70, 58),
    outfit_style="blazer",
    accessories=("bow",),
)
