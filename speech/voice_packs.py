"""Kokoro voice styles that do not ship on PyPI: fetched once at set-up, checked, kept on disk.

The Mandarin styles of Kokoro-82M v1.0 come from the npm package kokoro-js (Apache-2.0), pinned
with the sha256 of its tarball and of every voice file we use, so a changed upstream file is
refused rather than spoken. Set-up (`livehost voices install`, run by ./dev) downloads it with
`npm pack`; the show and the tests only read the files and never download.

A style file is raw little-endian float32 [510, 1, 256]: one 256-dim style vector per token count.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KOKORO_JS = "kokoro-js@1.2.1"
TARBALL_NAME = "kokoro-js-1.2.1.tgz"
TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"
LICENSE_SHA256 = "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4"
LICENSE_FILE = "LICENSE.kokoro-js"  # Apache-2.0 notice kept beside the voices it covers
VOICES_ENV = "LIVEHOST_VOICES"
STYLE_SHAPE = (510, 1, 256)
STYLE_BYTES = 510 * 256 * 4
FIX = "livehost voices install  (./dev show and ./dev test run it)"

# sha256 of each file in kokoro-js 1.2.1's package/voices/, computed from the registry's tarball.
VOICE_SHA256 = {
    "zf_xiaobei": "5dde6e1c9c4f12c8b327bc29c0cee361a23b52b952c04636858ba637ec66e640",
    "zf_xiaoni": "08892b62a39af0a615cd0581238db7e19e44c578e8fa0bfd0e586e93327d9cba",
    "zf_xiaoxiao": "03adb5d5e3ddd88b047954e974e651cb0a4b524c985057e5d872e962c7be1169",
    "zf_xiaoyi": "bc1555c5c486099196ac254bae5e0bb543c121952a3092f50b7d8724f1bc36b3",
    "zm_yunjian": "de48a00bdbf3649f07162269a2b6e0513604389bfac8a2e6c75cb34b323ad6fa",
    "zm_yunxi": "7243892fb4e560d47014090ddf010f8b8b790f3c6b029ff82b2ac06aa4e27c8b",
    "zm_yunxia": "6b2b8fc15b3df19a368daebe5c581c7fabf433ee5b8a17ffd6b3d723cff8936d",
    "zm_yunyang": "261e2c89470534dbbcb8fd98b8fdc495ec94063d9bb6c8277f7be43cccba3f42",
}
MANDARIN_VOICES = tuple(VOICE_SHA256)


class VoicePackError(RuntimeError):
    pass


@dataclass(frozen=True)
class InstallReport:
    directory: Path
    installed: tuple[str, ...]  # files written this time
    kept: tuple[str, ...]  # files already present and verified
    downloaded: bool


def voices_dir(directory: str | Path | None = None) -> Path:
    """Where the voice files live: the given folder, else $LIVEHOST_VOICES, else the user cache."""
    if directory:
        return Path(directory).expanduser()
    if os.environ.get(VOICES_ENV):
        return Path(os.environ[VOICES_ENV]).expanduser()
    from .kokoro_model import default_cache_dir
    return default_cache_dir() / "voices"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def style_from_bytes(data: bytes, where: str) -> np.ndarray:
    """A raw float32 [510,1,256] style, refused by name when it is the wrong size or not finite."""
    if len(data) != STYLE_BYTES:
        raise VoicePackError(f"{where}: a Kokoro voice style is {STYLE_BYTES} bytes (float32 [510, 1, 256]); "
                             f"this file has {len(data)}")
    return _checked(np.frombuffer(data, dtype="<f4").reshape(STYLE_SHAPE).astype(np.float32), where)


def read_style_file(path: Path) -> np.ndarray:
    """A merchant's own style: raw .bin as kokoro-js ships them, or a .npy of the same shape."""
    try:
        if path.suffix.lower() == ".npy":
            array = np.load(path, allow_pickle=False)
            if array.dtype != np.float32:
                raise VoicePackError(f"{path}: a Kokoro voice style is float32, this one is {array.dtype}")
            if array.shape not in (STYLE_SHAPE, (510, 256)):
                raise VoicePackError(f"{path}: a Kokoro voice style has shape [510, 1, 256], this one "
                                     f"{list(array.shape)}")
            return _checked(array.reshape(STYLE_SHAPE).astype(np.float32), str(path))
        return style_from_bytes(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise VoicePackError(f"{path}: voice style file not found") from None
    except (OSError, ValueError) as exc:
        raise VoicePackError(f"{path}: cannot be read as a Kokoro voice style: {exc}") from None


def _checked(style: np.ndarray, where: str) -> np.ndarray:
    bad = ~np.isfinite(style)
    if bad.any():
        kinds = "NaN" if np.isnan(style).any() else "infinite"
        raise VoicePackError(f"{where}: {int(bad.sum())} {kinds} values; not a usable voice style")
    if not np.abs(style).max() > 0:
        raise VoicePackError(f"{where}: all zeros; not a usable voice style")
    if np.abs(style).max() > 100:
        raise VoicePackError(f"{where}: values up to {np.abs(style).max():.3g}, far outside a Kokoro "
                             f"style's range (about ±3); wrong file or byte order?")
    return style


def mandarin_style(name: str, directory: str | Path | None = None) -> np.ndarray:
    """One installed Mandarin style, checked against its pinned sha256."""
    if name not in VOICE_SHA256:
        raise VoicePackError(f"no Mandarin Kokoro voice {name!r}; available: {', '.join(MANDARIN_VOICES)}")
    path = voices_dir(directory) / f"{name}.bin"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise VoicePackError(f"{path}: Kokoro voice {name} is not installed; fetch it once with: {FIX}") from None
    if sha256_bytes(data) != VOICE_SHA256[name]:
        raise VoicePackError(f"{path}: Kokoro voice {name} is corrupt (sha256 differs from kokoro-js 1.2.1's); "
                             f"fetch it again with: {FIX}")
    return style_from_bytes(data, str(path))


def missing_or_corrupt(directory: str | Path | None = None,
                       names: tuple[str, ...] = MANDARIN_VOICES) -> list[str]:
    """Problems with the installed files, one line each; empty when all are present and intact."""
    folder = voices_dir(directory)
    problems = []
    for name in names:
        path = folder / f"{name}.bin"
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif sha256_file(path) != VOICE_SHA256[name]:
            problems.append(f"{path}: corrupt (sha256 mismatch)")
    if not (folder / LICENSE_FILE).is_file():
        problems.append(f"{folder / LICENSE_FILE}: missing (the Apache-2.0 notice kept with the voices)")
    return problems


def download_tarball(into: Path, npm: str | None = None) -> Path:
    """`npm pack` the pinned kokoro-js into a folder; the registry npm is configured for is used."""
    npm = npm or shutil.which("npm")
    if not npm:
        raise VoicePackError("npm not found: install it (Debian: sudo apt-get install npm; ./dev does this), "
                             f"or download {TARBALL_NAME} elsewhere and run: livehost voices install --from FILE")
    result = subprocess.run([npm, "pack", KOKORO_JS, "--silent"], cwd=into, capture_output=True, text=True,
                            timeout=600)
    tarball = into / TARBALL_NAME
    if result.returncode != 0 or not tarball.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise VoicePackError(f"npm pack {KOKORO_JS} failed ({detail[0]}); on an offline machine copy "
                             f"{TARBALL_NAME} over and run: livehost voices install --from FILE")
    return tarball


def install(directory: str | Path | None = None, tarball: str | Path | None = None,
            names: tuple[str, ...] = MANDARIN_VOICES, npm: str | None = None) -> InstallReport:
    """Make sure every voice in `names` (and the licence) is in the folder and intact.

    Files already there and verified are kept, so set-up runs again cheaply and offline; only
    when something is missing or corrupt is the tarball fetched (or read from `tarball`)."""
    folder = voices_dir(directory)
    unknown = [n for n in names if n not in VOICE_SHA256]
    if unknown:
        raise VoicePackError(f"no pinned Kokoro voice {unknown[0]!r}; available: {', '.join(MANDARIN_VOICES)}")
    wanted = [n for n in names if not ((folder / f"{n}.bin").is_file()
                                       and sha256_file(folder / f"{n}.bin") == VOICE_SHA256[n])]
    need_licence = not (folder / LICENSE_FILE).is_file()
    if not wanted and not need_licence:
        return InstallReport(folder, (), tuple(names), False)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="livehost-voices-") as tmp:
        downloaded = tarball is None
        source = download_tarball(Path(tmp), npm) if tarball is None else Path(tarball)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise VoicePackError(f"{source}: cannot be read: {exc}") from None
        if sha256_bytes(data) != TARBALL_SHA256:
            raise VoicePackError(f"{source}: not the pinned {KOKORO_JS} tarball (sha256 differs); "
                                 f"refusing its voices")
        members = _members(data, [f"package/voices/{n}.bin" for n in wanted] + ["package/LICENSE"], source)
    if sha256_bytes(members["package/LICENSE"]) != LICENSE_SHA256:
        raise VoicePackError(f"{source}: package/LICENSE differs from the pinned one")
    for name in wanted:
        body = members[f"package/voices/{name}.bin"]
        if sha256_bytes(body) != VOICE_SHA256[name]:
            raise VoicePackError(f"{source}: package/voices/{name}.bin: sha256 differs from the pinned one")
        _write(folder / f"{name}.bin", body)
    _write(folder / LICENSE_FILE, members["package/LICENSE"])
    return InstallReport(folder, tuple(wanted), tuple(n for n in names if n not in wanted), downloaded)


def _members(data: bytes, wanted: list[str], source: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive:
                if member.name in wanted and member.isfile():
                    found[member.name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError) as exc:
        raise VoicePackError(f"{source}: not a readable npm tarball: {exc}") from None
    missing = [w for w in wanted if w not in found]
    if missing:
        raise VoicePackError(f"{source}: {missing[0]} not in the package")
    return found


def _write(path: Path, body: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(body)
    tmp.replace(path)
