"""A persona bundle: style for script/, voice for speech/, appearance for avatar/, and for a real
person's likeness the consent record that allows it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from avatar.assets import AssetError
from avatar.factory import FrameRenderer, make_renderer
from avatar.scene import Appearance
from script.bounded_input import JsonLimitError, load_yaml
from script.persona import PersonaStyle
from speech.voice import VoiceSettings

PERSONAS_DIR = Path(__file__).resolve().parent.parent / "personas"
CONSENT_FIELDS = ("subject", "granted_by", "date", "purpose")


class PersonaError(ValueError):
    pass


@dataclass(frozen=True)
class Consent:
    """Who appears, who agreed, when, and for what (plus the signed document, when kept beside it)."""

    subject: str
    granted_by: str
    date: dt.date
    purpose: str
    document: str | None = None

    @classmethod
    def from_dict(cls, data: Any, folder: Path) -> "Consent":
        if not isinstance(data, dict):
            raise ValueError("consent: must be a mapping with " + ", ".join(CONSENT_FIELDS))
        missing = [f for f in CONSENT_FIELDS if not str(data.get(f) or "").strip()]
        if missing:
            raise ValueError(f"consent.{missing[0]}: missing (a consent record needs {', '.join(CONSENT_FIELDS)})")
        date = data["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date.strip())
            except ValueError:
                raise ValueError(f"consent.date: not a date (YYYY-MM-DD): {date!r}") from None
        if isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            raise ValueError(f"consent.date: not a date (YYYY-MM-DD): {date!r}")
        document = data.get("document")
        if document is not None:
            doc = Path(str(document))
            doc = doc if doc.is_absolute() else folder / doc
            if not doc.is_file():
                raise ValueError(f"consent.document: {doc} not found")
            document = str(doc)
        return cls(str(data["subject"]).strip(), str(data["granted_by"]).strip(), date,
                   str(data["purpose"]).strip(), document)


@dataclass(frozen=True)
class PersonaBundle:
    persona_id: str
    style: PersonaStyle
    voice: VoiceSettings
    appearance: Appearance
    categories: tuple[str, ...]
    consent: Consent | None = None


@dataclass(frozen=True)
class PreparedPersona:
    """A persona whose renderer is fully built: swapping it in cannot fail any more."""

    bundle: PersonaBundle
    renderer: FrameRenderer


def shipped_personas(personas_dir: Path = PERSONAS_DIR) -> list[str]:
    """The persona ids an operator may switch to from the console."""
    if not personas_dir.is_dir():
        return []
    return sorted(p.name for p in personas_dir.iterdir() if (p / "persona.yaml").is_file())


def load_persona(name_or_path: str | Path, personas_dir: Path = PERSONAS_DIR) -> PersonaBundle:
    """Load `personas/<id>/persona.yaml` by id, or a bundle folder given as a path.
    A real likeness (appearance.mode photo or video) needs its consent record and its file."""
    folder = Path(name_or_path)
    if not folder.is_dir():
        folder = personas_dir / str(name_or_path)
    path = folder / "persona.yaml"
    if not path.is_file():
        available = shipped_personas(personas_dir)
        raise PersonaError(f"persona {name_or_path!r}: no {path}; available: {', '.join(available) or 'none'}")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, JsonLimitError) as exc:
        raise PersonaError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise PersonaError(f"{path}: must be a mapping")
    persona_id = str(data.get("id") or folder.name)[:100]
    for key, kind, name in (("voice", dict, "a mapping"), ("appearance", dict, "a mapping"),
                            ("consent", dict, "a mapping"), ("categories", list, "a list of category names")):
        if data.get(key) is not None and not isinstance(data[key], kind):
            raise PersonaError(f"{path}: {key}: must be {name}, got {type(data[key]).__name__}")
    for key in ("appearance", "voice", "consent", "style"):
        if isinstance(data.get(key), dict) and not all(isinstance(k, str) for k in data[key]):
            raise PersonaError(f"{path}: {key}: every field name must be text")
    try:
        appearance = Appearance.from_dict(data.get("appearance") or {}, folder)
        voice = VoiceSettings.from_dict(data.get("voice"), f"{path}", folder)
        consent = None
        if appearance.mode != "drawn" or voice.needs_consent:
            if not data.get("consent"):
                what = (f"appearance.mode {appearance.mode!r} shows a real person's likeness ({appearance.portrait})"
                        if appearance.mode != "drawn" else
                        f"voice.style_file ({voice.style.file}) may be a real person's voice")
                raise ValueError(f"consent: {what}; the persona needs a consent record "
                                 f"({', '.join(CONSENT_FIELDS)}) and will not start without one")
            consent = Consent.from_dict(data["consent"], folder)
        if appearance.portrait and not Path(appearance.portrait).is_file():
            raise ValueError(f"appearance.portrait: {appearance.portrait}: file not found")
        if appearance.mode != "drawn":
            from avatar.likeness import check_likeness  # OpenCV and the face model: photo personas only
            check_likeness(appearance)  # decoded and the face found now, not when it goes on air
        if appearance.background_image and not Path(appearance.background_image).is_file():
            raise ValueError(f"appearance.background_image: {appearance.background_image}: file not found")
        return PersonaBundle(
            persona_id=persona_id,
            style=PersonaStyle.from_dict(persona_id, data),
            voice=voice,
            appearance=appearance,
            categories=tuple(data.get("categories") or ()),
            consent=consent,
        )
    except (ValueError, OSError) as exc:  # AssetError included; OSError: a path the system refuses
        raise PersonaError(f"{path}: {exc}") from None
    except (TypeError, AttributeError, RuntimeError) as exc:  # a value of a shape no check above foresaw
        raise PersonaError(f"{path}: a field has the wrong kind of value: {exc}") from None


def prepare_persona(name_or_path: str | Path, size: tuple[int, int] = (1280, 720),
                    personas_dir: Path = PERSONAS_DIR) -> PreparedPersona:
    """Load a persona and build its renderer (decoding its images or clip, finding the face) before
    anything is swapped: on PersonaError the running show simply keeps its current persona."""
    bundle = load_persona(name_or_path, personas_dir)
    try:
        renderer = make_renderer(bundle.appearance, *size)
    except AssetError as exc:
        raise PersonaError(f"persona {bundle.persona_id!r}: {exc}") from None
    return PreparedPersona(bundle, renderer)
