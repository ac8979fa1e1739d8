"""Per-persona voice settings and the engine stack they select.

make_engine builds: chosen engine -> loudness normalisation -> (optional) disk cache, wrapped
in a fallback to espeak-ng so a failing engine never silences the show.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from .cache import DEFAULT_MAX_BYTES, CachedEngine, SynthesisCache
from .espeak import EspeakEngine
from .fallback import FallbackEngine
from .kokoro import KokoroEngine
from .kokoro_styles import VOICES as KOKORO_VOICES
from .kokoro_styles import StyleSpec
from .loudness import TARGET_LUFS, LoudnessNormalizedEngine
from .types import SpeechEngine
from .voice_packs import FIX, MANDARIN_VOICES, missing_or_corrupt

ENGINES = ("kokoro", "espeak", "coqui")
DEFAULT_VOICES = {"kokoro": "zf_xiaoxiao", "espeak": "cmn", "coqui": ""}
_KEYS = frozenset({"engine", "voice", "speed", "mix", "style_file"})


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "kokoro"
    voice: str = "zf_xiaoxiao"  # Kokoro style id (or a blend's label), espeak voice name, or a Coqui model folder
    speed: float = 1.0
    style: StyleSpec | None = None  # Kokoro only: a blend of styles or the persona's own style file

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, where: str, folder: Path | None = None) -> "VoiceSettings":
        """`folder`: the persona's folder, which a relative `style_file` is read from."""
        data = data or {}
        unknown = sorted(str(k) for k in data if k not in _KEYS)
        if unknown:
            raise ValueError(f"{where}: voice.{unknown[0]}: unknown field; allowed: {', '.join(sorted(_KEYS))}")
        engine = str(data.get("engine", "kokoro"))
        if engine not in ENGINES:
            raise ValueError(f"{where}: voice.engine: unknown {engine!r}; available: {', '.join(ENGINES)}")
        speed = data.get("speed", 1.0)
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.5 <= speed <= 2.0:
            raise ValueError(f"{where}: voice.speed: must be a number in 0.5..2.0, got {speed!r}")
        chosen = [k for k in ("voice", "mix", "style_file") if data.get(k) is not None]
        if len(chosen) > 1:
            raise ValueError(f"{where}: voice: give one of voice, mix or style_file, not {' and '.join(chosen)}")
        if chosen and chosen[0] != "voice" and engine != "kokoro":
            raise ValueError(f"{where}: voice.{chosen[0]}: only the kokoro engine blends styles or reads style files")
        style = None
        try:
            if data.get("mix") is not None:
                style = StyleSpec.blend(data["mix"])
            elif data.get("style_file") is not None:
                path = Path(str(data["style_file"]))
                style = StyleSpec.from_file(path if path.is_absolute() or folder is None else folder / path)
        except (ValueError, RuntimeError) as exc:
            message = str(exc)
            raise ValueError(f"{where}: {message if message.startswith('voice.') else 'voice.style_file: ' + message}"
                             ) from None
        voice = style.label if style else str(data.get("voice", DEFAULT_VOICES[engine]))
        if engine == "kokoro" and style is None and voice not in KOKORO_VOICES:
            raise ValueError(f"{where}: voice.voice: Kokoro has no voice {voice!r}; available: "
                             f"{', '.join(KOKORO_VOICES)}")
        if engine == "coqui" and not voice:
            raise ValueError(f"{where}: voice.voice: a Coqui voice needs the folder of the trained model")
        return cls(engine=engine, voice=voice, speed=float(speed), style=style)

    @property
    def needs_consent(self) -> bool:
        """A style file of the persona's own may be a real person's voice."""
        return self.style is not None and self.style.file is not None

    @property
    def identity(self) -> str:
        """The voice as the synthesis cache keys it: a blend by its weights, a style file by its hash."""
        return self.style.identity if self.style is not None else self.voice

    def with_engine(self, engine: str) -> "VoiceSettings":
        """Same speed on another engine with its default voice (tests use espeak for speed)."""
        return VoiceSettings(engine, DEFAULT_VOICES[engine], self.speed)

    def with_speed(self, speed: float) -> "VoiceSettings":
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.5 <= speed <= 2.0:
            raise ValueError(f"voice.speed: must be a number in 0.5..2.0, got {speed!r}")
        return replace(self, speed=float(speed))


def voice_problems(settings: VoiceSettings) -> list[str]:
    """Installed voice files these settings need that are missing or corrupt, each with the fix;
    checked before a show or `say` starts, so the set-up step is named instead of a fallback voice."""
    if settings.engine != "kokoro":
        return []
    mix = settings.style.mix if settings.style is not None else ((settings.voice, 1.0),)
    names = tuple(v for v, _ in mix if v in MANDARIN_VOICES)
    if not names:
        return []
    return [f"{problem}; fix: {FIX}" for problem in missing_or_corrupt(names=names)]


def base_engine(settings: VoiceSettings, reserve_memory: bool = False, background: bool = True) -> SpeechEngine:
    """The bare engine for these settings, without loudness, cache or fallback. `reserve_memory`:
    a live show takes the model's full working memory at load; `background`: the model's threads
    run below the frames' priority (see KokoroEngine)."""
    if settings.engine == "kokoro":
        return KokoroEngine(voice=settings.voice, speed=settings.speed, reserve_memory=reserve_memory,
                            style=settings.style, background=background)
    if settings.engine == "coqui":
        from .coqui import CoquiEngine
        return CoquiEngine(model_dir=Path(settings.voice), speed=settings.speed)
    return EspeakEngine(voice=settings.voice, speed=settings.speed)


def _finished(engine: SpeechEngine, settings: VoiceSettings, cache: SynthesisCache | None,
              target_lufs: float) -> SpeechEngine:
    engine = LoudnessNormalizedEngine(engine, target_lufs)
    if cache is None:
        return engine
    revision = getattr(engine.inner, "revision", "")  # an engine whose output changed gets new keys
    identity = f"{settings.engine}|{settings.identity}|{settings.speed:g}|{target_lufs:g}LUFS|{revision}"
    return CachedEngine(engine, cache, identity)


def make_engine(settings: VoiceSettings, cache_dir: Path | None = None, max_cache_bytes: int = DEFAULT_MAX_BYTES,
                target_lufs: float = TARGET_LUFS, fallback: bool = True, reserve_memory: bool = False,
                background: bool = True) -> SpeechEngine:
    """The engine the show talks through. Construction is cheap; call load() before the show.

    cache_dir=None keeps no disk cache (tests); the CLI passes speech.cache.default_tts_cache_dir().
    """
    cache = SynthesisCache(cache_dir, max_cache_bytes) if cache_dir is not None else None
    primary = _finished(base_engine(settings, reserve_memory, background), settings, cache, target_lufs)
    if settings.engine == "espeak" or not fallback:
        return primary
    espeak = VoiceSettings("espeak", DEFAULT_VOICES["espeak"], settings.speed)
    return FallbackEngine(primary, _finished(base_engine(espeak), espeak, cache, target_lufs))
