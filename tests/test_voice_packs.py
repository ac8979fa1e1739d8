"""Mandarin voice styles: set-up acquisition (npm tarball, pinned sha256), validation of style files,
blends, a merchant's own style file behind a consent record, and the cache key. No network: the
npm step runs a stand-in npm that copies a local tarball; the real files are used when set-up ran."""
from __future__ import annotations

import hashlib
import io
import stat
import tarfile
from pathlib import Path

import numpy as np
import pytest

import speech.voice_packs as packs
from speech.cache import CachedEngine
from speech.kokoro_styles import StyleSpec, style_array
from speech.voice import VoiceSettings, make_engine
from speech.voice_packs import STYLE_BYTES, VoicePackError, read_style_file, style_from_bytes

VOICES_INSTALLED = not packs.missing_or_corrupt()
needs_voices = pytest.mark.skipif(not VOICES_INSTALLED, reason="the Mandarin voice styles are not installed: "
                                  "./dev test installs them (or run: livehost voices install)")


def fake_style(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.2, size=(510, 1, 256)).astype("<f4")


@pytest.fixture
def fake_package(tmp_path, monkeypatch) -> Path:
    """A kokoro-js-like tarball with two voices, and the pins pointed at it."""
    bodies = {"zf_xiaoxiao": fake_style(1).tobytes(), "zm_yunjian": fake_style(2).tobytes()}
    licence = b"Apache License 2.0 (test)"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, body in [*((f"package/voices/{n}.bin", b) for n, b in bodies.items()), ("package/LICENSE", licence)]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    tarball = tmp_path / "src" / packs.TARBALL_NAME
    tarball.parent.mkdir()
    tarball.write_bytes(buffer.getvalue())
    monkeypatch.setattr(packs, "TARBALL_SHA256", hashlib.sha256(buffer.getvalue()).hexdigest())
    monkeypatch.setattr(packs, "LICENSE_SHA256", hashlib.sha256(licence).hexdigest())
    monkeypatch.setattr(packs, "VOICE_SHA256", {n: hashlib.sha256(b).hexdigest() for n, b in bodies.items()})
    return tarball


def stand_in_npm(folder: Path, tarball: Path) -> Path:
    """An `npm` that answers `npm pack kokoro-js@1.2.1` with the local tarball and logs its arguments."""
    script = folder / "npm"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {folder}/npm.log\ncp {tarball} .\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


# -- set-up -------------------------------------------------------------------------------------

def test_install_fetches_the_pinned_package_with_npm_pack_and_keeps_the_licence(tmp_path, fake_package):
    npm = stand_in_npm(tmp_path, fake_package)
    dest = tmp_path / "voices"
    report = packs.install(dest, names=("zf_xiaoxiao", "zm_yunjian"), npm=str(npm))
    assert report.downloaded and set(report.installed) == {"zf_xiaoxiao", "zm_yunjian"}
    assert (tmp_path / "npm.log").read_text().split() == ["pack", "kokoro-js@1.2.1", "--silent"]
    assert np.array_equal(packs.mandarin_style("zm_yunjian", dest), fake_style(2))
    assert (dest / packs.LICENSE_FILE).read_bytes().startswith(b"Apache")
    assert packs.missing_or_corrupt(dest, ("zf_xiaoxiao", "zm_yunjian")) == []


def test_install_again_keeps_intact_files_without_fetching(tmp_path, fake_package):
    dest = tmp_path / "voices"
    packs.install(dest, tarball=fake_package, names=("zf_xiaoxiao", "zm_yunjian"))
    report = packs.install(dest, names=("zf_xiaoxiao", "zm_yunjian"), npm="/nonexistent/npm")  # would fail if run
    assert not report.downloaded and report.installed == () and len(report.kept) == 2


def test_install_replaces_a_corrupt_file(tmp_path, fake_package):
    dest = tmp_path / "voices"
    packs.install(dest, tarball=fake_package, names=("zf_xiaoxiao", "zm_yunjian"))
    (dest / "zm_yunjian.bin").write_bytes(b"\0" * STYLE_BYTES)
    assert packs.missing_or_corrupt(dest, ("zf_xiaoxiao", "zm_yunjian")) == [
        f"{dest / 'zm_yunjian.bin'}: corrupt (sha256 mismatch)"]
    report = packs.install(dest, tarball=fake_package, names=("zf_xiaoxiao", "zm_yunjian"))
    assert report.installed == ("zm_yunjian",)
    assert np.array_equal(packs.mandarin_style("zm_yunjian", dest), fake_style(2))


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path, fake_package):
    other = tmp_path / "other.tgz"
    other.write_bytes(fake_package.read_bytes() + b"x")
    with pytest.raises(VoicePackError, match="not the pinned kokoro-js@1.2.1 tarball"):
        packs.install(tmp_path / "voices", tarball=other, names=("zf_xiaoxiao",))
    assert not (tmp_path / "voices" / "zf_xiaoxiao.bin").exists()


