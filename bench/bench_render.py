"""Render 500 frames like a live show does and print ms per frame; write a contact sheet.

    .venv/bin/python bench/bench_render.py [--frames 500]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from avatar.fonts import cjk_font  # noqa: E402
from avatar.motion import EyeState, eye_state  # noqa: E402
from avatar.renderer import HostRenderer  # noqa: E402
from avatar.scene import DEFAULT_APPEARANCE, Appearance, FrameState, ProductCard  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SUBTITLES = (
    "家人们看过来，这款云南古树普洱茶今天给大家好好讲讲。",
    "口感醇厚回甘明显，冲泡十几次都不会淡，办公室囤一饼刚刚好。",
    "说到价格，今天直播间到手价只要八十九元，比日常便宜四十块，还可以叠加满199减30的优惠券，数量有限先到先得哦。",
    "有问题随时在评论区问我，我来一一解答。",
    "",
)
CARDS = (
    ProductCard("云南古树普洱茶饼 357克 礼盒装", 89.0, 129.0, "满199减30"),
    ProductCard("玻尿酸保湿面膜 20片", 59.9, None, "第二件半价"),
    None,
)


def frame_states(count: int) -> list[FrameState]:
    states = []
    for k in range(count):
        speaking = (k // 75) % 4 != 3
        mouth = abs(math.sin(k * 0.45)) * (0.6 + 0.4 * math.sin(k * 0.07)) if speaking else 0.0
        states.append(FrameState(k, mouth, SUBTITLES[(k // 90) % len(SUBTITLES)] if speaking else "",
                                 CARDS[(k // 200) % len(CARDS)], speaking))
    return states


def bench(renderer: HostRenderer, states: list[FrameState]) -> np.ndarray:
    times = np.empty(len(states))
    for i, state in enumerate(states):
        t0 = time.perf_counter()
        renderer.render(state)
        times[i] = time.perf_counter() - t0
    return times * 1000.0


def contact_sheet(renderer: HostRenderer, extra: list[tuple[str, HostRenderer]]) -> Image.Image:
    """Top: four full frames at rising mouth openness. Bottom: face close-ups (mouth levels, a
    blink, other hair styles) at 1:1 so the line work can be judged."""
    blink = next(k for k in range(500) if eye_state(k) == EyeState.CLOSED)
    shots = [(0.0, 0, SUBTITLES[0]), (0.35, 11, SUBTITLES[1]), (0.7, 23, SUBTITLES[2]), (1.0, blink, "")]
    card = CARDS[0]
    full = [renderer.render(FrameState(k, m, sub, card, bool(sub))) for m, k, sub in shots]
    w, h = renderer.width // 2, renderer.height // 2
    bx0, by0, bx1, by1 = renderer.mouth_box
    mx, my = (bx0 + bx1) // 2, (by0 + by1) // 2
    crop = (mx - 100, my - 190, mx + 100, my + 70)  # the face at 1:1
    closeups = [(f"open {m:.2f}", renderer.render(FrameState(0, m, "", None, True))) for m in (0.0, 0.5, 1.0)]
    closeups.append(("blink", full[3]))
    closeups += [(name, r.render(FrameState(0, 0.6, "", None, True))) for name, r in extra]
    tile_w, tile_h = crop[2] - crop[0], crop[3] - crop[1]
    sheet = Image.new("RGB", (max(w * 2, len(closeups) * (tile_w + 4)), h * 2 + tile_h + 30), (30, 28, 36))
    draw = ImageDraw.Draw(sheet)
    font = cjk_font(18)
    for i, frame in enumerate(full):
        x, y = (i % 2) * w, (i // 2) * h
        sheet.paste(Image.fromarray(frame).resize((w, h), Image.LANCZOS), (x, y))
        draw.text((x + w - 8, y + 6), f"mouth_open={shots[i][0]:.2f}  frame {shots[i][1]}", font=font,
                  fill=(255, 230, 0), anchor="ra", stroke_width=2, stroke_fill=(0, 0, 0))
    for i, (name, frame) in enumerate(closeups):
        x = i * (tile_w + 4)
        sheet.paste(Image.fromarray(frame).crop(crop), (x, h * 2 + 30))
        draw.text((x + 6, h * 2 + 4), name, font=font, fill=(255, 255, 255))
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=500)
    args = parser.parse_args()

    t0 = time.perf_counter()
    renderer = HostRenderer(DEFAULT_APPEARANCE)
    print(f"init: {time.perf_counter() - t0:.2f} s")
    states = frame_states(args.frames)
    times = bench(renderer, states)
    print(f"{args.frames} frames at {renderer.width}x{renderer.height}: mean {times.mean():.2f} ms, "
          f"p95 {np.percentile(times, 95):.2f} ms, max {times.max():.2f} ms "
          f"(budget 15 ms; the first frame of each new card / subtitle pays its one-off overlay)")
    warm = bench(renderer, states)
    print(f"second pass (overlays cached): mean {warm.mean():.2f} ms, p95 {np.percentile(warm, 95):.2f} ms")

    extra = []
    for style, hair, outfit in (("long", (38, 30, 44), (250, 248, 244)), ("short", (196, 120, 70), (58, 150, 120))):
        look = Appearance.from_dict({"hair_style": style, "hair": list(hair), "outfit": list(outfit)})
        extra.append((style, HostRenderer(look)))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "render_closeups.png"  # bench_face.py writes the per-persona contact_sheet.png
    contact_sheet(renderer, extra).save(path)
    print(f"contact sheet: {path}")


if __name__ == "__main__":
    main()
