"""Make an anonymous memory region resident now instead of page by page as it is first used.

onnxruntime's arena for Kokoro is one 512 MB region, virtual until touched. Sentences of
different lengths leave its best-fit allocator's blocks at different offsets, so the pages ever
touched, and with them the show's RSS, kept creeping for as long as the show ran (+51 MB in one
step 22 minutes into a 30-minute soak). Faulting the whole region in at load turns that creep
into a fixed cost paid once, before the show goes on air. Linux only (MADV_POPULATE_WRITE,
5.14+); elsewhere nothing is done and the region is touched as it is used.
"""
from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)
MADV_POPULATE_WRITE = 23  # prefault pages writable without changing what is in them


def anonymous_mappings(maps: str | None = None) -> set[tuple[int, int]]:
    """(start address, size in bytes) of every anonymous mapping of this process."""
    if maps is None:
        try:
            with open("/proc/self/maps", encoding="ascii", errors="replace") as file:
                maps = file.read()
        except OSError:
            return set()
    found = set()
    for line in maps.splitlines():
        fields = line.split()
        if len(fields) == 5 or (len(fields) >= 6 and fields[5].startswith("[anon")):
            start, end = (int(address, 16) for address in fields[0].split("-"))
            found.add((start, end - start))
    return found


def make_resident(start: int, size: int) -> bool:
    """Fault in every page of [start, start + size); False (logged) where the kernel cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError):
        return False
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    if madvise(start, size, MADV_POPULATE_WRITE) != 0:
        log.warning("memory region at %#x (%d MB) not made resident: errno %d", start, size >> 20,
                    ctypes.get_errno())
        return False
    return True
