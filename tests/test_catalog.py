import json

import pytest

from script.catalog import CatalogError, catalog_from_data
from script.lines import format_price
from stream.catalog_file import default_catalog, load_catalog_file

GOOD = {
    "shop": {"name": "山野优选"},
    "products": [{"sku": "A1001", "title": "高山乌龙茶 250g", "category": "food", "price": 89.0,
                  "list_price": 129.0, "specs": {"净含量": "250g"}}],
}


def test_valid_catalog_loads_every_field(tmp_path):
    catalog = load_catalog_file("examples/catalog.yaml")
    tea = catalog.product("A1001")
    assert tea.price == 89.0 and tea.list_price == 129.0 and tea.stock == 320
    assert tea.specs["产地"] == "福建安溪"
    assert tea.promotions[0].text == "满199减30" and tea.promotions[0].ends_at.utcoffset().total_seconds() == 8 * 3600
    assert tea.faq[0].q == "孕妇能喝吗"
    assert tea.policies["returns"] == "七天无理由退货"


def test_json_catalog(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    assert load_catalog_file(path).products[0].title == "高山乌龙茶 250g"


def test_every_problem_is_listed_with_file_product_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "shop: {name: 店}\n"
        "products:\n"
        "  - {sku: A1, title: 茶, category: food, price: -5}\n"
        "  - {sku: A2, category: toys, price: abc}\n"
        "  - {sku: A1, title: 重复, category: food, price: 10, list_price: 5}\n"
        "  - {title: 无编号, category: food, price: 3, stock: 2.5}\n",
        encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    found = {(p.where, p.field) for p in caught.value.problems}
    assert ("products[0] (sku A1)", "price") in found
    assert ("products[1] (sku A2)", "title") in found
    assert ("products[1] (sku A2)", "category") in found
    assert ("products[1] (sku A2)", "price") in found
    assert ("products[2] (sku A1)", "list_price") in found
    assert ("products[3]", "sku") in found
    assert ("products[3]", "stock") in found
    assert all(p.source == str(path) for p in caught.value.problems)
    message = str(caught.value)
    assert str(path) in message and "products[1] (sku A2): category" in message


def test_duplicate_sku_is_refused():
    data = {"shop": {"name": "店"}, "products": [GOOD["products"][0], GOOD["products"][0]]}
    with pytest.raises(CatalogError) as caught:
        catalog_from_data(data, "dup.yaml")
    assert any(p.field == "sku" and "duplicates products[0]" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("text, message", [
    ("products: [\n  - {sku: A1", "invalid YAML at line"),
    ("- just a list", "top level must be a mapping"),
    ("shop: {name: x}\nproducts: []", "must be a non-empty list"),
])
def test_broken_files_are_refused_with_a_reason(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog_file(path)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(CatalogError, match="nope.yaml.*file not found"):
        load_catalog_file(tmp_path / "nope.yaml")


def test_promotion_end_needs_an_offset():
    data = {"shop": {"name": "店"}, "products": [dict(GOOD["products"][0], promotions=[
        {"text": "满199减30", "ends_at": "2026-12-01T00:00:00"}])]}
    with pytest.raises(CatalogError, match=r"promotions\[0\].ends_at: needs a UTC offset"):
        catalog_from_data(data)


def test_default_catalog_is_embedded():
    assert len(default_catalog().products) >= 3


@pytest.mark.parametrize("value, text", [(89.0, "89元"), (89.9, "89.9元"), (1299, "1299元"), (59.90, "59.9元")])
def test_price_format(value, text):
    assert format_price(value) == text


def test_yaml_comma_split_in_faq_is_caught(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("shop: {name: 店}\nproducts:\n  - {sku: A1, title: 茶, category: food, price: 9,\n"
                    "     faq: [{q: 孕妇能喝吗, a: 含咖啡因, 孕期请遵医嘱}]}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"faq\[0\]: unexpected field '孕期请遵医嘱'"):
        load_catalog_file(path)


@pytest.mark.parametrize("field, value", [("price", ".nan"), ("price", ".inf"), ("stock", ".inf"), ("stock", ".nan")])
def test_non_finite_numbers_are_problems_not_crashes(tmp_path, field, value):
    path = tmp_path / "c.yaml"
    extra = f"price: {value}" if field == "price" else f"price: 9, stock: {value}"
    path.write_text(f"shop: {{name: 店}}\nproducts:\n  - {{sku: A1, title: 茶, category: food, {extra}}}\n",
                    encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"{field}: must be a finite number"):
        load_catalog_file(path)


def test_persona_openers_may_only_use_the_title_placeholder():
    import yaml

    from script.persona import PersonaStyle
    from stream.persona_bundle import PERSONAS_DIR
    data = yaml.safe_load((PERSONAS_DIR / "default" / "persona.yaml").read_text(encoding="utf-8"))
    data["style"]["openers"] = ["{title}来了，{价格}很低"]
    with pytest.raises(ValueError, match=r"openers\[0\].*may use only \{title\}"):
        PersonaStyle.from_dict("x", data)


@pytest.mark.parametrize("persona_id", ["default", "beauty", "electronics", "food", "apparel", "mother-baby", "home"])
def test_every_shipped_persona_loads_with_a_full_speaking_style(persona_id):
    from stream.persona_bundle import load_persona
    bundle = load_persona(persona_id)
    style = bundle.style
    assert style.persona_id == persona_id
    assert all(style.objection_replies(c) for c in ("price", "quality", "after_sales"))
    assert all("{nick}" in w for w in style.welcomes)
    assert bundle.categories


def test_shipped_personas_speak_differently():
    from stream.persona_bundle import load_persona
    ids = ["beauty", "electronics", "food", "apparel", "mother-baby", "home"]
    openers = [set(load_persona(i).style.openers) for i in ids]
    for i, a in enumerate(openers):
        for b in openers[i + 1:]:
            assert not a & b, "two personas share an opener"


def test_persona_welcome_must_not_use_an_unknown_placeholder():
    import yaml
    from script.persona import PersonaStyle
    from stream.persona_bundle import PERSONAS_DIR
    data = yaml.safe_load((PERSONAS_DIR / "food" / "persona.yaml").read_text(encoding="utf-8"))
    data["style"]["welcomes"] = ["欢迎{user}"]
    with pytest.raises(ValueError, match=r"style\.welcomes\[0\].*\{nick\}"):
        PersonaStyle.from_dict("food", data)


def test_a_value_cut_short_by_a_yaml_comment_and_two_products_with_one_title_are_warned():
    from stream.catalog_file import parse_catalog_text
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: L01
    title: 雾面唇釉 #01 奶茶豆沙
    category: beauty
    price: 89
  - sku: L05
    title: 雾面唇釉 #05 枫叶红
    category: beauty
    price: 89
  - sku: CUP
    title: 保温杯 500ml  # 主推
    category: home
    price: 89
""", "shop.yaml")
    warned = [str(w) for w in catalog.warnings]
    assert any("line 5" in w and "'#01 奶茶豆沙' is a YAML comment" in w and "quotes" in w for w in warned)
    assert any("L05" in w and "same title as products[0]" in w for w in warned)
    assert catalog.product("CUP").title == "保温杯 500ml"
    assert not any("主推" in w for w in warned)  # "# 主推": a note, written as comments are
