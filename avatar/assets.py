"""Loading a persona's files (portrait, idle clip, background, product photo) with errors that name them."""
from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # refuse decompression bombs rather than stall the show


class AssetError(ValueError):
    """A persona or catalog file that is missing, unreadable or unusable. The message names it."""


def require_file(path: str | Path, what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise AssetError(f"{what} {p}: file not found")
    return p


def load_image(path: str | Path, what: str) -> Image.Image:
    """The image as RGB, fully decoded now (so a truncated file fails here, not on air)."""
    p = require_file(path, what)
    try:
        with Image.open(p) as image:
            if image.width * image.height > MAX_PIXELS:
                raise AssetError(f"{what} {p}: {image.width}x{image.height} is too large")
            image.load()
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, AssetError):
            raise
        raise AssetError(f"{what} {p}: not a readable image ({exc})") from None


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
