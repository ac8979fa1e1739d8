"""Reload the catalog file while the show is live: a fixed price or a sold-out item airs from
the next line on. A broken edit is refused with every problem listed, and the show keeps the
catalog it has."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable

from script.catalog import Catalog, CatalogError

from .catalog_file import load_catalog_file

log = logging.getLogger("livehost.catalog")


class CatalogWatcher:
    def __init__(self, path: str | Path, on_change: Callable[[Catalog], None]) -> None:
        self._path = Path(path)
        self._on_change = on_change
        self._digest = self._read_digest()
        self.last_error: str | None = None

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self._path.read_bytes()).hexdigest()
        except OSError:
            return None

    def poll(self) -> Catalog | None:
        """Check the file once; hand a changed, valid catalog to `on_change` and return it."""
        digest = self._read_digest()
        if digest is None or digest == self._digest:
            return None  # unchanged, or mid-save (an editor may replace the file): look again next time
        self._digest = digest
        try:
            catalog = load_catalog_file(self._path)
        except CatalogError as exc:
            self.last_error = str(exc)
            log.error("catalog edit refused, the show keeps the previous catalog: %s", exc)
            return None
        self.last_error = None
        log.info("catalog reloaded from %s: %d products", self._path, len(catalog.products))
        self._on_change(catalog)
        return catalog
