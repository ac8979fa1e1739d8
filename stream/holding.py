"""Frames the runtime sends on its own: idle frames while a stage restarts, and the holding card
shown after an emergency stop. Both keep the AI label of the host frame they are drawn over."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from avatar.fonts import cjk_font
from avatar.renderer import HostRenderer
from avatar.scene import FrameState

from .media import SAMPLES_PER_FRAME

HOLDING_TITLE = "直播暂停 · 马上回来"
HOLDING_NOTE = "主播为AI数字人 · 运营人员正在处理"
SILENCE = np.zeros(SAMPLES_PER_FRAME, dtype=np.int16)
SILENCE.flags.writeable = False


class RuntimeFrames:
    """Owns its own renderer, so it can draw while the show's renderer is stuck in a stalled stage."""

    def __init__(self, renderer: HostRenderer) -> None:
        self._renderer = renderer
        self.holding = holding_card(renderer.render(FrameState(0, 0.0)))

    def idle(self, index: int) -> np.ndarray:
        return self._renderer.render(FrameState(index, 0.0))


def holding_card(base: np.ndarray) -> np.ndarray:
    """The host frame dimmed, with a centred notice; the AI label stays legible at the top."""
    height, width = base.shape[:2]
    image = Image.fromarray((base.astype(np.uint16) * 2 // 7).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    title_font, note_font = cjk_font(max(24, height // 12)), cjk_font(max(14, height // 30))
    for text, font, y in ((HOLDING_TITLE, title_font, height * 0.42), (HOLDING_NOTE, note_font, height * 0.56)):
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (right - left)) / 2, y), text, font=font, fill=(255, 255, 255))
    card = np.asarray(image).copy()
    label_rows = height // 10  # keep the always-visible AI label as it was
    card[:label_rows] = base[:label_rows]
    card.flags.writeable = False
    return card
