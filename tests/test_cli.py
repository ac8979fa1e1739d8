"""The command line as a merchant uses it."""
import subprocess
import sys
from pathlib import Path

import av

from stream.cli import main


def test_check_catalog_accepts_a_good_catalog(capsys):
    assert main(["check-catalog", str(Path(__file__).resolve().parent.parent / "examples/catalog.yaml")]) == 0
    assert "OK, 14 products" in capsys.readouterr().out


def test_check_catalog_lists_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("shop: {name: 店}\nproducts:\n  - {sku: A1, title: 茶, category: food, price: 0}\n"
                   "  - {sku: A2, title: 壶, category: teapot, price: 9}\n", encoding="utf-8")
    assert main(["check-catalog", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s)" in err and "products[0] (sku A1): price" in err and "products[1] (sku A2): category" in err


def test_run_refuses_a_broken_catalog_before_starting(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["run", "--catalog", str(bad), "--seconds", "1"]) == 2
    assert "invalid JSON at line 1" in capsys.readouterr().err


def test_unknown_persona_names_what_exists(capsys):
    assert main(["demo", "--persona", "nobody", "--seconds", "1"]) == 2
    assert "available: apparel, beauty, default, electronics, food, home, mother-baby" in capsys.readouterr().err


def test_demo_command_writes_a_playable_mp4(tmp_path):
    out = tmp_path / "show.mp4"
    result = subprocess.run([sys.executable, "-m", "stream.cli", "demo", "--seconds", "2", "--out", str(out)],
                            capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    assert "50 frames" in result.stdout
    with av.open(str(out)) as container:
        assert container.streams.video[0].frames == 50


def test_demo_command_renders_the_vertical_layout(tmp_path):
    out = tmp_path / "vertical.mp4"
    assert main(["demo", "--layout", "vertical", "--seconds", "1", "--out", str(out)]) == 0
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (720, 1280)


def test_a_persona_with_a_broken_portrait_does_not_start(tmp_path, capsys):
    folder = tmp_path / "merchant"
    folder.mkdir()
    base = (Path(__file__).resolve().parent.parent / "personas" / "default" / "persona.yaml").read_text("utf-8")
    (folder / "broken.jpg").write_bytes(b"not an image")
    (folder / "persona.yaml").write_text(
        base.split("appearance:")[0] + "appearance: {mode: photo, portrait: broken.jpg}\n"
        "consent: {subject: 张三, granted_by: 张三, date: 2026-11-01, purpose: 直播}\n", encoding="utf-8")
    assert main(["demo", "--persona", str(folder), "--seconds", "1", "--out", str(tmp_path / "x.mp4")]) == 2
    err = capsys.readouterr().err
    assert "broken.jpg" in err and "not a readable image" in err


def test_a_stuck_stage_is_replaced_on_the_catalog_on_air_even_while_the_file_is_broken(tmp_path):
    """The fault soak found it: a render stage rebuilt while a catalog edit was half written ended
    the show with the file's YAML error. The replacement takes the catalog on air."""
    from live_show import espeak_engine
    from stream.cli import _producer, build_parser, replacement_producer

    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(Path("examples/catalog.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    args = build_parser().parse_args(["run", "--catalog", str(catalog), "--no-embeddings"])
    old = _producer(args, espeak_engine)
    catalog.write_text("shop: {name: 半截\nproducts: [", encoding="utf-8")  # mid-edit
    fresh = replacement_producer(args, espeak_engine, old)
    try:
        assert fresh.catalog is old.catalog and fresh.persona.persona_id == old.persona.persona_id
    finally:
        old.close()
        fresh.close()
