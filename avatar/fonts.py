"""The CJK font for every on-screen text, from the pylopdf-fonts-zh-cn package."""
from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"


class FontMissingError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _font_source() -> str | bytes:
    try:
        resource = resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
        if isinstance(resource, Path) and resource.is_file():
            return str(resource)
        return resource.read_bytes()  # zipped installs have no real path
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise FontMissingError(
            f"the Chinese font {FONT_FILE} was not found: install the 'pylopdf-fonts-zh-cn' package "
            f"(module {FONT_PACKAGE}), e.g. `pip install pylopdf-fonts-zh-cn==0.1.1`") from exc


@lru_cache(maxsize=32)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    if size < 1:
        raise ValueError(f"font size must be positive, got {size}")
    source = _font_source()
    return ImageFont.truetype(source if isinstance(source, str) else io.BytesIO(source), size)
