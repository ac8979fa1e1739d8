"""Media for the face tests and benchmarks, made offline from data that ships in PyPI packages."""
from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
from PIL import Image


def astronaut() -> np.ndarray:
    """A real portrait (NASA, public domain) bundled with scikit-image: no download."""
    from skimage import data
    return data.astronaut()


def save_portrait(path: Path) -> Path:
    Image.fromarray(astronaut()).save(path)
    return path


def make_idle_clip(path: Path, seconds: float = 10.0, size: int = 256, fps: int = 25) -> Path:
    """An 'idle' clip: the portrait slowly drifting and breathing (a gentle zoom), H.264 in MP4."""
    still = Image.fromarray(astronaut())
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for k in range(round(seconds * fps)):
            t = k / fps
            zoom = 1.06 + 0.02 * math.sin(2 * math.pi * t / 4.0)
            crop = 512 / zoom
            cx, cy = 256 + 6 * math.sin(2 * math.pi * t / 7.0), 256 + 3 * math.sin(2 * math.pi * t / 5.0)
            x0 = min(max(cx - crop / 2, 0.0), 512 - crop)
            y0 = min(max(cy - crop / 2, 0.0), 512 - crop)
            box = (x0, y0, x0 + crop, y0 + crop)
            frame = still.resize((size, size), Image.BILINEAR, box=box)
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.asarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