def test_without_npm_the_error_says_how_to_get_it(tmp_path, monkeypatch, fake_package):
    monkeypatch.setattr(packs.shutil, "which", lambda _name: None)
    with pytest.raises(VoicePackError, match=r"npm not found: install it \(Debian: sudo apt-get install npm"):
        packs.install(tmp_path / "voices", names=("zf_xiaoxiao",))


def test_a_missing_or_corrupt_voice_names_the_file_and_the_fix(tmp_path, fake_package):
    with pytest.raises(VoicePackError) as missing:
        packs.mandarin_style("zf_xiaoxiao", tmp_path)
    assert str(tmp_path / "zf_xiaoxiao.bin") in str(missing.value) and "livehost voices install" in str(missing.value)
    (tmp_path / "zf_xiaoxiao.bin").write_bytes(fake_style(9).tobytes())
    with pytest.raises(VoicePackError, match=r"zf_xiaoxiao.bin: Kokoro voice zf_xiaoxiao is corrupt .*livehost voices install"):
        packs.mandarin_style("zf_xiaoxiao", tmp_path)


def test_the_voices_folder_is_the_argument_else_the_env_var_else_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(packs.VOICES_ENV, raising=False)
    monkeypatch.setenv("LIVEHOST_CACHE", str(tmp_path / "cache"))
    assert packs.voices_dir() == tmp_path / "cache" / "voices"
    monkeypatch.setenv(packs.VOICES_ENV, str(tmp_path / "offline"))
    assert packs.voices_dir() == tmp_path / "offline"
    assert packs.voices_dir(tmp_path / "given") == tmp_path / "given"


def test_voices_check_command_reports_each_problem_and_the_fix(tmp_path, capsys):
    from stream.cli import main

    assert main(["voices", "check", "--voices", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'zf_xiaobei.bin'}: missing" in err and "fix with: livehost voices install" in err


# -- style files --------------------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    (b"\0" * 100, "is 522240 bytes .* this file has 100"),
    (np.full((510, 1, 256), np.nan, "<f4").tobytes(), "130560 NaN values"),
    (np.where(np.arange(510 * 256) == 7, np.inf, 0.1).astype("<f4").tobytes(), "1 infinite values"),
    (np.zeros((510, 1, 256), "<f4").tobytes(), "all zeros"),
    ((fake_style(1) * 1000).tobytes(), "far outside a Kokoro style's range"),
])
def test_a_bad_style_file_is_refused_with_the_reason(tmp_path, body, message):
    path = tmp_path / "brand.bin"
    path.write_bytes(body)
    with pytest.raises(VoicePackError, match=f"brand.bin: .*{message}"):
        read_style_file(path)


def test_npy_style_files_are_checked_for_dtype_and_shape(tmp_path):
    np.save(tmp_path / "a.npy", fake_style(1).astype(np.float64))
    with pytest.raises(VoicePackError, match="a.npy: a Kokoro voice style is float32, this one is float64"):
        read_style_file(tmp_path / "a.npy")
    np.save(tmp_path / "b.npy", np.zeros((256, 510), np.float32))
    with pytest.raises(VoicePackError, match=r"has shape \[510, 1, 256\], this one \[256, 510\]"):
        read_style_file(tmp_path / "b.npy")
    np.save(tmp_path / "c.npy", fake_style(3).reshape(510, 256).astype(np.float32))
    assert np.array_equal(read_style_file(tmp_path / "c.npy"), fake_style(3))


def test_style_from_bytes_reads_little_endian_510_1_256():
    assert style_from_bytes(fake_style(4).tobytes(), "x").shape == (510, 1, 256)


# -- blends and settings ------------------------------------------------------------------------

def test_a_blend_is_validated_and_normalised():
    spec = StyleSpec.blend({"zf_xiaoyi": 3, "zf_xiaoxiao": 7})
    assert spec.mix == (("zf_xiaoxiao", 0.7), ("zf_xiaoyi", 0.3))
    assert spec == StyleSpec.blend({"zf_xiaoxiao": 0.7, "zf_xiaoyi": 0.3})
    assert spec.label == "zf_xiaoxiao*0.7+zf_xiaoyi*0.3"
    for bad, message in [({}, "must map Kokoro voices to weights"), ({"zf_nobody": 1}, "no voice 'zf_nobody'"),
                         ({"zf_xiaoyi": 0}, "weight must be a positive number"),
                         ({"zf_xiaoyi": True}, "weight must be a positive number"),
                         ({"zf_xiaoyi": -1, "zm_yunxi": 2}, "zf_xiaoyi: weight must be a positive number"),
                         ({v: 1 for v in ("zf_xiaoyi", "zm_yunxi", "zm_yunxia", "zm_yunjian", "jm_kumo")},
                          "at most 4 voices")]:
        with pytest.raises(ValueError, match=message):
            StyleSpec.blend(bad)


