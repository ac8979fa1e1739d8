"""Process memory settings for a show that runs for days.

glibc gives every thread that allocates its own malloc arena (up to 8 per core) and keeps freed
memory in each one. The show hands audio between many short-lived worker threads (synthesis,
cache warming, encoding), so a long run slowly spreads fragmented free memory over all of them.
Two arenas are plenty for two cores.

Python's cyclic garbage collector stops every thread while it walks all tracked objects: with
the models and catalog loaded that is about 270,000 objects and 75 ms, two frames of the
pacer's and the render stage's time. Objects that exist once the show is set up live as long
as the show, so they are frozen out of collections.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger("livehost.memory")
_M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; call before the show starts its threads. False where not glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        log.debug("mallopt is not available; malloc arenas left as they are")
        return False


def freeze_startup_objects() -> int:
    """Exclude every object alive now (models, catalog, persona) from cyclic garbage collection;
    call once the show is built, just before it goes live. Returns how many were frozen."""
    gc.collect()  # what is garbage already is not frozen
    gc.freeze()
    return gc.get_freeze_count()
