"""Product photos: the catalog's `image` (relative to the catalog) on the card and in the replay report;
a missing or broken one is named by check-catalog and costs the card only its photo."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from avatar.panels import card_image
from avatar.scene import Appearance, ProductCard
from stream.catalog_file import load_catalog_file
from stream.catalog_images import image_problems, write_thumbnails
from stream.cli import main
from stream.replay_report import report_html

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_example_catalog_ships_its_photos_and_checks_clean(capsys) -> None:
    catalog = load_catalog_file(EXAMPLES / "catalog.yaml")
    assert all(p.image and Path(p.image).is_file() for p in catalog.products)
    assert image_problems(catalog) == []
    assert main(["check-catalog", str(EXAMPLES / "catalog.yaml")]) == 0


def test_check_catalog_names_missing_and_broken_photos(tmp_path, capsys) -> None:
    shutil.copytree(EXAMPLES / "images", tmp_path / "images")
    text = (EXAMPLES / "catalog.yaml").read_text("utf-8")
    text = text.replace("images/a1001.png", "images/gone.png").replace("images/b2002.png", "images/broken.png")
    (tmp_path / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "catalog.yaml").write_text(text, encoding="utf-8")
    assert main(["check-catalog", str(tmp_path / "catalog.yaml")]) == 1
    err = capsys.readouterr().err
    gone = next(line for line in err.splitlines() if "A1001" in line)
    assert "gone.png" in gone and "not found" in gone and "高山乌龙茶" in gone
    broken = next(line for line in err.splitlines() if "B2002" in line)
    assert "broken.png" in broken


def test_card_shows_the_photo_and_falls_back_to_text(tmp_path) -> None:
    catalog = load_catalog_file(EXAMPLES / "catalog.yaml")
    product = catalog.products[0]
    look = Appearance.from_dict({})
    card = ProductCard(product.title, product.price, product.list_price, None, product.image)
    size = (360, 300)
    with_photo = np.asarray(card_image(card, look, size, 1.0))
    text_only = np.asarray(card_image(replace(card, image=None), look, size, 1.0))
    missing = np.asarray(card_image(replace(card, image=str(tmp_path / "none.png")), look, size, 1.0))
    assert np.array_equal(missing, text_only)
    assert (np.abs(with_photo.astype(int) - text_only.astype(int)).max(axis=2) > 40).mean() > 0.02  # the packshot, on the card's white


def test_report_lists_products_with_thumbnails(tmp_path) -> None:
    catalog = load_catalog_file(EXAMPLES / "catalog.yaml")
    catalog = replace(catalog, products=(catalog.products[0], replace(catalog.products[1], image=None)))
    thumbs = write_thumbnails(catalog, tmp_path / "images")
    assert list(thumbs) == [catalog.products[0].sku] and (tmp_path / "images" / thumbs["A1001"]).is_file()
    report = {"summary": {"persona": "default", "seed": 1}, "guard": [], "events": [
        {"line": 1, "t": 1.0, "user": "u", "text": "多少钱", "kind": "question",
         "reply": {"text": "89元", "sku": "A1001", "sources": ["A1001.price"], "t_on_air": 1.5}}],
        "products": [{"sku": p.sku, "title": p.title, "image": f"images/{thumbs[p.sku]}" if p.sku in thumbs else None}
                     for p in catalog.products]}
    page = report_html(report, [])
    assert page.count(f'src="images/{thumbs["A1001"]}"') == 2  # the products table and the answer's row
    assert "(no photo)" in page
