"""Making an anonymous region resident at once (speech/prefault.py), on a real mapping."""
import ctypes
import mmap

from conftest import resident_bytes
from speech.prefault import anonymous_mappings, make_resident

SIZE = 8 * 2**20


def private_region(size: int) -> tuple[mmap.mmap, int]:
    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    first = ctypes.c_char.from_buffer(region)
    start = ctypes.addressof(first)
    del first  # the region can be closed again
    return region, start


def test_a_region_is_made_resident_without_changing_what_is_in_it():
    region, start = private_region(SIZE)
    try:
        region[4096 * 3] = 7  # one page touched and written
        assert (start, SIZE) in anonymous_mappings()
        assert resident_bytes(start) <= 4 * 4096
        assert make_resident(start, SIZE)
        assert resident_bytes(start) == SIZE
        assert region[4096 * 3] == 7 and region[0] == 0 and region[SIZE - 1] == 0
    finally:
        region.close()


def test_an_unmapped_range_is_refused_not_crashed():
    region, start = private_region(mmap.PAGESIZE)
    region.close()
    assert make_resident(start, mmap.PAGESIZE) is False


def test_anonymous_mappings_are_told_from_files_and_named_mappings():
    maps = """\
7f0000000000-7f0000100000 rw-p 00000000 00:00 0 
7f0000100000-7f0000200000 r--p 00000000 08:01 1234 /usr/lib/libc.so.6
7f0000200000-7f0000300000 rw-p 00000000 00:00 0 [heap]
7f0000300000-7f0000400000 rw-p 00000000 00:00 0 [anon:onnx]
"""
    assert anonymous_mappings(maps) == {(0x7F0000000000, 0x100000), (0x7F0000300000, 0x100000)}
