"""Encode once, mux many: real libx264/AAC, real muxers, a real nginx-rtmp and ffprobe."""
from __future__ import annotations

import io
import json
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from stream.encoder import AVEncoder, EncodedPacket
from stream.media import FPS, HEIGHT, SAMPLE_RATE, SAMPLES_PER_FRAME, WIDTH, AVChunk
from stream.outputs import MuxOutput, OutputError, redact_url

from conftest import poll_until

SECONDS = 3
FRAMES = SECONDS * FPS
KEY = "sk-live-9f8e7d6c5b4a"


def synthetic_chunk(k: int) -> AVChunk:
    """A gradient sliding 8 px per frame and a 440 Hz tone whose loudness changes every frame."""
    x = (np.arange(WIDTH, dtype=np.int32) + 8 * k) % 256
    y = np.arange(HEIGHT, dtype=np.int32) * 255 // HEIGHT
    video = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
    video[..., 0] = x[None, :]
    video[..., 1] = y[:, None]
    video[..., 2] = 255 - x[None, :]
    t = np.arange(k * SAMPLES_PER_FRAME, (k + 1) * SAMPLES_PER_FRAME) / SAMPLE_RATE
    amplitude = 4000 + 3000 * np.sin(k / 5)
    audio = (amplitude * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    return AVChunk(index=k, video=video, audio=audio)


def encode_all(encoder: AVEncoder, frames: int = FRAMES) -> list[EncodedPacket]:
    packets: list[EncodedPacket] = []
    for k in range(frames):
        packets += encoder.encode(synthetic_chunk(k))
    return packets + encoder.flush()


@pytest.fixture(scope="module")
def encoded() -> tuple[AVEncoder, list[EncodedPacket]]:
    encoder = AVEncoder()
    return encoder, encode_all(encoder)


def ffprobe(path: Path | str, timeout: float = 20) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(result.stdout)


def streams_by_type(probe: dict) -> dict[str, dict]:
    return {s["codec_type"]: s for s in probe["streams"]}


def test_encoder_timestamps_come_from_the_chunk_index(encoded):
    _, packets = encoded
    video = [p for p in packets if p.kind == "video"]
    audio = [p for p in packets if p.kind == "audio"]
    assert [p.pts for p in video] == list(range(FRAMES))
    assert all(p.dts == p.pts and p.duration == 1 for p in video)
    assert [p.pts for p in video if p.is_keyframe] == [0, 50]
    # AAC: 1024-sample frames from sample 0, shifted by the 1024-sample priming delay.
    assert [p.pts for p in audio] == [1024 * (i - 1) for i in range(len(audio))]
    assert all(p.dts == p.pts for p in audio)
    assert audio[-1].pts + audio[-1].duration == FRAMES * SAMPLES_PER_FRAME


def test_encoder_rejects_a_gap_in_chunk_indices():
    encoder = AVEncoder()
    encoder.encode(synthetic_chunk(10))
    with pytest.raises(ValueError, match="out of sequence"):
        encoder.encode(synthetic_chunk(12))


def test_mp4_file_round_trips_with_exact_timing(encoded, tmp_path):
    encoder, packets = encoded
    path = tmp_path / "show.mp4"
    output = MuxOutput(str(path), "mp4", encoder, name="recording")
    output.open()
    output.write(packets)
    output.close()

    with av.open(str(path)) as container:
        vstream, astream = container.streams.video[0], container.streams.audio[0]
        assert (vstream.codec_context.name, astream.codec_context.name) == ("h264", "aac")
        assert (vstream.codec_context.width, vstream.codec_context.height) == (WIDTH, HEIGHT)
        video_pts: list[Fraction] = []
        audio_samples = 0
        for frame in container.decode(vstream, astream):
            if isinstance(frame, av.VideoFrame):
                video_pts.append(frame.pts * frame.time_base)
            else:
                audio_samples += frame.samples
    assert len(video_pts) == FRAMES
    assert video_pts[0] == 0
    assert all(b - a == Fraction(1, FPS) for a, b in zip(video_pts, video_pts[1:]))
    video_duration = Fraction(FRAMES, FPS)
    assert abs(Fraction(audio_samples, SAMPLE_RATE) - video_duration) <= Fraction(1, FPS)


def test_mpegts_into_bytesio_has_both_streams_and_inband_parameter_sets(encoded, tmp_path):
    encoder, packets = encoded
    sink = io.BytesIO()
    output = MuxOutput(sink, "mpegts", encoder, name="http-view")
    output.open()
    output.write(packets)
    output.close()
    data = sink.getvalue()
    assert data and len(data) % 188 == 0

    whole = tmp_path / "whole.ts"
    whole.write_bytes(data)
    streams = streams_by_type(ffprobe(whole))
    assert streams["video"]["codec_name"] == "h264"
    assert (streams["video"]["width"], streams["video"]["height"]) == (WIDTH, HEIGHT)
    assert streams["audio"]["codec_name"] == "aac"

    # A viewer joining mid-stream: the second GOP must carry its own SPS/PPS.
    joined = tmp_path / "joined.ts"
    joined.write_bytes(data[(len(data) // 2) // 188 * 188:])
    late = streams_by_type(ffprobe(joined))
    assert (late["video"]["codec_name"], late["video"]["width"]) == ("h264", WIDTH)


def test_one_encode_feeds_several_outputs(encoded, tmp_path):
    encoder, packets = encoded
    sink = io.BytesIO()
    outputs = [MuxOutput(str(tmp_path / "a.mp4"), "mp4", encoder),
               MuxOutput(sink, "mpegts", encoder)]
    for output in outputs:
        output.open()
    for output in outputs:
        output.write(packets)
        output.close()
    assert streams_by_type(ffprobe(tmp_path / "a.mp4"))["video"]["nb_frames"] == str(FRAMES)
    assert sink.getvalue()


def wait_for_recording(path: Path, timeout: float = 5.0) -> dict:
    """nginx finishes the recording asynchronously after we disconnect: poll, bounded."""
    probes: list[dict] = []

    def complete() -> bool:
        if not path.exists():
            return False
        probes.append(ffprobe(path))
        return len(probes[-1]["streams"]) == 2 and float(probes[-1]["format"].get("duration", 0)) >= SECONDS - 0.1
    poll_until(complete, timeout, f"complete recording {path}")
    return probes[-1]


def test_rtmp_push_is_recorded_by_nginx(rtmp_server):
    encoder = AVEncoder()
    output = MuxOutput(f"{rtmp_server.url}/{KEY}", "flv", encoder, name="rtmp")
    output.open()
    for k in range(FRAMES):
        output.write(encoder.encode(synthetic_chunk(k)))
    output.write(encoder.flush())
    output.close()

    streams = streams_by_type(wait_for_recording(rtmp_server.record_dir / f"{KEY}.flv"))
    video, audio = streams["video"], streams["audio"]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", WIDTH, HEIGHT)
    assert Fraction(video["avg_frame_rate"]) == FPS or Fraction(video["r_frame_rate"]) == FPS
    assert (audio["codec_name"], int(audio["sample_rate"]), audio["channels"]) == ("aac", SAMPLE_RATE, 1)


def test_rtmp_live_pull_during_push(rtmp_server):
    encoder = AVEncoder()
    output = MuxOutput(f"{rtmp_server.url}/{KEY}", "flv", encoder, name="rtmp")
    output.open()
    probe = subprocess.Popen(
        ["ffprobe", "-v", "error", "-of", "json", "-show_streams", f"{rtmp_server.url}/{KEY}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Keep the stream flowing until ffprobe has seen enough; bounded by content, not time.
        k = 0
        while probe.poll() is None and k < 20 * FPS:
            output.write(encoder.encode(synthetic_chunk(k)))
            k += 1
        output.close()
        out, err = probe.communicate(timeout=20)
    finally:
        if probe.poll() is None:
            probe.kill()
            probe.communicate()
    assert probe.returncode == 0, err
    streams = streams_by_type(json.loads(out))
    assert (streams["video"]["codec_name"], streams["video"]["width"]) == ("h264", WIDTH)
    assert streams["audio"]["codec_name"] == "aac"


def test_rtmp_server_going_away_raises_output_error(rtmp_server):
    encoder = AVEncoder()
    output = MuxOutput(f"{rtmp_server.url}/{KEY}", "flv", encoder, name="rtmp")
    output.open()
    output.write(encoder.encode(synthetic_chunk(0)))
    rtmp_server.process.terminate()
    rtmp_server.process.wait(timeout=5)
    # The kernel accepts a few writes into the socket buffer before reporting the reset.
    with pytest.raises(OutputError) as info:
        for k in range(1, 20 * FPS):
            output.write(encoder.encode(synthetic_chunk(k)))
    assert "rtmp://127.0.0.1" in str(info.value) and KEY not in str(info.value)
    output.close()


def test_unreachable_rtmp_raises_quickly_without_leaking_the_key(unused_port: int):
    port = unused_port
    output = MuxOutput(f"rtmp://127.0.0.1:{port}/live/{KEY}", "flv", AVEncoder(), name="youtube")
    started = time.monotonic()
    with pytest.raises(OutputError) as info:
        output.open()
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert f"rtmp://127.0.0.1:{port}/live/***" in message
    assert "youtube" in message
    assert KEY not in message and KEY not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert not output.is_open


def test_unwritable_path_raises_output_error(tmp_path):
    output = MuxOutput(str(tmp_path / "missing-dir" / "show.mp4"), "mp4", AVEncoder(), name="disk")
    with pytest.raises(OutputError, match=r"disk.*missing-dir"):
        output.open()


class FailingWriter:
    """Accepts the header, then fails like a disconnected HTTP client."""

    def __init__(self, budget: int) -> None:
        self.budget = budget

    def write(self, data: bytes) -> int:
        self.budget -= len(data)
        if self.budget < 0:
            raise BrokenPipeError("viewer went away")
        return len(data)


def test_write_error_after_open_raises_output_error(encoded):
    encoder, packets = encoded
    output = MuxOutput(FailingWriter(budget=10_000), "mpegts", encoder, name="viewer")
    output.open()
    with pytest.raises(OutputError, match="viewer"):
        output.write(packets)
    with pytest.raises(OutputError, match="failed earlier"):
        output.write(packets[:1])
    output.close()  # does not raise again
    assert not output.is_open


@pytest.mark.parametrize("url, expected", [
    ("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl", "rtmp://a.rtmp.youtube.com/live2/***"),
    ("rtmp://127.0.0.1:1935/live/key", "rtmp://127.0.0.1:1935/live/***"),
    ("rtmps://host/app/key?token=secret", "rtmps://host/app/***?***"),
    ("rtmp://user:pw@host/app/key", "rtmp://user:***@host/app/***"),
    ("/var/out/show.mp4", "/var/out/show.mp4"),
    ("rtmp:/host/live/typo-key", "rtmp:***"),
    ("https://push.example.com/live/key.flv", "https://push.example.com/live/***"),
])
def test_redact_url(url, expected):
    assert redact_url(url) == expected



def test_an_encoder_that_breaks_is_rebuilt_and_the_recording_goes_on(tmp_path):
    """A codec error must not end the picture: the next chunk goes to a fresh encoder, and the
    file stays decodable with timestamps that only move forward."""
    from stream.fanout import Fanout, OutputSpec

    built: list[AVEncoder] = []

    class BreaksOnce(AVEncoder):
        def encode(self, chunk: AVChunk) -> list[EncodedPacket]:
            if chunk.index >= 30 and len(built) == 1:  # the first encoder is broken from chunk 30 on
                raise RuntimeError("libx264: simulated codec failure")
            return super().encode(chunk)

    def factory(width: int, height: int) -> AVEncoder:
        built.append(BreaksOnce(width, height))
        return built[-1]

    record = tmp_path / "rec.mp4"
    fanout = Fanout([OutputSpec("file", str(record), "mp4")], encoder_factory=factory, size=(WIDTH, HEIGHT))
    fanout.open()
    for k in range(FRAMES * 2):
        fanout.put(synthetic_chunk(k), timeout=30)
    fanout.close()
    assert fanout.encoder_restarts == 1 and len(built) == 2
    assert any("simulated codec failure" in e for e in fanout.errors)
    with av.open(str(record)) as container:
        video = [round(f.time * FPS) for f in container.decode(video=0)]
    assert len(video) == FRAMES * 2 - 1  # only the chunk the broken encoder refused is missing
    assert video == sorted(video) and max(video) == FRAMES * 2 - 1 and 30 not in video
    with av.open(str(record)) as container:
        audio_pts = [p.pts for p in container.demux(audio=0) if p.pts is not None]
    assert audio_pts == sorted(set(audio_pts))
