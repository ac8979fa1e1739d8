"""Seeded, bounded property-based fuzz tests of persona bundles: each ends loaded or refused with
PersonaError naming what and where; any other exception is a bug."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.persona_bundle import PersonaBundle, PersonaError, load_persona

from tests.fuzz_support import (ANY_FLOATS, BOUNDARY_NUMBERS, DEFAULT_PERSONA, FUZZ, JSON_VALUES, LONG_TEXT, MISSING, SHORT_TEXT, WHITESPACE, YAML_KEYS, YAML_SCALARS, YAML_SNIPPETS, YAML_VALUES, fill, mostly, nested_text, outcome, yaml_dump)

# ---- 3. persona bundles -------------------------------------------------------------------------

PATHS = st.sampled_from(["persona.yaml", "missing.png", "", " ", ".", "/", "~", "~/x.png", "~nosuchuser_fz/x.png",
                         "~root/x.png", "~ghost", "../x.png", "a\x00b", "/dev/null", "x" * 300])
PATH_VALUES = PATHS | st.text(alphabet="~/.ax\x00 ", max_size=12) | LONG_TEXT
PHRASES = st.lists(st.one_of(
    SHORT_TEXT, WHITESPACE,
    st.sampled_from(["{title}", "{nick}", "{gift}", "{scene}", "{name}", "来看{title}", "{", "}", "{{title}}", "{}",
                     "{0}", "{title:d}", "{title!r}", "{title!z}", "{title.upper}", "{title[0]}", "{title:>{0}}",
                     "{title:%}", "{nick}{gift}", "欢迎{nick}", "{ title }", "{title}{title}"])),
    max_size=4)
PERSONA_VALUES = st.one_of(YAML_VALUES, PHRASES, PATHS)
PERSONA_OVERRIDES = PERSONA_VALUES | st.just(MISSING)
STYLE_KEYS = tuple(DEFAULT_PERSONA["style"]) + ("unknown_list",)
COLOUR_VALUES = st.one_of(st.lists(st.integers(-5, 300) | ANY_FLOATS | st.booleans(), max_size=4),
                          st.text(alphabet="#0123456789abcdefgxyz ", max_size=8), PERSONA_VALUES)
APPEARANCE_FIELDS = {
    **{name: COLOUR_VALUES for name in ("skin", "hair", "outfit", "accent", "background", "eyes")},
    "hair_style": st.sampled_from(["bob", "long", "bun", "mohawk"]) | PERSONA_VALUES,
    "outfit_style": st.sampled_from(["blazer", "apron", "cape"]) | PERSONA_VALUES,
    "accessories": st.lists(st.sampled_from(["bow", "glasses", "hat", ""]), max_size=3) | PERSONA_VALUES,
    "mode": st.sampled_from(["drawn", "photo", "video", "3d"]) | PERSONA_VALUES,
    "portrait": YAML_VALUES, "background_image": YAML_VALUES,  # path strings: their own test below
    "background_blur": BOUNDARY_NUMBERS | ANY_FLOATS | PERSONA_VALUES,
}
APPEARANCES = st.lists(st.sampled_from(sorted(APPEARANCE_FIELDS)).flatmap(
    lambda name: st.tuples(st.just(name), APPEARANCE_FIELDS[name] | st.just(MISSING))), max_size=3).map(dict)
# Unknown fields, sometimes of mixed key types (YAML allows any scalar as a key).
UNKNOWN_FIELDS = st.just({}) | st.dictionaries(st.sampled_from(["unknown", "Skin", 3, None, True]), YAML_SCALARS,
                                               min_size=1, max_size=2)


CONSENT_FIELDS = {key: mostly(valid, PERSONA_VALUES) for key, valid in
                  {"subject": "王女士", "granted_by": "王女士", "date": "2026-01-05", "purpose": "直播带货"}.items()}
CONSENT = st.fixed_dictionaries(CONSENT_FIELDS)
CONSENT_WITH_DOCUMENT = st.fixed_dictionaries(CONSENT_FIELDS, optional={"document": PATH_VALUES})


@pytest.fixture(scope="module")
def persona_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("persona")


def load_persona_text(folder: Path, text: str) -> PersonaBundle | None:
    (folder / "persona.yaml").write_text(text, encoding="utf-8")
    bundle = outcome(lambda: load_persona(folder), PersonaError)
    if bundle is not None:
        assert isinstance(bundle, PersonaBundle)
        assert all(bundle.style.openers) and 0.5 <= bundle.style.pace <= 2.0 and 0.5 <= bundle.voice.speed <= 2.0
    return bundle


def persona_with(**sections) -> dict:
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_PERSONA.items()}
    for section, overrides in sections.items():
        data[section] = fill(data.get(section) or {}, overrides) if isinstance(overrides, dict) else overrides
    return data


TOP_LEVEL_FIELDS = {
    "id": PERSONA_VALUES, "display_name": PERSONA_VALUES, "industry": PERSONA_VALUES,
    "categories": st.lists(st.sampled_from(["food", "beauty", "toys"]) | YAML_SCALARS, max_size=3) | YAML_SCALARS,
    # text keys only in whole sections: mixed-type keys have their own tests below
    "consent": JSON_VALUES, "style": JSON_VALUES, "appearance": JSON_VALUES, "unknown": PERSONA_VALUES,
}


@settings(FUZZ, max_examples=80)
@given(overrides=st.lists(st.sampled_from(sorted(TOP_LEVEL_FIELDS)).flatmap(
    lambda name: st.tuples(st.just(name), TOP_LEVEL_FIELDS[name] | st.just(MISSING))), max_size=3).map(dict))
def test_load_persona_with_fuzzed_top_level_fields_ends_in_bundle_or_persona_error(persona_folder, overrides):
    load_persona_text(persona_folder, yaml_dump(fill(DEFAULT_PERSONA, overrides)))


@settings(FUZZ, max_examples=80)
@given(style=st.dictionaries(st.sampled_from(STYLE_KEYS), PERSONA_OVERRIDES, max_size=3),
       objections=st.dictionaries(st.sampled_from(["price", "quality", "after_sales", "other"]) | YAML_KEYS,
                                  PHRASES | PERSONA_VALUES, max_size=3) | st.just(MISSING))
def test_load_persona_with_fuzzed_style_ends_in_bundle_or_persona_error(persona_folder, style, objections):
    data = persona_with(style=dict(style, objections=objections))
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=100)
@given(appearance=APPEARANCES, consent=CONSENT | st.none())
def test_load_persona_with_fuzzed_appearance_ends_in_bundle_or_persona_error(persona_folder, appearance, consent):
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=appearance, consent=consent)))


@settings(FUZZ, max_examples=60)
@given(paths=st.fixed_dictionaries({}, optional={"portrait": PATH_VALUES, "background_image": PATH_VALUES}),
       mode=st.sampled_from(["drawn", "photo", "video"]))
def test_load_persona_with_fuzzed_appearance_paths_ends_in_bundle_or_persona_error(persona_folder, paths, mode):
    consent = {"subject": "王女士", "granted_by": "王女士", "date": "2026-01-05", "purpose": "直播带货"}
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=dict(paths, mode=mode), consent=consent)))


@settings(FUZZ, max_examples=40)
@given(unknown=UNKNOWN_FIELDS)
def test_load_persona_refuses_unknown_appearance_fields_with_persona_error(persona_folder, unknown):
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=unknown)))


@settings(FUZZ, max_examples=60)
@given(voice=st.dictionaries(st.sampled_from(["engine", "voice", "speed", "unknown"]),
                             PERSONA_OVERRIDES | st.sampled_from(["kokoro", "espeak", "coqui", "jf_gongitsune"]),
                             max_size=3) | PERSONA_VALUES)
def test_load_persona_with_fuzzed_voice_ends_in_bundle_or_persona_error(persona_folder, voice):
    data = fill(DEFAULT_PERSONA, {"voice": voice}) if not isinstance(voice, dict) else persona_with(voice=voice)
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=60)
@given(consent=CONSENT_WITH_DOCUMENT, mode=st.sampled_from(["photo", "video"]))
def test_load_persona_with_fuzzed_consent_ends_in_bundle_or_persona_error(persona_folder, consent, mode):
    # portrait: the persona file itself exists but is no image, so a likeness check must refuse it cleanly
    data = persona_with(consent=consent, appearance={"mode": mode, "portrait": "persona.yaml"})
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=60)
@given(text=st.one_of(
    st.lists(YAML_SNIPPETS | SHORT_TEXT, max_size=6).map("\n".join), nested_text(200), st.text(max_size=100),
    st.builds(lambda key, n: f"{key}: {'9' * n}\n", st.sampled_from(["id", "display_name", "categories"]),
              st.integers(1, 6000)),
    st.builds(lambda doc, cut: doc[:cut], st.just(yaml_dump(DEFAULT_PERSONA)), st.integers(0, 3000))))
def test_load_persona_with_random_yaml_text_ends_in_bundle_or_persona_error(persona_folder, text):
    load_persona_text(persona_folder, text)


PLACEHOLDERS = {"openers": ("title",), "welcomes": ("nick",), "gift_thanks": ("nick", "gift"),
                "scene_intros": ("scene",), "ai_disclosures": ("name",), "fillers": ()}
PLACEHOLDER_VALUES = {"title": "乌龙茶", "scene": "下午茶", "nick": "小鹿", "gift": "玫瑰", "name": "小悠"}
PHRASE_TEXT = st.text(alphabet="来看欢迎谢谢家人ab {}", max_size=4)


@st.composite
def phrase_lists(draw, key: str) -> list[str]:
    """Phrases using exactly the list's placeholders, each with a random conversion and format spec."""
    phrases = []
    for _ in range(draw(st.integers(1, 3))):
        phrase = draw(PHRASE_TEXT)
        for name in PLACEHOLDERS[key]:
            conversion = draw(st.sampled_from(["", "", "!r", "!s", "!a", "!z", "!"]))
            spec = draw(st.sampled_from(["", "", ":d", ":>8", ":%", ":>{0}", ":.2", ":x", ":^10", ":,", ":=5", ":s"]))
            phrase += "{" + name + conversion + spec + "}" + draw(PHRASE_TEXT)
        phrases.append(phrase)
    return phrases


@settings(FUZZ, max_examples=80)
@given(key_and_phrases=st.sampled_from(sorted(PLACEHOLDERS)).flatmap(
    lambda key: st.tuples(st.just(key), phrase_lists(key))))
def test_accepted_persona_phrases_render_with_their_placeholders(persona_folder, key_and_phrases):
    key, phrases = key_and_phrases
    bundle = load_persona_text(persona_folder, yaml_dump(persona_with(style={key: phrases})))
    if bundle is not None:
        for phrase in getattr(bundle.style, key):
            assert isinstance(phrase.format(**PLACEHOLDER_VALUES), str)
