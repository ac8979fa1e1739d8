"""The face: render time per 720p frame for each mode, lip-sync agreement, and a contact sheet.

    .venv/bin/python bench/bench_face.py [--frames 250]

Prints ms per frame (single thread) for the drawn host, photo mode and video mode; the Pearson r
between the mouth opening measured from rendered pixels and the speech's RMS envelope per frame
(espeak-ng Mandarin); and writes bench/out/contact_sheet.png (every persona, both layouts, photo mode).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402

cv2.setNumThreads(1)  # one core, as the show has

from avatar.factory import make_renderer  # noqa: E402
from avatar.fonts import cjk_font  # noqa: E402
from avatar.measure import mouth_opening  # noqa: E402
from avatar.scene import Appearance, FrameState, ProductCard  # noqa: E402
from avatar.visemes import VisemeTrack  # noqa: E402
from speech.espeak import EspeakEngine  # noqa: E402
from stream.media import SAMPLES_PER_FRAME  # noqa: E402
from stream.persona_bundle import load_persona  # noqa: E402
from tests.face_media import make_idle_clip, save_portrait  # noqa: E402

OUT = ROOT / "bench" / "out"
PERSONAS = ("default", "beauty", "electronics", "food", "apparel", "mother-baby", "home")
SENTENCES = ("家人们看过来，这款云南古树普洱茶今天给大家好好讲讲。", "口感醇厚回甘明显，冲泡十几次都不会淡。",
             "今天直播间到手价只要八十九元，喜欢的点下方小黄车。")
CARD = ProductCard("云南古树普洱茶饼 357克 礼盒装", 89.0, 129.0, "满199减30")


def speech_states(count: int) -> tuple[list[FrameState], np.ndarray]:
    """FrameStates for espeak speech (its viseme track), and the RMS of each frame's audio."""
    engine = EspeakEngine("cmn")
    engine.load()
    states: list[FrameState] = []
    rms: list[float] = []
    k = 0
    while len(states) < count:
        utt = engine.synthesize(SENTENCES[k % len(SENTENCES)])
        track = VisemeTrack.from_utterance(utt)
        for j in range(-(-utt.num_samples // SAMPLES_PER_FRAME)):
            shape = track.shape_for_frame(j * SAMPLES_PER_FRAME)
            pcm = utt.pcm[j * SAMPLES_PER_FRAME:(j + 1) * SAMPLES_PER_FRAME].astype(np.float64)
            rms.append(float(np.sqrt(np.mean(pcm * pcm))) if len(pcm) else 0.0)
            states.append(FrameState(len(states), shape.open, utt.text, CARD, True, shape, pointing=k % 3 == 2))
        k += 1
    return states[:count], np.array(rms[:count])


def time_renderer(renderer, states: list[FrameState]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(CPU ms, wall ms) per frame. CPU time of the process counts every thread it used (a video
    decoder's too) and is what the frame costs a core; wall time also counts waiting for a core
    that other programs hold, so on a shared machine it is the noisier figure."""
    cpu, wall = np.empty(len(states)), np.empty(len(states))
    for i, state in enumerate(states):
        c0, w0 = time.process_time(), time.perf_counter()
        renderer.render(state)
        cpu[i], wall[i] = time.process_time() - c0, time.perf_counter() - w0
    return cpu * 1000, wall * 1000


def lip_sync_r(renderer, states: list[FrameState], rms: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    opening = []
    for state in states:
        frame = renderer.render(state)
        rest = renderer.render(FrameState(state.index, 0.0, state.subtitle, state.card, False, None, state.pointing))
        opening.append(mouth_opening(frame, rest, renderer.mouth_box))
    return float(np.corrcoef(np.array(opening, dtype=np.float64), rms)[0, 1])


def contact_sheet(shots: list[tuple[str, np.ndarray]], columns: int = 4, width: int = 480) -> Image.Image:
    tiles = []
    for name, frame in shots:
        image = Image.fromarray(frame)
        image.thumbnail((width, width))
        tiles.append((name, image))
    rows = [tiles[i:i + columns] for i in range(0, len(tiles), columns)]
    heights = [max(t.height for _, t in row) + 30 for row in rows]
    sheet = Image.new("RGB", (columns * (width + 10) + 10, sum(heights) + 10), (40, 40, 48))
    draw = ImageDraw.Draw(sheet)
    font = cjk_font(18)
    for i, (name, tile) in enumerate(tiles):
        x, y = 10 + (i % columns) * (width + 10), 10 + sum(heights[:i // columns])
        sheet.paste(tile, (x + (width - tile.width) // 2, y))
        draw.text((x, y + tile.height + 4), name, font=font, fill=(235, 235, 240))
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=250)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    states, rms = speech_states(args.frames)
    media = Path(tempfile.mkdtemp(prefix="livehost-face-"))
    portrait = save_portrait(media / "astronaut.png")
    clip = make_idle_clip(media / "idle.mp4", seconds=10.0, size=512)
    modes = {
        "drawn": Appearance.from_dict({}),
        "photo": Appearance.from_dict({"mode": "photo", "portrait": str(portrait)}),
        "video": Appearance.from_dict({"mode": "video", "portrait": str(clip)}),
    }
    print(f"{len(states)} frames of espeak speech, 1280x720, rendered on one thread; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    shots: list[tuple[str, np.ndarray]] = []
    for mode, look in modes.items():
        t0 = time.perf_counter()
        renderer = make_renderer(look)
        start = time.perf_counter() - t0
        first, first_wall = time_renderer(renderer, states)  # includes first-use drawing of each mouth shape
        again, again_wall = time_renderer(renderer, states)
        r = lip_sync_r(renderer, states, rms)
        print(f"  {mode:6s} start {start:5.2f} s | CPU ms/frame: first pass mean {first.mean():5.2f} "
              f"(total {first.sum() / 1000:5.2f} s for {len(states)} frames), warm mean {again.mean():5.2f} | "
              f"wall ms/frame: first {first_wall.mean():5.2f}, warm {again_wall.mean():5.2f} p95 "
              f"{np.percentile(again_wall, 95):5.2f} | lip-sync r = {r:.2f}")
        if mode != "drawn":
            shots.append((f"{mode} mode (astronaut, scikit-image)", renderer.render(states[40])))
    for name in PERSONAS:
        look = load_persona(name).appearance
        renderer = make_renderer(look)
        talking = next(s for s in states[30:] if s.mouth is not None and s.mouth.open > 0.5)
        shots.append((f"{name}", renderer.render(talking)))
        if name in ("food", "electronics"):
            pointing = FrameState(talking.index, talking.mouth_open, SENTENCES[2], CARD, True, talking.mouth, True)
            for _ in range(6):
                frame = renderer.render(pointing)
            shots.append((f"{name} pointing at the card", frame))
    vertical = make_renderer(load_persona("beauty").appearance, 720, 1280)
    shots.append(("beauty 720x1280", vertical.render(states[60])))
    sheet = contact_sheet(shots)
    sheet.save(OUT / "contact_sheet.png")
    print(f"wrote {OUT / 'contact_sheet.png'} ({len(shots)} frames)")


if __name__ == "__main__":
    main()
