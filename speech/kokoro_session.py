"""Kokoro's onnxruntime sessions, shared across personas, and the one memory arena they use.

The arena is a single 512 MB region registered for the process; a live engine reserves it at
load (one chunk of the largest size, then the whole region made resident), so the show's memory
is at its ceiling before it goes on air.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from .kokoro_model import OptimisedModel
from .prefault import anonymous_mappings, make_resident
from .thread_priority import call_at_background_priority

log = logging.getLogger("livehost.speech.kokoro")

_sessions: dict[tuple[str, int, bool], object] = {}
_sessions_lock = threading.Lock()
_reserved: set[int] = set()  # sessions whose working memory was taken at load
ARENA_BYTES = 512 * 2**20
_arena_registered = False
_mappings_before_arena: set[tuple[int, int]] = set()  # to tell the arena's region from all others


def _register_arena(ort) -> bool:
    """One onnxruntime CPU arena for the process that starts as a single 512 MB region (virtual
    until touched) and so never has to extend. The default arena grows by extensions that
    fragment as sentence lengths vary: measured over 60 rundown sentences it kept creeping
    (+16 MB after the first ten); this one settles after the first ten (+1 MB)."""
    global _arena_registered, _mappings_before_arena
    if not _arena_registered:
        _mappings_before_arena = anonymous_mappings()
        try:
            memory = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
            ort.create_and_register_allocator(memory, ort.OrtArenaCfg({"arena_extend_strategy": 0,
                                                                       "initial_chunk_size_bytes": ARENA_BYTES}))
            _arena_registered = True
        except Exception as exc:  # an onnxruntime without it: each session keeps its own arena
            log.warning("Kokoro keeps onnxruntime's default memory arena: %s", exc)
    return _arena_registered


def shared_session(path: Path, threads: int, background: bool = True):
    """One onnxruntime session per model and thread count: personas share the 300 MB model.
    `background`: its pool threads run at background priority (they inherit it from the thread
    that builds the session)."""
    import onnxruntime as ort

    with _sessions_lock:
        key = (str(path), threads, background)
        if key not in _sessions:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.log_severity_level = 3
            # onnxruntime's arena reuses the decoder's large buffers (without it glibc kept GBs
            # fragmented across threads). load() runs the longest chunk once, so the arena is at its
            # ceiling before the show starts instead of creeping up as longer sentences come by.
            if _register_arena(ort):
                options.add_session_config_entry("session.use_env_allocators", "1")
            # Idle pool threads sleep instead of spinning: spinning took 18% more CPU from the
            # frame path and made synthesis no faster (9 sentences: 125 s CPU against 103 s).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            optimised = OptimisedModel(path, ort.__version__)
            if optimised.current():
                source, scratch = optimised.path, None
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            else:
                # EXTENDED, not ALL: ALL adds layouts tied to this CPU, which onnxruntime says not to save.
                source, scratch = path, optimised.scratch_path()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
                options.optimized_model_filepath = str(scratch)
            def build():
                return ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])

            _sessions[key] = call_at_background_priority(build) if background else build()
            if scratch is not None:
                optimised.publish(scratch)
        return _sessions[key]


def arena_region() -> tuple[int, int] | None:
    """(start, size) of the arena's region, once an inference has made it; None before, or when
    it cannot be told apart from other mappings."""
    if not _arena_registered:
        return None
    regions = [(start, size) for start, size in anonymous_mappings() - _mappings_before_arena
               if ARENA_BYTES <= size <= ARENA_BYTES * 1.1]
    return regions[0] if len(regions) == 1 else None


def make_arena_resident() -> bool:
    """Fault in the whole arena region now (see speech/prefault.py): the reservation chunk touches
    about half of it, and sentences of other lengths would touch the rest over hours."""
    region = arena_region()
    if region is None:
        log.info("Kokoro's arena region not found; it becomes resident as it is used")
        return False
    return make_resident(*region)


def claim_reservation(session: object) -> bool:
    """True the first time for `session`: its caller takes the working memory, nobody else does."""
    with _sessions_lock:
        if id(session) in _reserved:
            return False
        _reserved.add(id(session))
        return True
