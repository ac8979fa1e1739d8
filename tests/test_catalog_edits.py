"""Catalog edits are transactions on the newest catalog, and controls go before any chat backlog."""
import threading
from dataclasses import replace

import pytest

from script.catalog import Shop
from script.chat import ChatEvent
from script.director import ChatClassified
from speech.voice import make_engine
from stream.admission import CHAT_QUEUE_EVENTS
from stream.catalog_edits import EditRefused, file_saved, set_price_and_stock
from stream.catalog_file import default_catalog
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

PERSONA = load_persona("default")


def producer(**kwargs):
    return ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")), **kwargs)


def backlog(p, count=10 * CHAT_QUEUE_EVENTS):
    for i in range(count):
        p.submit_chat(ChatEvent(0.0, "comment", f"flood{i}", f"666 {i}"))


def test_a_price_edit_changes_only_that_price_and_a_stock_edit_only_that_stock():
    catalog = default_catalog()
    priced = set_price_and_stock("A1001", 77, None)(catalog)
    stocked = set_price_and_stock("B2002", None, 3)(priced)
    a, b = stocked.product("A1001"), stocked.product("B2002")
    assert (a.price, a.stock, b.price, b.stock) == (77, 320, 99.9, 3)
    assert stocked.product("C3003") == catalog.product("C3003")


@pytest.mark.parametrize("sku, price, stock, reason", [
    ("A1001", 0.001, None, "must be 0.01 to"),  # would air as 0元
    ("A1001", -3, None, "must be 0.01 to"),
    ("A1001", None, 2.5, "whole number"),
    ("A1001", None, None, "give 'price' and/or 'stock'"),
])
def test_bad_values_are_refused_before_anything_is_queued(sku, price, stock, reason):
    with pytest.raises(EditRefused, match=reason):
        set_price_and_stock(sku, price, stock)


def test_an_edit_for_a_product_that_is_gone_is_refused_when_applied():
    edit = set_price_and_stock("A1001", 50, None)
    gone = replace(default_catalog(), products=default_catalog().products[1:])
    with pytest.raises(EditRefused, match="no product 'A1001'"):
        edit(gone)


def test_a_saved_file_changes_what_changed_in_it_and_keeps_console_edits_it_did_not_touch():
    file_before = default_catalog()
    live = set_price_and_stock("A1001", 77, None)(file_before)  # the operator lowered the price
    products = [replace(p, stock=0) if p.sku == "B2002" else p for p in file_before.products]
    file_after = replace(file_before, products=tuple(products), shop=Shop("山野优选旗舰店"))
    merged = file_saved(file_before, file_after)(live)
    assert merged.product("A1001").price == 77  # the console's edit stays
    assert merged.product("B2002").stock == 0 and merged.shop.name == "山野优选旗舰店"  # the file's edits land
    repriced = replace(file_after, products=tuple(replace(p, price=69.0) if p.sku == "A1001" else p
                                                  for p in file_after.products))
    assert file_saved(file_after, repriced)(merged).product("A1001").price == 69.0  # the file's own price edit wins
    dropped = replace(file_after, products=file_after.products[:2])
    assert [p.sku for p in file_saved(file_after, dropped)(merged).products] == ["A1001", "B2002"]
    assert file_saved(None, file_after)(live) is file_after  # no earlier version known: the file is the catalog


def test_edits_in_a_row_all_land_although_the_show_thread_took_none_of_them_yet():
    p = producer()
    p.next_chunk()
    assert p.edit_catalog(set_price_and_stock("A1001", 77, None)).product("A1001").price == 77
    after = p.edit_catalog(set_price_and_stock("B2002", None, 3))  # built on the newest, not the on-air one
    assert (after.product("A1001").price, after.product("B2002").stock) == (77, 3)
    assert p.director.catalog.product("A1001").price == 89.0  # not applied yet...
    p.next_chunk()
    on_air = p.director.catalog  # ...and both with the next frame
    assert (on_air.product("A1001").price, on_air.product("B2002").stock) == (77, 3)


def test_edits_from_many_threads_at_once_are_serialized_and_none_is_lost():
    p = producer()
    p.next_chunk()
    skus = ("A1001", "B2002", "C3003")
    start = threading.Barrier(12)

    def edit(n):
        start.wait(10)
        p.edit_catalog(set_price_and_stock(skus[n % 3], None, 100 + n) if n < 3
                       else set_price_and_stock(skus[n % 3], 10 + n, None))

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    p.next_chunk()
    for n, sku in enumerate(skus):
        product = p.director.catalog.product(sku)
        assert product.stock == 100 + n  # every product's stock edit survived the price edits around it
        assert product.price in {10 + m for m in range(3, 12) if m % 3 == n}


def test_a_catalog_edit_overtakes_a_chat_backlog():
    p = producer()
    p.next_chunk()
    classified = []
    p.add_action_listener(lambda a, now: isinstance(a, ChatClassified) and classified.append(a))
    backlog(p)
    p.edit_catalog(set_price_and_stock("A1001", 77, None))
    p.next_chunk()
    assert p.director.catalog.product("A1001").price == 77  # with the very next frame
    assert p.chat_backlog <= CHAT_QUEUE_EVENTS  # and the backlog in front of it was never unbounded


def test_operator_controls_run_before_any_waiting_chat():
    p = producer()
    p.next_chunk()
    order = []
    p.add_action_listener(lambda a, now: isinstance(a, ChatClassified) and order.append("chat"))
    backlog(p, 40)
    p.submit_control(lambda prod: order.append("control"))
    p.take_input()
    assert order[0] == "control" and order.count("control") == 1


def test_a_restarted_stage_takes_over_pending_edits_and_edits_still_sent_to_the_old_producer():
    old = producer()
    old.next_chunk()
    old.edit_catalog(set_price_and_stock("A1001", 77, None))
    fresh = producer(first_frame=old.frame_index)
    fresh.adopt_pending(old)
    old.edit_catalog(set_price_and_stock("B2002", None, 3))  # a console request that still had the old one
    old.take_input()  # a stuck thread that wakes up does nothing
    assert old.director.catalog.product("A1001").price == 89.0
    fresh.next_chunk()
    on_air = fresh.director.catalog
    assert (on_air.product("A1001").price, on_air.product("B2002").stock) == (77, 3)


def test_saving_the_catalog_file_after_a_console_edit_keeps_the_console_edit(tmp_path):
    from pathlib import Path

    import yaml

    from stream.catalog_file import load_catalog_file
    from stream.catalog_watch import CatalogWatcher

    path = tmp_path / "catalog.yaml"
    data = yaml.safe_load(Path("tests/data/three_products.yaml").read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    p = ShowProducer(load_catalog_file(path), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")))
    p.next_chunk()
    watcher = CatalogWatcher(path, p.edit_catalog, loaded=p.catalog)
    p.edit_catalog(set_price_and_stock("A1001", 77, None))  # the operator, from the console
    data["products"][1]["stock"] = 0  # the merchant, in the file: B2002 sold out
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert watcher.poll() is not None
    p.next_chunk()
    on_air = p.director.catalog
    assert on_air.product("A1001").price == 77 and on_air.product("B2002").stock == 0
