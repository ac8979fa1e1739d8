"""Encode speed of AVEncoder on synthetic 720p chunks, as a multiple of real time.

Run: .venv/bin/python bench/bench_encode.py [seconds]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stream.encoder import AVEncoder  # noqa: E402
from stream.media import FPS, HEIGHT, SAMPLE_RATE, SAMPLES_PER_FRAME, WIDTH, AVChunk  # noqa: E402


def make_chunks(frames: int) -> list[AVChunk]:
    """Prebuilt so only encoding is timed; a moving gradient with noise keeps x264 honest."""
    rng = np.random.default_rng(0)
    base = np.linspace(0, 255, WIDTH, dtype=np.float32)[None, :, None]
    noise = rng.integers(0, 24, size=(HEIGHT, WIDTH, 3), dtype=np.uint8)
    chunks = []
    for k in range(frames):
        video = ((base + 6 * k) % 256).astype(np.uint8) + np.roll(noise, 4 * k, axis=0)
        t = np.arange(k * SAMPLES_PER_FRAME, (k + 1) * SAMPLES_PER_FRAME) / SAMPLE_RATE
        audio = (6000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
        chunks.append(AVChunk(index=k, video=np.ascontiguousarray(video), audio=audio))
    return chunks


def main(seconds: int = 20) -> None:
    frames = seconds * FPS
    chunks = make_chunks(frames)
    encoder = AVEncoder()
    encoded_bytes = 0
    started = time.perf_counter()
    for chunk in chunks:
        encoded_bytes += sum(len(p.data) for p in encoder.encode(chunk))
    encoded_bytes += sum(len(p.data) for p in encoder.flush())
    elapsed = time.perf_counter() - started
    print(f"encoded {seconds} s ({frames} frames, {WIDTH}x{HEIGHT}) in {elapsed:.2f} s")
    print(f"speed: {seconds / elapsed:.2f}x real time, {1000 * elapsed / frames:.2f} ms per frame")
    print(f"output: {8 * encoded_bytes / seconds / 1000:.0f} kbit/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