def test_voice_settings_read_a_mix_and_name_mistakes():
    settings = VoiceSettings.from_dict({"mix": {"zf_xiaoxiao": 0.7, "zf_xiaoyi": 0.3}, "speed": 1.1}, "p.yaml")
    assert settings.style.mix == (("zf_xiaoxiao", 0.7), ("zf_xiaoyi", 0.3)) and settings.speed == 1.1
    assert settings.voice == "zf_xiaoxiao*0.7+zf_xiaoyi*0.3"
    with pytest.raises(ValueError, match="p.yaml: voice: give one of voice, mix or style_file, not voice and mix"):
        VoiceSettings.from_dict({"voice": "zf_xiaoyi", "mix": {"zf_xiaoyi": 1}}, "p.yaml")
    with pytest.raises(ValueError, match="p.yaml: voice.mix: only the kokoro engine"):
        VoiceSettings.from_dict({"engine": "espeak", "mix": {"zf_xiaoyi": 1}}, "p.yaml")
    with pytest.raises(ValueError, match="p.yaml: voice.mixx: unknown field"):
        VoiceSettings.from_dict({"mixx": {"zf_xiaoyi": 1}}, "p.yaml")
    assert VoiceSettings.from_dict({"voice": "jm_kumo"}, "p").voice == "jm_kumo"  # Japanese stay selectable


def test_the_cache_key_changes_with_the_blend_and_with_the_style_file_bytes(tmp_path):
    def identity(voice: dict) -> str:
        engine = make_engine(VoiceSettings.from_dict(voice, "p", tmp_path), cache_dir=tmp_path / "tts", fallback=False)
        assert isinstance(engine, CachedEngine)
        return engine.identity

    keys = {identity({"voice": "zf_xiaoxiao"}), identity({"mix": {"zf_xiaoxiao": 0.7, "zf_xiaoyi": 0.3}}),
            identity({"mix": {"zf_xiaoxiao": 0.6, "zf_xiaoyi": 0.4}})}
    (tmp_path / "brand.bin").write_bytes(fake_style(1).tobytes())
    keys.add(identity({"style_file": "brand.bin"}))
    (tmp_path / "brand.bin").write_bytes(fake_style(2).tobytes())  # same name, another voice
    keys.add(identity({"style_file": "brand.bin"}))
    assert len(keys) == 5


def test_a_style_file_that_changed_after_loading_is_not_spoken(tmp_path):
    (tmp_path / "brand.bin").write_bytes(fake_style(1).tobytes())
    spec = StyleSpec.from_file(tmp_path / "brand.bin")
    assert np.array_equal(style_array(spec), fake_style(1))
    (tmp_path / "brand.bin").write_bytes(fake_style(2).tobytes())
    with pytest.raises(VoicePackError, match="changed since the persona was loaded"):
        style_array(spec)


# -- a merchant's own voice in a persona ----------------------------------------------------------

