"""Process memory settings for a show that runs for days.

glibc gives every thread that allocates its own malloc arena (up to 8 per core) and keeps freed
memory in each one. The show hands audio between many short-lived worker threads (synthesis,
cache warming, encoding), so a long run slowly spreads fragmented free memory over all of them.
Two arenas are plenty for two cores.

glibc also raises its mmap threshold each time a large block it mapped is freed (up to 32 MB),
after which blocks of that size, video frames (2.7 MB) and sentence audio, are carved from the
heap instead, and the heap keeps the high-water mark of every burst. A fixed threshold keeps
large blocks in mappings of their own that go back to the system when freed.

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
from dataclasses import dataclass

log = logging.getLogger("livehost.memory")
_M_ARENA_MAX = -8  # from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
ARENAS = 2
MMAP_THRESHOLD = 1 << 20


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; call before the show starts its threads. False where not glibc."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, arenas))


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Serve every allocation of `threshold` bytes or more with its own mapping, returned to the
    system when freed; call before the show starts its threads. False where not glibc."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_MMAP_THRESHOLD, threshold))


def _glibc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt  # noqa: B018 - not glibc (musl, macOS) when missing
        return libc
    except (OSError, AttributeError):
        log.debug("mallopt is not available; malloc left as it is")
        return None


def freeze_startup_objects() -> int:
    """Exclude every object alive now (models, catalog, persona) from cyclic garbage collection;
    call once the show is built, just before it goes live. Returns how many were frozen."""
    gc.collect()  # what is garbage already is not frozen
    gc.freeze()
    return gc.get_freeze_count()


@dataclass(frozen=True)
class ResidentMemory:
    """Where a process's resident memory is, in MB: glibc's main heap, anonymous mappings (thread
    arenas, onnxruntime's region, numpy's large buffers), files (code, models mapped read-only),
    and the largest anonymous mappings by their start address, to tell which one grew."""
    heap_mb: float
    anonymous_mb: float
    file_mb: float
    largest_anonymous: dict[str, float]


def resident_memory(smaps: str | None = None, largest: int = 5) -> ResidentMemory | None:
    """Parse /proc/self/smaps (or the text given); None where there is none (not Linux)."""
    if smaps is None:
        try:
            with open("/proc/self/smaps", encoding="ascii", errors="replace") as file:
                smaps = file.read()
        except OSError:
            return None
    heap = anonymous = files = 0
    anonymous_maps: dict[str, int] = {}
    name = start = ""
    for line in smaps.splitlines():
        fields = line.split()
        if not fields:
            continue
        if "-" in fields[0] and not fields[0].endswith(":"):  # a mapping's header line
            start = fields[0].split("-")[0]
            name = fields[5] if len(fields) > 5 else ""
        elif fields[0] == "Rss:":
            kb = int(fields[1])
            if name == "[heap]":
                heap += kb
            elif name.startswith("/"):
                files += kb
            elif name == "":
                anonymous += kb
                anonymous_maps[start] = kb
    top = sorted(anonymous_maps.items(), key=lambda item: item[1], reverse=True)[:largest]
    return ResidentMemory(round(heap / 1024, 1), round(anonymous / 1024, 1), round(files / 1024, 1),
                          {address: round(kb / 1024, 1) for address, kb in top})
