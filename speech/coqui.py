"""A merchant's own Coqui TTS voice, loaded from a local model folder.

coqui-tts 0.28 needs numpy 2, protobuf 7 and a torch/torchaudio pair that the show's pins
(numpy 1.26 for mediapipe, protobuf 4.25) cannot share, so the model runs in its own virtualenv
as a subprocess worker (speech/coqui_worker.py) speaking JSON lines. See README, "Optional: your
own Coqui voice". Timings are the VITS model's own per-character durations.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import re
import select
import subprocess
import threading
from pathlib import Path

import numpy as np

from .normalize import normalize_for_speech
from .resample import rescale_sample, resample_to_show_rate
from .types import PhonemeTiming, SpeechEngineError, Utterance, WordTiming

log = logging.getLogger("livehost.speech.coqui")
REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "coqui_worker.py"
PYTHON_ENV = "LIVEHOST_COQUI_PYTHON"
LOAD_TIMEOUT_S = 300.0
SYNTH_TIMEOUT_S = 120.0
# Architectures whose released weights carry non-commercial licences (Coqui Public Model Licence,
# CC BY-NC): a clone or fine-tune of them inherits the restriction.
NON_COMMERCIAL_MODELS = frozenset({"xtts", "tortoise", "bark"})
_NON_COMMERCIAL_TEXT = re.compile(r"non[- ]?commercial|\bCPML\b|Coqui Public Model License|CC[- ]BY[- ]NC", re.I)
_VOWEL_LETTERS = frozenset("aeiouyAEIOUY")


def coqui_python() -> Path:
    return Path(os.environ.get(PYTHON_ENV) or REPO / ".venv-coqui" / "bin" / "python")


def licence_notice(model_dir: Path) -> str | None:
    """A warning for the merchant when the model's licence forbids commercial use, else None."""
    reasons = []
    config = model_dir / "config.json"
    if config.is_file():
        try:
            model = str(json.loads(config.read_text(encoding="utf-8")).get("model", "")).lower()
        except (OSError, ValueError):
            model = ""
        if model in NON_COMMERCIAL_MODELS:
            reasons.append(f"it is a {model} model, whose base weights are licensed for non-commercial use only")
    for path in sorted(model_dir.glob("*")):
        if path.is_file() and path.suffix.lower() in {"", ".txt", ".md"} and path.stat().st_size < 1_000_000:
            if _NON_COMMERCIAL_TEXT.search(path.read_text(encoding="utf-8", errors="replace")):
                reasons.append(f"{path.name} names a non-commercial licence")
    if not reasons:
        return None
    return (f"Coqui voice {model_dir}: {'; '.join(reasons)}. A live-commerce stream is commercial use: "
            "check the licence (or use a voice you trained from scratch with consent) before going live.")


class CoquiEngine:
    name = "coqui"

    def __init__(self, model_dir: Path, speed: float = 1.0, python: Path | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.voice = str(model_dir)
        self.speed = speed
        self._python = python
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self.licence_notice: str | None = None

    def load(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        if not (self.model_dir / "config.json").is_file():
            raise SpeechEngineError(f"Coqui voice: {self.model_dir} has no config.json (expected a trained model folder)")
        self.licence_notice = licence_notice(self.model_dir)
        if self.licence_notice:
            log.warning(self.licence_notice)
        python = self._python or coqui_python()
        if not python.exists():
            raise SpeechEngineError(f"Coqui voice: no Coqui environment at {python}; create it as the README says "
                                    f"(Optional: your own Coqui voice) or set {PYTHON_ENV}")
        self._process = subprocess.Popen([str(python), "-P", str(WORKER), "serve", str(self.model_dir)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         text=True, encoding="utf-8", bufsize=1)
        ready = self._read(LOAD_TIMEOUT_S)
        if not ready.get("ok"):
            self.close()
            raise SpeechEngineError(f"Coqui voice {self.model_dir} failed to load: {ready.get('error')}")

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def _read(self, timeout: float) -> dict:
        process = self._process
        assert process is not None and process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        line = process.stdout.readline() if ready else ""
        if not line:
            code = process.poll()
            raise SpeechEngineError(f"Coqui worker {'exited with ' + str(code) if code is not None else 'timed out'}")
        return json.loads(line)

    def synthesize(self, text: str) -> Utterance:
        if self._process is None or self._process.poll() is not None:
            self.load()
        spoken = normalize_for_speech(text)
        if not spoken.strip():
            return Utterance(text, spoken, np.zeros(0, dtype=np.int16), (), (), self.voice)
        with self._lock:
            assert self._process is not None and self._process.stdin is not None
            self._process.stdin.write(json.dumps({"text": spoken, "speed": self.speed}, ensure_ascii=False) + "\n")
            self._process.stdin.flush()
            reply = self._read(SYNTH_TIMEOUT_S)
        if not reply.get("ok"):
            raise SpeechEngineError(f"Coqui voice failed on {spoken[:40]!r}: {reply.get('error')}")
        rate = int(reply["sample_rate"])
        pcm = np.frombuffer(base64.b64decode(reply["pcm"]), dtype="<i2").astype(np.int16)
        words, phonemes = self._timings([(str(u[0]), int(u[1])) for u in reply["units"]], rate)
        return Utterance(text, spoken, resample_to_show_rate(pcm, rate), words, phonemes, self.voice)

    @staticmethod
    def _timings(units: list[tuple[str, int]], rate: int) -> tuple[tuple[WordTiming, ...], tuple[PhonemeTiming, ...]]:
        """Each Chinese character is a word (one syllable, mouth open); Latin runs are one word."""
        words: list[WordTiming] = []
        phonemes: list[PhonemeTiming] = []
        position = 0
        latin: list[int] = []  # start, in rate samples, of a running Latin word
        latin_text = ""
        for label, length in units:
            start, end = rescale_sample(position, rate), rescale_sample(position + length, rate)
            position += length
            is_latin = label.isascii() and label.isalnum()
            if latin and not is_latin:
                words.append(WordTiming(latin_text, latin[0], start))
                latin, latin_text = [], ""
            if end <= start:
                continue
            if "\u4e00" <= label <= "\u9fff":
                words.append(WordTiming(label, start, end))
                phonemes.append(PhonemeTiming(label, start, end, True))
            elif is_latin:
                latin = latin or [start]
                latin_text += label
                phonemes.append(PhonemeTiming(label, start, end, label in _VOWEL_LETTERS))
            else:
                phonemes.append(PhonemeTiming("_", start, end, False))
        if latin:
            words.append(WordTiming(latin_text, latin[0], rescale_sample(position, rate)))
        return tuple(words), tuple(phonemes)
