"""Encode AVChunks once into H.264 + AAC packets whose timestamps come only from the chunk index.

Video packet k has pts == dts == k in 1/25 s. Audio is fed to AAC as 1024-sample frames whose
pts is the absolute sample index (chunk k starts at k*1920), so AAC packet pts are exact
multiples of 1024 from the first chunk's start, minus the encoder's 1024-sample priming delay:
the first audio packet has pts = start - 1024. Muxers turn that delay into an edit list (MP4)
or shift both streams equally (FLV, MPEG-TS), so A/V sync is preserved either way.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import av
import numpy as np
from av.audio.codeccontext import AudioCodecContext
from av.codec.context import Flags
from av.video.codeccontext import VideoCodecContext
from av.video.reformatter import ColorPrimaries, ColorRange, Colorspace, ColorTrc

from stream.media import (AUDIO_TIME_BASE, FPS, HEIGHT, SAMPLE_RATE, VIDEO_TIME_BASE, WIDTH,
                          AVChunk)

PacketKind = Literal["video", "audio"]

AUDIO_BIT_RATE = 128_000
GOP_FRAMES = 2 * FPS
AVCOL_SPC_BT709 = 1  # libav's AVColorSpace; PyAV's Colorspace enum holds swscale's constants


@dataclass(frozen=True, slots=True)
class EncodedPacket:
    """One compressed packet, owned by nobody: every output builds its own av.Packet from it."""

    kind: PacketKind
    data: bytes
    pts: int
    dts: int
    duration: int
    time_base: Fraction
    is_keyframe: bool


class AVEncoder:
    def __init__(self, width: int = WIDTH, height: int = HEIGHT,
                 video_bitrate: int | None = None, preset: str = "veryfast") -> None:
        if video_bitrate is None:  # 2.5 Mb/s at 720p (either way up); smaller frames need fewer bits
            video_bitrate = round(2_500_000 * min(1.0, width * height / (WIDTH * HEIGHT)))
        self.width = width
        self.height = height
        self.video_context = self._open_video(width, height, video_bitrate, preset)
        self.audio_context = self._open_audio()
        self._next_index: int | None = None
        self._pending = np.empty(0, dtype=np.float32)  # audio not yet handed to AAC
        self._pending_pts = 0  # sample index of _pending[0]
        self._flushed = False

    @staticmethod
    def _open_video(width: int, height: int, bitrate: int, preset: str) -> VideoCodecContext:
        ctx = av.CodecContext.create("libx264", "w")
        assert isinstance(ctx, VideoCodecContext)
        ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
        ctx.time_base = VIDEO_TIME_BASE
        ctx.framerate = Fraction(FPS)
        ctx.bit_rate = bitrate
        ctx.gop_size = GOP_FRAMES
        ctx.max_b_frames = 0
        ctx.colorspace, ctx.color_range = AVCOL_SPC_BT709, ColorRange.MPEG
        ctx.color_primaries, ctx.color_trc = ColorPrimaries.BT709, ColorTrc.BT709
        # Global header puts SPS/PPS into extradata for MP4/FLV; repeat-headers keeps them
        # in-band on every IDR too, so MPEG-TS viewers can join at any keyframe.
        ctx.flags |= Flags.global_header
        ctx.options = {
            "preset": preset,
            "tune": "zerolatency",
            "maxrate": str(bitrate),
            "bufsize": str(2 * bitrate),
            # Fixed 2 s GOP: ingest servers and segmenters want keyframes on a fixed cadence.
            "x264-params": "repeat-headers=1:scenecut=0",
        }
        ctx.open()
        return ctx

    @staticmethod
    def _open_audio() -> AudioCodecContext:
        ctx = av.CodecContext.create("aac", "w")
        assert isinstance(ctx, AudioCodecContext)
        ctx.sample_rate = SAMPLE_RATE
        ctx.layout = "mono"
        ctx.format = "fltp"
        ctx.bit_rate = AUDIO_BIT_RATE
        ctx.time_base = AUDIO_TIME_BASE
        ctx.flags |= Flags.global_header
        ctx.open()
        return ctx

    def encode(self, chunk: AVChunk) -> list[EncodedPacket]:
        if self._flushed:
            raise RuntimeError("encoder already flushed")
        if self._next_index is None:
            self._pending_pts = chunk.audio_pts
        elif chunk.index != self._next_index:
            # Audio pts are counted in samples, so a skipped chunk would shift all later audio.
            raise ValueError(f"chunk {chunk.index} out of sequence, expected {self._next_index}")
        self._next_index = chunk.index + 1
        return self._encode_video(chunk) + self._encode_audio(chunk.audio)

    def flush(self) -> list[EncodedPacket]:
        if self._flushed:
            return []
        self._flushed = True
        packets = self._video_packets(self.video_context.encode(None))
        if self._pending.size:
            # AAC accepts a short final frame, so the tail is not padded with invented silence.
            packets += self._audio_packets(self.audio_context.encode(self._audio_frame(self._pending)))
        return packets + self._audio_packets(self.audio_context.encode(None))

    def _encode_video(self, chunk: AVChunk) -> list[EncodedPacket]:
        frame = av.VideoFrame.from_ndarray(chunk.video, format="rgb24").reformat(
            width=self.width, height=self.height, format="yuv420p",
            dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG)
        frame.pts = chunk.video_pts
        frame.time_base = VIDEO_TIME_BASE
        return self._video_packets(self.video_context.encode(frame))

    def _encode_audio(self, samples: np.ndarray) -> list[EncodedPacket]:
        as_float = samples.astype(np.float32) / 32768.0
        self._pending = np.concatenate([self._pending, as_float])
        size = self.audio_context.frame_size
        packets: list[EncodedPacket] = []
        while self._pending.size >= size:
            block, self._pending = self._pending[:size], self._pending[size:]
            packets += self._audio_packets(self.audio_context.encode(self._audio_frame(block)))
        return packets

    def _audio_frame(self, block: np.ndarray) -> av.AudioFrame:
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="fltp", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = AUDIO_TIME_BASE
        frame.pts = self._pending_pts
        self._pending_pts += block.size
        return frame

    @staticmethod
    def _video_packets(packets: list[av.Packet]) -> list[EncodedPacket]:
        # The encoder leaves duration 0; with a constant frame rate every frame lasts one tick.
        return [_wrap("video", p, VIDEO_TIME_BASE, default_duration=1) for p in packets]

    @staticmethod
    def _audio_packets(packets: list[av.Packet]) -> list[EncodedPacket]:
        return [_wrap("audio", p, AUDIO_TIME_BASE, default_duration=0) for p in packets]


def _wrap(kind: PacketKind, packet: av.Packet, time_base: Fraction,
          default_duration: int) -> EncodedPacket:
    if packet.pts is None or packet.dts is None:
        raise RuntimeError(f"{kind} encoder returned a packet without timestamps")
    if packet.time_base != time_base:
        raise RuntimeError(f"{kind} packet time base {packet.time_base} != {time_base}")
    return EncodedPacket(kind=kind, data=bytes(packet), pts=packet.pts, dts=packet.dts,
                         duration=packet.duration or default_duration, time_base=time_base,
                         is_keyframe=packet.is_keyframe)
