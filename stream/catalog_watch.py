"""Reload the catalog file while the show is live: a fixed price or a sold-out item airs from
the next line on. A broken edit is refused with every problem listed, and the show keeps the
catalog it has. What the show gets is an edit (stream.catalog_edits.file_saved): what changed in
the file since it was last read, so a change made from the console meanwhile and not touched in
the file stays."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable

from script.catalog import Catalog, CatalogError

from .catalog_edits import file_saved
from .catalog_file import load_catalog_file, log_warnings
from .inbox import CatalogEdit

log = logging.getLogger("livehost.catalog")


class CatalogWatcher:
    def __init__(self, path: str | Path, on_edit: Callable[[CatalogEdit], object],
                 loaded: Catalog | None = None) -> None:
        """`loaded`: the catalog the show started from, as read from this file."""
        self._path = Path(path)
        self._on_edit = on_edit
        self._digest = self._read_digest()
        self._last = loaded
        self.last_error: str | None = None

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self._path.read_bytes()).hexdigest()
        except OSError:
            return None

    def poll(self) -> Catalog | None:
        """Check the file once; hand a changed, valid catalog to `on_edit` (as an edit) and return it."""
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
        log_warnings(catalog)
        edit, self._last = file_saved(self._last, catalog), catalog
        self._on_edit(edit)
        return catalog
