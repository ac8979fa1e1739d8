"""The typed query is the seam where a local model could propose a reading: the catalog validates
it, and the rules read the question when the proposal is unusable (issue 16, deliverable 3)."""
from datetime import datetime

from script.answers import Answerer
from script.product_resolver import ProductGuess
from script.understanding import Query, ViewerContext
from stream.catalog_file import load_catalog_file

CATALOG = load_catalog_file("tests/data/three_products.yaml")
NOW = datetime.fromisoformat("2026-11-23T20:00:00+08:00")


def answer_with(proposal):
    return Answerer.build(CATALOG, proposer=lambda text, context: proposal).answer("这个多少钱", None, NOW,
                                                                                ViewerContext())


def test_a_valid_proposal_is_answered_from_the_catalog():
    tea = CATALOG.products[0]
    proposal = Query("这个多少钱", "price", ProductGuess((tea.sku,), "named"), named=(tea.sku,))
    answer = answer_with(proposal)
    assert answer.sku == tea.sku and f"{tea.price:g}元" in "".join(answer.sentences)


def test_a_proposal_naming_a_product_the_shop_lacks_or_an_unknown_intent_is_ignored():
    for proposal in (Query("这个多少钱", "price", ProductGuess(("NOPE",), "named")),
                     Query("这个多少钱", "sing_a_song", ProductGuess((CATALOG.products[0].sku,), "named")),
                     Query("这个多少钱", "compute", ProductGuess((CATALOG.products[0].sku,), "named"),
                           quantities=((CATALOG.products[0].sku, 10_000),)),
                     "not a query"):
        answer = answer_with(proposal)
        assert "NOPE" not in answer.sources and answer.sku is None  # the rules read it: no product named


def test_a_failing_proposer_costs_only_its_proposal():
    def broken(text, context):
        raise RuntimeError("model crashed")

    answer = Answerer.build(CATALOG, proposer=broken).answer("茶多少钱", None, NOW)
    assert answer.sources and answer.sku == CATALOG.products[0].sku
