"""The answerer a show or a replay uses: the catalog's fact index, with e5 embeddings when the
model loads (their vectors cached on disk, so a restart does not embed the catalog again)."""
from __future__ import annotations

import os
from pathlib import Path

from script.answers import Answerer
from script.catalog import Catalog

from .embeddings import load_embedder

EMBEDDINGS_CACHE = Path(os.environ.get("LIVEHOST_CACHE", Path.home() / ".cache" / "livehost")) / "e5"


def make_answerer(catalog: Catalog, embeddings: bool = True, cache_dir: Path | None = EMBEDDINGS_CACHE) -> Answerer:
    embedder = load_embedder(cache_dir) if embeddings else None
    return Answerer.build(catalog, embedder)
