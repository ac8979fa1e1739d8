"""The same catalog from YAML, JSON and CSV; spreadsheet problems named by row."""
import dataclasses
import json

import pytest
import yaml

from script.catalog import CatalogError
from stream.catalog_file import load_catalog_file
from stream.cli import main


def without_source(catalog):
    return dataclasses.replace(catalog, source="")


def test_yaml_json_and_csv_give_the_same_catalog(tmp_path):
    from_yaml = load_catalog_file("tests/data/three_products.yaml")
    data = yaml.safe_load(open("tests/data/three_products.yaml", encoding="utf-8"))
    json_path = tmp_path / "catalog.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    assert without_source(load_catalog_file(json_path)) == without_source(from_yaml)
    from_csv = load_catalog_file("tests/data/three_products.csv")
    assert without_source(from_csv) == without_source(from_yaml)
    assert from_csv.product("A1001").promotions[0].ends_at.isoformat() == "2026-12-01T00:00:00+08:00"


def test_csv_problems_are_listed_at_once_by_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("\ufeffshop,sku,title,category,price,specs,faq,colour\n"
                    "小店,A1,茶,food,abc,净含量 250g,孕妇能喝吗,red\n"
                    "小店,A2,,toys,12,,,\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    text = str(caught.value)
    for expected in ("header: colour: unknown column", "row 2: specs: '净含量 250g' is not name=value",
                     "row 2: faq:", "row 2 (sku A1): price: must be a number", "row 3 (sku A2): title: is required",
                     "row 3 (sku A2): category: unknown 'toys'"):
        assert expected in text, expected


def test_check_catalog_reads_csv(capsys):
    assert main(["check-catalog", "tests/data/three_products.csv"]) == 0
    assert "OK, 3 products" in capsys.readouterr().out


def test_yaml_values_that_look_like_clock_times_or_ratios_stay_text():
    from stream.catalog_file import parse_catalog_text
    catalog = parse_catalog_text("""
shop: {name: 岭南小店}
products:
  - sku: LS
    title: 广式腊肠
    category: food
    price: 49.9
    specs: {肥瘦比: 2:8, 发货: 16:30前下单当天发, 编号: 010, 防水: no}
""", "inline")
    specs = catalog.product("LS").specs
    assert specs["肥瘦比"] == "2:8"  # YAML 1.1 read it as the base-60 number 128
    assert specs["编号"] == "010" and specs["防水"] == "no"
    assert specs["发货"] == "16:30前下单当天发"
