"""Line breaking for Chinese (and mixed Latin) text in a pixel width."""
from __future__ import annotations

import re

from PIL import ImageFont

ELLIPSIS = "…"
# Kinsoku: these never start a line, so they hang at the end of the previous one.
_NO_LINE_START = set("，。、；：？！）》」』】〕…—,.;:?!)]%’”·")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/]*|\s+|.", re.S)


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> tuple[str, ...]:
    """Greedy wrap; beyond max_lines the last line is cut and ends with an ellipsis."""
    text = " ".join(text.split())
    if not text or max_lines < 1:
        return ()
    lines: list[str] = []
    current = ""
    for token in _pieces(text, font, max_width):
        candidate = current + token
        if not current or font.getlength(candidate) <= max_width or token[0] in _NO_LINE_START:
            current = candidate
            continue
        lines.append(current.rstrip())
        current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) <= max_lines:
        return tuple(lines)
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + lines[max_lines], font, max_width)
    return tuple(kept)


def ellipsize(line: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    """`line` cut so that it plus an ellipsis fits max_width (always ends with the ellipsis)."""
    while line and font.getlength(line + ELLIPSIS) > max_width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def _pieces(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Tokens (CJK characters, Latin words, spaces); a Latin word wider than a line is split."""
    pieces: list[str] = []
    for token in _TOKEN.findall(text):
        if len(token) > 1 and not token.isspace() and font.getlength(token) > max_width:
            pieces.extend(token)
        else:
            pieces.append(token)
    return pieces
