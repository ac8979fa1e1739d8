"""Mux already-encoded packets into any number of outputs: encode once, mux many.

Each MuxOutput owns one container (MP4 file, FLV over RTMP, MPEG-TS into a writable object) and
copies the encoder's stream parameters, including the SPS/PPS and AudioSpecificConfig extradata.
Errors surface as OutputError, whose message never contains an RTMP stream key.
"""
from __future__ import annotations

import io
import socket
from collections.abc import Iterable
from fractions import Fraction
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit, urlunsplit

import av
from av.audio.codeccontext import AudioCodecContext
from av.codec.context import CodecContext
from av.container import OutputContainer
from av.stream import Stream

from stream.encoder import AVEncoder, EncodedPacket
from stream.media import convert_timebase

RTMP_SCHEMES = frozenset({"rtmp", "rtmps", "rtmpt", "rtmpts", "rtmpe", "rtmpte"})
# Schemes whose last path segment is a stream key (push URLs of live platforms).
_KEYED_SCHEMES = RTMP_SCHEMES | {"http", "https", "srt"}
_DEFAULT_PORTS = {"rtmps": 443}
_VIDEO_FIELDS = ("width", "height", "pix_fmt", "framerate", "bit_rate",
                 "colorspace", "color_range", "color_primaries", "color_trc")
_AUDIO_FIELDS = ("sample_rate", "layout", "format", "bit_rate")


