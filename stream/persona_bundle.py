"""A persona bundle: style for script/, voice for speech/, appearance for avatar/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from avatar.scene import Appearance
from script.persona import PersonaStyle
from speech.voice import VoiceSettings

PERSONAS_DIR = Path(__file__).resolve().parent.parent / "personas"


class PersonaError(ValueError):
    pass


@dataclass(frozen=True)
class PersonaBundle:
    persona_id: str
    style: PersonaStyle
    voice: VoiceSettings
    appearance: Appearance
    categories: tuple[str, ...]


def load_persona(name_or_path: str | Path, personas_dir: Path = PERSONAS_DIR) -> PersonaBundle:
    """Load `personas/<id>/persona.yaml` by id, or a bundle folder given as a path."""
    folder = Path(name_or_path)
    if not folder.is_dir():
        folder = personas_dir / str(name_or_path)
    path = folder / "persona.yaml"
    if not path.is_file():
        available = sorted(p.name for p in personas_dir.iterdir() if (p / "persona.yaml").is_file()) \
            if personas_dir.is_dir() else []
        raise PersonaError(f"persona {name_or_path!r}: no {path}; available: {', '.join(available) or 'none'}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PersonaError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise PersonaError(f"{path}: must be a mapping")
    persona_id = str(data.get("id") or folder.name)
    try:
        return PersonaBundle(
            persona_id=persona_id,
            style=PersonaStyle.from_dict(persona_id, data),
            voice=VoiceSettings.from_dict(data.get("voice"), f"{path}"),
            appearance=Appearance.from_dict(data.get("appearance") or {}),
            categories=tuple(data.get("categories") or ()),
        )
    except ValueError as exc:
        raise PersonaError(f"{path}: {exc}") from None
