"""WebRTC preview: aiortc tracks fed by the same AVChunks as every other output.

The pacer publishes each chunk to a RawBroadcast (before encoding). Each peer has its own small
queues of video and audio taken from the same chunks, so the two stay paired; a slow peer loses
its oldest frames and never blocks the show. Signalling is one POST /offer on the local server.
"""
from __future__ import annotations

import asyncio
import logging
from fractions import Fraction

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from .media import SAMPLE_RATE, SAMPLES_PER_FRAME, AVChunk
from .metrics import ShowMetrics

log = logging.getLogger("livehost.webrtc")
VIDEO_CLOCK = Fraction(1, 90_000)
AUDIO_CLOCK = Fraction(1, SAMPLE_RATE)
PEER_QUEUE_FRAMES = 8  # 320 ms: a peer further behind than this loses its oldest frames
MAX_PEERS = 8
CONNECT_TIMEOUT_S = 15.0  # an offer whose peer never connects gives its slot back
PREVIEW_STEP = 2  # the preview is sent at half size: one VP8 encode per peer must stay cheap


class PeerFeed:
    def __init__(self, metrics: ShowMetrics) -> None:
        self.video: asyncio.Queue[AVChunk] = asyncio.Queue(maxsize=PEER_QUEUE_FRAMES)
        self.audio: asyncio.Queue[AVChunk] = asyncio.Queue(maxsize=PEER_QUEUE_FRAMES)
        self._metrics = metrics

    def push(self, chunk: AVChunk) -> None:
        for q in (self.video, self.audio):
            if q.full():
                q.get_nowait()
                if q is self.video:
                    self._metrics.webrtc_dropped += 1
            q.put_nowait(chunk)


class RawBroadcast:
    """Chunks as they go on air, to every WebRTC peer (called on the event loop)."""

    def __init__(self, metrics: ShowMetrics) -> None:
        self._feeds: set[PeerFeed] = set()
        self._metrics = metrics

    def subscribe(self) -> PeerFeed:
        feed = PeerFeed(self._metrics)
        self._feeds.add(feed)
        return feed

    def unsubscribe(self, feed: PeerFeed) -> None:
        self._feeds.discard(feed)

    def publish(self, chunk: AVChunk) -> None:
        if not self._feeds:
            return
        preview = AVChunk(chunk.index, np.ascontiguousarray(chunk.video[::PREVIEW_STEP, ::PREVIEW_STEP]),
                          chunk.audio)
        for feed in list(self._feeds):
            feed.push(preview)


class ChunkVideoTrack(MediaStreamTrack):
    kind = "video"

    def __init__(self, feed: PeerFeed) -> None:
        super().__init__()
        self._feed = feed

    async def recv(self) -> av.VideoFrame:
        chunk = await self._feed.video.get()
        frame = av.VideoFrame.from_ndarray(chunk.video, format="rgb24")
        frame.pts = chunk.index * 3600  # 90 kHz ticks per 25 fps frame
        frame.time_base = VIDEO_CLOCK
        return frame


class ChunkAudioTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self, feed: PeerFeed) -> None:
        super().__init__()
        self._feed = feed

    async def recv(self) -> av.AudioFrame:
        chunk = await self._feed.audio.get()
        frame = av.AudioFrame.from_ndarray(chunk.audio.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = chunk.index * SAMPLES_PER_FRAME
        frame.time_base = AUDIO_CLOCK
        return frame


class OfferError(ValueError):
    pass


class WebRtcHub:
    def __init__(self, broadcast: RawBroadcast, metrics: ShowMetrics, max_peers: int = MAX_PEERS,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        self._broadcast = broadcast
        self._metrics = metrics
        self._max_peers = max_peers
        self._connect_timeout_s = connect_timeout_s
        self._peers: dict[RTCPeerConnection, PeerFeed] = {}

    @property
    def peer_count(self) -> int:
        return len(self._peers)

    async def answer(self, sdp: str, kind: str) -> RTCSessionDescription:
        if kind != "offer" or not isinstance(sdp, str) or not sdp.startswith("v=0"):
            raise OfferError("expected {'type': 'offer', 'sdp': 'v=0...'}")
        if len(self._peers) >= self._max_peers:
            raise OfferError(f"already {self._max_peers} viewers; try again later")
        # No STUN/TURN: the preview is for viewers on this machine or its LAN, and the show must
        # not reach out to public servers.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        feed = self._broadcast.subscribe()
        self._peers[pc] = feed
        self._metrics.webrtc_peers = len(self._peers)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._drop(pc)

        try:
            pc.addTrack(ChunkVideoTrack(feed))
            pc.addTrack(ChunkAudioTrack(feed))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await self._drop(pc)
            raise OfferError(f"cannot answer the offer: {exc}") from None
        log.info("webrtc viewer joined (%d connected)", len(self._peers))
        asyncio.get_running_loop().call_later(self._connect_timeout_s,
                                              lambda: asyncio.ensure_future(self._drop_if_unconnected(pc)))
        return pc.localDescription

    async def _drop_if_unconnected(self, pc: RTCPeerConnection) -> None:
        if pc in self._peers and pc.connectionState != "connected":
            log.info("webrtc offer never connected within %g s; slot freed", self._connect_timeout_s)
            await self._drop(pc)

    async def _drop(self, pc: RTCPeerConnection) -> None:
        feed = self._peers.pop(pc, None)
        if feed is not None:
            self._broadcast.unsubscribe(feed)
            log.info("webrtc viewer left (%d connected)", len(self._peers))
        self._metrics.webrtc_peers = len(self._peers)
        await pc.close()

    async def close(self) -> None:
        for pc in list(self._peers):
            await self._drop(pc)
