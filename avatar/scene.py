"""What the show hands the renderer each frame, and how a persona's host looks."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

RGB = tuple[int, int, int]
HAIR_STYLES = ("bob", "long", "short")


@dataclass(frozen=True)
class ProductCard:
    title: str
    price: float
    list_price: float | None = None
    badge: str | None = None  # a promotion, e.g. "满199减30"


@dataclass(frozen=True)
class FrameState:
    index: int  # frame number since show start; idle motion and blinks derive from it
    mouth_open: float  # 0 closed .. 1 wide open
    subtitle: str = ""
    card: ProductCard | None = None
    speaking: bool = False


@dataclass(frozen=True)
class Appearance:
    skin: RGB
    hair: RGB
    outfit: RGB
    accent: RGB
    background: RGB
    hair_style: str = "bob"
    eyes: RGB = (112, 70, 58)

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "hair_style":
                _check_rgb(f.name, getattr(self, f.name))
        if self.hair_style not in HAIR_STYLES:
            raise ValueError(f"appearance.hair_style: must be one of {', '.join(HAIR_STYLES)}, "
                             f"got {self.hair_style!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Appearance":
        """Fields missing from `data` keep DEFAULT_APPEARANCE's value; unknown fields are refused
        so a typo in a persona file does not silently fall back to the default look."""
        if not isinstance(data, Mapping):
            raise ValueError(f"appearance: must be a mapping, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"appearance.{unknown[0]}: unknown field (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {f.name: getattr(DEFAULT_APPEARANCE, f.name) for f in fields(cls)}
        for name, value in data.items():
            values[name] = value if name == "hair_style" else _parse_rgb(name, value)
        return cls(**values)


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
)
