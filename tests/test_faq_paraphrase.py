"""The merchant's FAQ found for a question typed with a homophone of the title or in other words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from script.answers import Answerer
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PRO
    title: 益生菌固体饮料 30条
    category: health_food
    price: 129
    faq:
      - {q: 饭前还是饭后吃, a: 饭后半小时吃，别用热水冲}
  - sku: DOWN
    title: 轻薄白鸭绒羽绒服
    category: apparel
    price: 399
    faq:
      - {q: 能机洗吗, a: 建议手洗或者用羽绒服专用洗涤剂，不能烘干}
""", "inline")


def test_a_homophone_of_the_title_and_other_words_for_washing_find_the_faq():
    answerer = Answerer.build(SHOP)
    assert "饭后半小时" in "".join(answerer.answer("益生君饭前吃还是饭后吃", None, NOW).sentences)
    assert "手洗" in "".join(answerer.answer("羽戎服能丢洗衣机吗", None, NOW).sentences)
