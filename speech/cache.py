"""A bounded on-disk synthesis cache: rundown lines are synthesized once, then replayed.

Key: engine identity (engine, voice, speed, loudness target) + normalised text, hashed.
Each entry is one .npz file (PCM and timings). Least recently used entries are evicted when
the folder outgrows its byte budget; a hit refreshes the entry's mtime.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import queue
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import numpy as np

from .normalize import normalize_for_speech
from .priority import WARM, SynthesisInterrupted, speech_priority
from .thread_priority import lower_this_thread
from .types import PhonemeTiming, Utterance, WordTiming
from .wrapping import EngineWrapper

log = logging.getLogger("livehost.speech.cache")
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
WARM_QUEUE_TEXTS = 1024  # a catalog's likely answers are warmed at start, beside the rundown's next lines
_SUFFIX = ".npz"


def default_tts_cache_dir() -> Path:
    return Path(os.environ.get("LIVEHOST_CACHE", Path.home() / ".cache" / "livehost")) / "tts"


def cache_key(identity: str, text: str) -> str:
    spoken = normalize_for_speech(text)
    return hashlib.sha256(json.dumps([identity, spoken], ensure_ascii=False).encode()).hexdigest()


def _encode(utterance: Utterance) -> bytes:
    meta = {"spoken_text": utterance.spoken_text, "voice": utterance.voice,
            "words": [[w.text, w.start, w.end] for w in utterance.words],
            "phonemes": [[p.phoneme, p.start, p.end, p.is_vowel] for p in utterance.phonemes]}
    buffer = io.BytesIO()
    np.savez(buffer, pcm=utterance.pcm.astype(np.int16), meta=np.array(json.dumps(meta, ensure_ascii=False)))
    return buffer.getvalue()


def _decode(data: bytes, text: str) -> Utterance:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        pcm = npz["pcm"].astype(np.int16)
        meta = json.loads(str(npz["meta"]))
    return Utterance(text, meta["spoken_text"], pcm, tuple(WordTiming(*w) for w in meta["words"]),
                     tuple(PhonemeTiming(p[0], p[1], p[2], bool(p[3])) for p in meta["phonemes"]), meta["voice"])


class SynthesisCache:
    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError(f"synthesis cache {directory}: max_bytes must be positive, got {max_bytes}")
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        self.directory.mkdir(parents=True, exist_ok=True)
        entries = sorted((p.stat().st_mtime_ns, p.stem, p.stat().st_size) for p in self.directory.glob(f"*{_SUFFIX}"))
        self._sizes = {key: size for _, key, size in entries}
        # Use order: file mtimes across restarts, a counter within the process (mtime ticks are coarse).
        self._used = {key: i for i, (_, key, _) in enumerate(entries)}
        self._tick = len(entries)

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(self._sizes.values())

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._sizes

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, key: str, text: str) -> Utterance | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
            utterance = _decode(data, text)
            os.utime(path)  # most recently used, for the next process
        except FileNotFoundError:
            with self._lock:
                self.misses += 1
                self._sizes.pop(key, None)
            return None
        except (OSError, ValueError, KeyError) as exc:  # a torn or foreign file is a miss, then replaced
            log.warning("synthesis cache: unreadable entry %s (%s); synthesizing again", path.name, exc)
            with self._lock:
                self.misses += 1
            return None
        with self._lock:
            self.hits += 1
            self._touch(key)
        return utterance

    def _touch(self, key: str) -> None:
        self._tick += 1
        self._used[key] = self._tick

    def put(self, key: str, utterance: Utterance) -> None:
        data = _encode(utterance)
        if len(data) > self.max_bytes:
            return  # larger than the whole budget: never worth keeping
        path = self._path(key)
        tmp = path.with_name(f"{key}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        with self._lock:
            self._sizes[key] = len(data)
            self._touch(key)
        self._evict()

    def _evict(self) -> None:
        with self._lock:
            total = sum(self._sizes.values())
            for key in sorted(self._sizes, key=lambda k: self._used.get(k, 0)):  # least recently used first
                if total <= self.max_bytes:
                    break
                self._path(key).unlink(missing_ok=True)
                total -= self._sizes.pop(key)
                self._used.pop(key, None)


class CachedEngine(EngineWrapper):
    """An engine whose results are kept in a SynthesisCache, with background warming for lines
    that will be said soon (the next sentences of the rundown)."""

    def __init__(self, inner, cache: SynthesisCache, identity: str) -> None:
        super().__init__(inner)
        self.cache = cache
        self.identity = identity
        self._in_flight: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._warm_queue: queue.Queue[str] = queue.Queue(maxsize=WARM_QUEUE_TEXTS)
        self._warmer: threading.Thread | None = None
        self._closed = threading.Event()

    def synthesize(self, text: str) -> Utterance:
        key = cache_key(self.identity, text)
        while True:
            cached = self.cache.get(key, text) if key in self.cache else None
            if cached is not None:
                return cached
            with self._lock:
                waiting = self._in_flight.get(key)
                if waiting is None:
                    done = self._in_flight[key] = threading.Event()
                    break
            waiting.wait()  # the warmer is synthesizing this very text: take its result
        try:
            if key not in self.cache:
                self.cache.misses += 1
            utterance = self.inner.synthesize(text)
            self.cache.put(key, utterance)
            return utterance
        finally:
            with self._lock:
                self._in_flight.pop(key, None)
            done.set()

    def warm(self, texts: Iterable[str]) -> None:
        """Synthesize these texts into the cache on a background thread (skips cached ones)."""
        if self._closed.is_set():
            return
        for text in texts:
            if cache_key(self.identity, text) in self.cache:
                continue
            try:
                self._warm_queue.put_nowait(text)
            except queue.Full:
                break
        if self._warmer is None or not self._warmer.is_alive():
            self._warmer = threading.Thread(target=self._warm_loop, name="tts-cache-warmer", daemon=True)
            self._warmer.start()

    def warm_now(self, texts: Iterable[str]) -> int:
        """Synthesize missing texts on this thread; returns how many were synthesized."""
        made = 0
        for text in texts:
            if cache_key(self.identity, text) not in self.cache:
                self.synthesize(text)
                made += 1
        return made

    def wait_warm(self) -> None:
        """Block until queued warm work is done (tests and the bench)."""
        self._warm_queue.join()

    def close(self) -> None:
        """Stop warming and wait for the sentence in progress: native inference threads must not
        still be running when the interpreter shuts down."""
        self._closed.set()
        while True:
            try:
                self._warm_queue.get_nowait()
                self._warm_queue.task_done()
            except queue.Empty:
                break
        if self._warmer is not None:
            self._warmer.join()
        super().close()

    def _warm_loop(self) -> None:
        lower_this_thread()
        while not self._closed.is_set():
            try:
                text = self._warm_queue.get(timeout=0.5)
            except queue.Empty:
                if self._warm_queue.unfinished_tasks == 0:
                    return
                continue
            try:
                if not self._closed.is_set() and cache_key(self.identity, text) not in self.cache:
                    with speech_priority(WARM):  # the show's own sentences always go first
                        self.synthesize(text)
            except SynthesisInterrupted:
                pass  # the show's own sentences came first; it asks for this text again when it is near
            except Exception as exc:  # warming is best effort; the show synthesizes on demand
                log.warning("cache warm failed for %r: %s", text[:40], exc)
            finally:
                self._warm_queue.task_done()