def persona_with_voice(root: Path, voice: str, consent: str = "") -> Path:
    base = (Path(__file__).resolve().parent.parent / "personas" / "default" / "persona.yaml").read_text("utf-8")
    head, _, rest = base.partition("\nvoice:\n")
    rest = rest[rest.index("\nappearance:") + 1:]
    text = f"{head}\nvoice: {voice}\n{rest}".replace("consent: null", consent or "consent: null")
    folder = root / "brand"
    folder.mkdir(exist_ok=True)
    (folder / "persona.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_style_file_needs_the_consent_record_of_the_persona(tmp_path):
    from stream.persona_bundle import PersonaError, load_persona

    folder = persona_with_voice(tmp_path, "{style_file: brand.bin}")
    (folder / "brand.bin").write_bytes(fake_style(5).tobytes())
    with pytest.raises(PersonaError, match=r"consent: voice.style_file \(.*brand.bin\) may be a real person's voice"):
        load_persona(folder)
    persona_with_voice(tmp_path, "{style_file: brand.bin}",
                       "consent: {subject: 张三, granted_by: 张三, date: 2026-11-01, purpose: 直播间数字人主播的声音}")
    bundle = load_persona(folder)
    assert bundle.consent.subject == "张三" and bundle.voice.style.file == folder / "brand.bin"
    assert bundle.voice.voice == "file:brand.bin"


def test_a_broken_style_file_stops_the_persona_at_load_by_name(tmp_path):
    from stream.persona_bundle import PersonaError, load_persona

    consent = "consent: {subject: 张三, granted_by: 张三, date: 2026-11-01, purpose: 主播声音}"
    folder = persona_with_voice(tmp_path, "{style_file: brand.bin}", consent)
    (folder / "brand.bin").write_bytes(np.full((510, 1, 256), np.nan, "<f4").tobytes())
    with pytest.raises(PersonaError, match=r"persona.yaml: voice.style_file: .*brand.bin: 130560 NaN values"):
        load_persona(folder)
    (folder / "brand.bin").unlink()
    with pytest.raises(PersonaError, match="brand.bin: voice style file not found"):
        load_persona(folder)


# -- the real files (installed by set-up) -------------------------------------------------------

@needs_voices
def test_installed_mandarin_styles_are_distinct_voices_and_a_blend_is_their_weighted_sum():
    a, b = style_array(StyleSpec.named("zf_xiaoxiao")), style_array(StyleSpec.named("zf_xiaoyi"))
    assert a.shape == (510, 1, 256) and a.dtype == np.float32 and not np.allclose(a, b)
    mixed = style_array(StyleSpec.blend({"zf_xiaoxiao": 0.7, "zf_xiaoyi": 0.3}))
    assert np.allclose(mixed, 0.7 * a + 0.3 * b, atol=1e-6)


@needs_voices
def test_kokoro_speaks_with_a_mandarin_voice_and_a_blend():
    from speech.kokoro import KokoroEngine

    plain = KokoroEngine("zm_yunjian", 1.0)
    plain.load()
    said = plain.synthesize("到手价五十九元。")
    assert said.voice == "zm_yunjian" and said.num_samples > 0 and said.words[0].text == "到手"
    blend = KokoroEngine(style=StyleSpec.blend({"zm_yunjian": 0.5, "zf_xiaoxiao": 0.5}))
    blend.load()
    other = blend.synthesize("到手价五十九元。")
    assert other.voice == "zf_xiaoxiao*0.5+zm_yunjian*0.5" and not np.array_equal(other.pcm[:len(said.pcm)],
                                                                                 said.pcm[:len(other.pcm)])


# -- the commands say what is missing before anything loads ---------------------------------------

def test_say_without_the_voice_files_names_the_file_and_the_set_up_step(tmp_path, monkeypatch, capsys):
    from stream.cli import main

    monkeypatch.setenv(packs.VOICES_ENV, str(tmp_path))
    assert main(["say", "到手价59.9元", "--voice", "zm_yunxi", "--out", str(tmp_path / "x.wav")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'zm_yunxi.bin'}: missing; fix: livehost voices install" in err
    assert not (tmp_path / "x.wav").exists()


def test_a_show_whose_persona_voice_is_missing_does_not_start(tmp_path, monkeypatch):
    from stream.preflight import StartupError, check_voice

    monkeypatch.setenv(packs.VOICES_ENV, str(tmp_path))
    folder = persona_with_voice(tmp_path, "{mix: {zf_xiaoyi: 0.5, jf_gongitsune: 0.5}}")
    with pytest.raises(StartupError, match=r"voice is not installed:\n  - .*zf_xiaoyi.bin: missing; fix: livehost voices"):
        check_voice(str(folder))
    persona_with_voice(tmp_path, "{voice: jm_kumo}")
    check_voice(str(folder))  # a Japanese voice ships with the model package


def test_personas_command_lists_id_name_industry_and_voice(capsys):
    from stream.cli import main

    assert main(["personas"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "name", "industry", "voice", "speed", "appearance"]
    rows = {line.split()[0]: line.split() for line in out[1:8]}
    assert set(rows) == {"default", "beauty", "electronics", "food", "apparel", "mother-baby", "home"}
    assert rows["default"][1] == "小悠" and rows["default"][3].startswith("kokoro:")


def test_every_shipped_persona_speaks_a_native_mandarin_voice_and_not_all_the_same():
    from stream.persona_bundle import load_persona, shipped_personas

    voices = {}
    for persona_id in shipped_personas():
        settings = load_persona(persona_id).voice
        mix = settings.style.mix if settings.style else ((settings.voice, 1.0),)
        assert settings.engine == "kokoro" and all(v in packs.MANDARIN_VOICES for v, _ in mix), persona_id
        voices[persona_id] = settings.identity
    assert len(set(voices.values())) >= 5
    males = {v for v in voices.values() if "zm_" in v}
    assert males and len(males) < len(voices)  # male and female voices


def test_a_persona_switch_to_a_voice_that_is_not_installed_is_refused_not_aired_with_espeak(tmp_path, monkeypatch):
    from stream.control import build_persona
    from stream.persona_bundle import PersonaError

    monkeypatch.setenv(packs.VOICES_ENV, str(tmp_path))
    engines = []
    with pytest.raises(PersonaError, match=r"its voice is not installed: .*zf_xiaobei.bin: missing; fix: livehost"):
        build_persona("food", engines.append, "Li Na")
    assert engines == []  # refused before any engine was made
