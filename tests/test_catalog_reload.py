"""Catalog edits while live: the new price airs from the next line on; a broken edit is refused."""
from pathlib import Path

import yaml

from script.chat import ChatEvent
from speech.voice import make_engine
from stream.catalog_file import load_catalog_file
from stream.catalog_watch import CatalogWatcher
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

SOURCE = Path("tests/data/three_products.yaml")


def write_catalog(path, price=89.0, stock=320, breaking=False):
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    data["products"][0]["price"] = "八十九" if breaking else price
    data["products"][0]["stock"] = stock
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_watcher_hands_over_a_changed_catalog_and_refuses_a_broken_one(tmp_path):
    path = tmp_path / "catalog.yaml"
    write_catalog(path)
    seen = []
    watcher = CatalogWatcher(path, seen.append)
    assert watcher.poll() is None and seen == []  # unchanged
    write_catalog(path, price=79.0)
    assert watcher.poll().product("A1001").price == 79.0 and len(seen) == 1
    write_catalog(path, breaking=True)
    assert watcher.poll() is None and len(seen) == 1
    assert "A1001" in watcher.last_error and "price" in watcher.last_error
    path.unlink()  # an editor replacing the file: nothing happens until it is back
    assert watcher.poll() is None
    write_catalog(path, price=69.0)
    assert watcher.poll().product("A1001").price == 69.0 and watcher.last_error is None


def test_a_price_change_mid_show_is_used_from_the_next_line_and_never_the_old_value():
    persona = load_persona("default")
    producer = ShowProducer(load_catalog_file(SOURCE), persona, make_engine(persona.voice))
    before, after = [], []
    changed_at = 25 * 8
    for k in range(25 * 60):
        if k == changed_at:
            data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
            data["products"][0]["price"] = 79.0
            from script.catalog import catalog_from_data
            producer.update_catalog(catalog_from_data(data, "edited"))
        if k == 25 * 20:
            producer.submit_chat(ChatEvent(20.0, "comment", "u1", "这个茶多少钱?"))
        producer.next_chunk()
        (before if k < changed_at else after).append(producer.last_subtitle)
    # A word-boundary cut lets the current word finish: allow the first few frames after the edit.
    late = [s for s in after[5:] if "89元" in s]
    assert not late, late[:3]
    assert any("79元" in s for s in after)
