"""A shop-wide promotion that leaves some products out ("奶粉和益生菌套装除外", "奶粉不参加全场满减")
prices their baskets without it; places in a shipping rule ("新疆、西藏除外") leave no product out;
"全场有满减吗" asks about the shop, not about the product on screen or one whose FAQ says 全场."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from script.answers import Answerer
from script.promotion_exclusions import excluded_words, left_out
from script.promotions import rules_for
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))

SHOP = """
shop: {name: 小店}
products:
  - sku: MILK
    title: 有机奶粉 2段 800g
    category: baby
    price: 200
    promotions: [{text: "同段位2罐立减30元", ends_at: "2026-12-20T23:59:59+08:00"}]
  - sku: TOWEL
    title: 新疆长绒棉毛巾 两条装
    category: home
    price: 150
    promotions:
      - {text: "全场满299减30（可跨商品凑单，奶粉除外）", ends_at: "2026-12-20T23:59:59+08:00"}
      - {text: "全场包邮（新疆、西藏除外）"}
  - sku: VIT
    title: 儿童钙片 60片
    category: baby
    price: 120
    faq:
      - {q: 参加全场满减吗, a: 钙片不参加全场满减}
"""


def test_the_words_a_promotion_leaves_out():
    assert excluded_words("全场满299减30（可跨商品凑单，奶粉和益生菌套装除外）") == ["奶粉", "益生菌套装"]
    assert excluded_words("满100减10（不含酒水、香烟）") == ["酒水", "香烟"]
    assert excluded_words("全场包邮（新疆、西藏除外）") == []  # places, not products
    assert excluded_words("跨店满300减40") == []


def test_an_excluded_product_is_priced_without_the_shop_wide_threshold():
    catalog = parse_catalog_text(SHOP, "shop.yaml")
    milk, towel, vit = (catalog.product(s) for s in ("MILK", "TOWEL", "VIT"))
    assert not any("满299" in r.text for r in rules_for(milk, catalog.products, NOW))
    assert any("满299" in r.text for r in rules_for(towel, catalog.products, NOW))  # 新疆 is in its title
    assert left_out(vit, "全场满299减30", store_wide=True)  # its own FAQ says so
    said = "".join(Answerer.build(catalog).answer("奶粉2段拍两罐到手多少", None, NOW).sentences)
    assert "370元" in said and "340" not in said  # 200*2-30, and no 满299减30 on top


def test_a_shop_wide_question_is_answered_for_the_shop():
    answerer = Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))
    query = answerer.understanding.read("全场有满减吗")
    assert query.intent == "shop_sale"
    said = "".join(answerer.answer("全场有满减吗", "MILK", NOW).sentences)
    assert "满299减30" in said