class OutputError(RuntimeError):
    """An output could not be opened or written; the show itself may carry on."""


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def redact_url(url: str) -> str:
    """Hide secrets in a URL: the stream key (last path segment of an rtmp URL), any query
    string and any password. Plain file paths are returned unchanged."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        # Fail closed: something that looks like a mistyped URL may still carry a key.
        return f"{parts.scheme}:***" if ":/" in url else url
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username}:***@{netloc.rsplit('@', 1)[1]}"
    path = parts.path
    if parts.scheme.lower() in _KEYED_SCHEMES:
        head, _, key = path.rstrip("/").rpartition("/")
        path = f"{head}/***" if key else path
    return urlunsplit((parts.scheme, netloc, path, "***" if parts.query else "", ""))


def _stream_key(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in _KEYED_SCHEMES:
        return ""
    return parts.path.rstrip("/").rpartition("/")[2]


class MuxOutput:
    def __init__(self, url_or_path: str | BinaryIO | Writable, format: str, encoder: AVEncoder,
                 name: str | None = None, connect_timeout: float = 5.0) -> None:
        self.format = format
        self.name = name or format
        self._target = url_or_path
        self._encoder = encoder
        self._connect_timeout = connect_timeout
        self._url = url_or_path if isinstance(url_or_path, str) else None
        self.display_url = (redact_url(url_or_path) if isinstance(url_or_path, str)
                            else f"<{type(url_or_path).__name__}>")
        self._secret = _stream_key(url_or_path) if isinstance(url_or_path, str) else ""
        self._container: OutputContainer | None = None
        self._streams: dict[str, Stream] = {}
        self._time_bases: dict[str, Fraction] = {}
        self._failed = False

    @property
    def is_open(self) -> bool:
        return self._container is not None

    def open(self) -> None:
        if self._container is not None:
            raise OutputError(f"output {self.name!r} ({self.display_url}) is already open")
        self._check_reachable()
        try:
            container = av.open(self._target, "w", format=self.format,
                                container_options=self._container_options())
        except Exception as exc:
            raise self._error("cannot open", exc) from None
        try:
            self._streams = {"video": _add_stream_like(container, self._encoder.video_context),
                             "audio": _add_stream_like(container, self._encoder.audio_context)}
            # Writing the header now connects (RTMP) or creates the file, so failures show up
            # here rather than at the first packet.
            container.start_encoding()
        except Exception as exc:
            _close_quietly(container)
            raise self._error("cannot open", exc) from None
        # Muxers pick their own time base when writing the header (mp4 1/12800, flv 1/1000...).
        self._time_bases = {kind: _time_base(s) for kind, s in self._streams.items()}
        self._container = container
        self._failed = False

    def write(self, packets: Iterable[EncodedPacket]) -> None:
        container = self._container
        if container is None:
            raise OutputError(f"output {self.name!r} ({self.display_url}) is not open")
        if self._failed:
            raise OutputError(f"output {self.name!r} ({self.display_url}) failed earlier; close it")
        for encoded in packets:
            packet = self._to_av_packet(encoded)
            try:
                container.mux_one(packet)
            except Exception as exc:
                self._failed = True
                raise self._error("write failed on", exc) from None

    def close(self) -> None:
        """Finish the output (MP4: writes the moov index). A second close is a no-op."""
        container, self._container = self._container, None
        if container is None:
            return
        try:
            container.close()
        except Exception as exc:
            # After a failed write the trailer usually fails too; the first error was reported.
            if not self._failed:
                raise self._error("cannot finalise", exc) from None

    def __enter__(self) -> MuxOutput:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _container_options(self) -> dict[str, str]:
        if self.format == "mp4":
            # faststart rewrites the file at close to put the index first; files only.
            return {"movflags": "+faststart"} if self._url is not None else {}
        # Live outputs: hand every packet to the network/writer at once instead of at 32 KiB.
        return {"flush_packets": "1"}

    def _to_av_packet(self, encoded: EncodedPacket) -> av.Packet:
        stream = self._streams[encoded.kind]
        target = self._time_bases[encoded.kind]
        # A padded copy per output: muxers may mutate packets and libav expects input padding.
        packet = av.Packet(len(encoded.data))
        packet.update(encoded.data)
        packet.pts = convert_timebase(encoded.pts, encoded.time_base, target)
        packet.dts = convert_timebase(encoded.dts, encoded.time_base, target)
        packet.duration = convert_timebase(encoded.duration, encoded.time_base, target)
        packet.time_base = target
        packet.is_keyframe = encoded.is_keyframe
        packet.stream = stream
        return packet

    def _check_reachable(self) -> None:
        """FFmpeg's TCP connect has no timeout, so a black-holed ingest host would block open()
        for minutes; probe the port first with a bounded connect."""
        if self._url is None:
            return
        parts = urlsplit(self._url)
        scheme = parts.scheme.lower()
        if scheme not in RTMP_SCHEMES or not parts.hostname:
            return
        port = parts.port or _DEFAULT_PORTS.get(scheme, 1935)
        try:
            with socket.create_connection((parts.hostname, port), timeout=self._connect_timeout):
                pass
        except OSError as exc:
            raise self._error("cannot connect to", exc) from None

    def _error(self, what: str, exc: BaseException) -> OutputError:
        return OutputError(f"output {self.name!r}: {what} {self.display_url}: {self._reason(exc)}")

    def _reason(self, exc: BaseException) -> str:
        # FFmpegError/OSError text carries the filename, i.e. the full URL with the key.
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        if self._url is not None:
            reason = reason.replace(self._url, self.display_url)
        if self._secret:
            reason = reason.replace(self._secret, "***")
        return f"{reason} ({type(exc).__name__})"


def _add_stream_like(container: OutputContainer, ctx: CodecContext) -> Stream:
    """A mux stream carrying `ctx`'s parameters and extradata, with no encoder of its own.

    add_stream() would open a second encoder when the header is written. A stream made by
    add_stream_from_template() is never opened, but PyAV only accepts a Stream as template,
    so we take one from a scratch container and then copy the real parameters onto it."""
    scratch = av.open(io.BytesIO(), "w", format="nut")
    try:
        rate = ctx.sample_rate if isinstance(ctx, AudioCodecContext) else None
        stream = container.add_stream_from_template(scratch.add_stream(ctx.name, rate=rate))
    finally:
        scratch.close()
    target = stream.codec_context
    for field in _VIDEO_FIELDS if ctx.type == "video" else _AUDIO_FIELDS:
        setattr(target, field, getattr(ctx, field))
    target.time_base = ctx.time_base
    target.extradata = ctx.extradata
    stream.time_base = ctx.time_base
    return stream


def _time_base(stream: Stream) -> Fraction:
    if stream.time_base is None:
        raise OutputError(f"stream {stream.index} has no time base after writing the header")
    return stream.time_base


def _close_quietly(container: OutputContainer) -> None:
    try:
        container.close()
    except Exception:
        pass  # Already reporting the error that made us give up on this container.
