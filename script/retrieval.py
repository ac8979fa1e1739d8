"""Grounded retrieval: which catalog fact answers a viewer's question, and which product it is about.

Two scorers, fused into one confidence in [0, 1]:
- lexical: BM25-saturated coverage of the question's character unigrams and bigrams (synonym
  expanded) by a fact's search text; coverage, not raw BM25, so the score means the same for a
  short and a long question and one threshold can say "no fact";
- dense (optional): cosine of e5 embeddings from an injected `Embedder`, rescaled from the band
  where e5 cosines live.
Below `min_score` nothing is returned: the caller says it will check with service, never guesses.
Pure: the embedder is injected; no I/O, no clock.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, Sequence

import numpy as np

from .catalog import Catalog, Product
from .facts import CATEGORY_WORDS, Fact, catalog_facts, synonym_groups
from .textmatch import STOP_CHARS, normalize, tokens

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class Embedder(Protocol):
    """Embeds texts (already carrying the e5 "query: " / "passage: " prefix) as L2-normalised rows."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class RetrievalSettings:
    min_score: float = 0.45  # fused confidence below this is "no fact"
    lexical_weight: float = 0.5  # share of the lexical score when a dense score exists
    dense_low: float = 0.80  # e5 cosine that means "unrelated" ...
    dense_high: float = 0.92  # ... and "the same question"
    k1: float = 1.2
    b: float = 0.3  # mild length normalisation: synonym lists make some facts long on purpose
    unigram_weight: float = 0.5
    min_product_score: float = 0.5  # idf mass a question must share with a product to name it


@dataclass(frozen=True)
class FactHit:
    fact: Fact
    score: float  # fused confidence in [0, 1]
    lexical: float  # lexical coverage in [0, 1]
    dense: float | None  # raw cosine, None without an embedder


@dataclass(frozen=True)
class ProductHit:
    sku: str
    score: float  # idf mass of the question's words found in the product's name, specs, sku


@dataclass(frozen=True)
class Lookup:
    sku: str | None  # the product the answer is about (named in the question, else the current one)
    named: bool  # True when the question itself named the product
    hits: tuple[FactHit, ...]  # empty: no fact is good enough, say so honestly


def _token_weight(token: str, unigram_weight: float) -> float:
    if len(token) == 1 and not token.isascii():
        return unigram_weight
    return 1.0


@dataclass
class _Lexicon:
    """Token statistics of a small document set (fact search texts, or product names)."""

    docs: list[Counter[str]]
    df: Counter[str] = field(default_factory=Counter)
    avgdl: float = 1.0

    def __post_init__(self) -> None:
        for doc in self.docs:
            self.df.update(doc.keys())
        self.avgdl = max(1.0, sum(sum(d.values()) for d in self.docs) / max(1, len(self.docs)))

    def idf(self, token: str) -> float:
        n = len(self.docs)
        df = self.df.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _product_tokens(product: Product) -> Counter[str]:
    name = Counter(tokens(product.title))
    name.update({t: 1 for t in tokens(" ".join(product.specs.values()))})
    name[normalize(product.sku)] += 2
    return name


def _head_noun(title: str) -> str:
    """Last character of the title's first Chinese word: 茶 in 高山乌龙茶, 霜 in 保湿修护面霜."""
    word = normalize(title).split()[0] if title.strip() else ""
    chinese = [c for c in word if "\u3400" <= c <= "\u9fff"]
    return chinese[-1] if chinese else ""


class FactIndex:
    """Search over one catalog's facts; build it again when the catalog changes (it is cheap,
    and an embedder caches the embeddings of texts it has seen)."""

    def __init__(self, facts: Sequence[Fact], products: Sequence[Product], embedder: Embedder | None,
                 settings: RetrievalSettings) -> None:
        self.facts = tuple(facts)
        self.products = tuple(products)
        self.embedder = embedder
        self.settings = settings
        self._fact_lex = _Lexicon([Counter(tokens(f.search_text)) for f in self.facts])
        self._fact_lengths = [sum(d.values()) for d in self._fact_lex.docs]
        self._product_lex = _Lexicon([_product_tokens(p) for p in self.products])
        self._category_words = {p.sku: CATEGORY_WORDS.get(p.category, ()) for p in self.products}
        self._title_tokens = {t for p in self.products for t in tokens(p.title)} | {
            normalize(p.sku) for p in self.products}
        self._head_nouns = {p.sku: _head_noun(p.title) for p in self.products}
        self._groups = [(canonical, tuple(normalize(w) for w in words)) for canonical, words in synonym_groups()]
        self._fact_vectors: np.ndarray | None = None
        if embedder is not None and self.facts:
            self._fact_vectors = embedder.embed([PASSAGE_PREFIX + passage_text(f, self.products)
                                                 for f in self.facts])

    @classmethod
    def build(cls, facts: Sequence[Fact], products: Sequence[Product] = (), embedder: Embedder | None = None,
              settings: RetrievalSettings | None = None) -> "FactIndex":
        return cls(facts, products, embedder, settings or RetrievalSettings())

    @classmethod
    def from_catalog(cls, catalog: Catalog, embedder: Embedder | None = None, now: datetime | None = None,
                     settings: RetrievalSettings | None = None) -> "FactIndex":
        return cls.build(catalog_facts(catalog, now), catalog.products, embedder, settings)

    # ---- products -------------------------------------------------------------------------------

    def rank_products(self, question: str) -> list[ProductHit]:
        """Every product with the idf mass of question words naming it, best first (0 when none)."""
        words = set(tokens(question, drop_chatter=True))
        normalized = normalize(question)
        hits = []
        for i, product in enumerate(self.products):
            doc = self._product_lex.docs[i]
            head = self._head_nouns[product.sku]
            score = sum(self._product_lex.idf(t) * (1.0 if t == head else
                                                    _token_weight(t, self.settings.unigram_weight))
                        for t in words if t in doc and t not in STOP_CHARS)
            if not any(len(t) > 1 for t in words if t in doc) and head not in words:
                score = 0.0  # one shared character (保 in 保质期 vs 保湿面霜) does not name a product
            if any(normalize(w) in normalized for w in self._category_words[product.sku]):
                score += 0.5
            hits.append(ProductHit(product.sku, round(score, 4)))
        return sorted(hits, key=lambda h: -h.score)

    def products_for(self, question: str) -> list[str]:
        """SKUs the question names (by title words, spec values like 20000mAh, or SKU), best first."""
        return [h.sku for h in self.rank_products(question) if h.score >= self.settings.min_product_score]

    # ---- facts ----------------------------------------------------------------------------------

    def _query_weights(self, question: str) -> dict[str, float]:
        """Question tokens that can match a fact, with their weights; words naming a product and
        glue bigrams ("这茶", "冒吗") are dropped so they neither match nor dilute coverage."""
        normalized = normalize(question)
        raw = tokens(question, drop_chatter=True)
        for canonical, words in self._groups:
            if any(w and w in normalized for w in words):
                raw.extend(tokens(canonical))
        weights: dict[str, float] = {}
        for t in raw:
            if t in self._title_tokens and self._fact_lex.df.get(t, 0) == 0:
                continue
            if t in self._title_tokens and len(t) == 1:
                continue
            if len(t) == 2 and not t.isascii() and self._fact_lex.df.get(t, 0) == 0 and (
                    any(c in STOP_CHARS for c in t) or any(c in self._title_tokens for c in t)):
                continue
            weights[t] = self._fact_lex.idf(t) * _token_weight(t, self.settings.unigram_weight)
        return weights

    def _lexical_scores(self, weights: dict[str, float], candidates: list[int]) -> np.ndarray:
        total = sum(weights.values())
        scores = np.zeros(len(candidates))
        if total <= 0:
            return scores
        k1, b = self.settings.k1, self.settings.b
        for j, i in enumerate(candidates):
            doc = self._fact_lex.docs[i]
            norm = k1 * (1 - b + b * self._fact_lengths[i] / self._fact_lex.avgdl)
            matched = 0.0
            for t, w in weights.items():
                tf = doc.get(t, 0)
                if tf:
                    matched += w * min(1.0, tf * (k1 + 1) / (tf + norm))
            scores[j] = matched / total
        return scores

    def _dense_scores(self, question: str, candidates: list[int]) -> np.ndarray | None:
        if self.embedder is None or self._fact_vectors is None:
            return None
        query = self.embedder.embed([QUERY_PREFIX + question])[0]
        return self._fact_vectors[candidates] @ query

    def _fuse(self, lexical: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
        if dense is None:
            return lexical
        s = self.settings
        scaled = np.clip((dense - s.dense_low) / (s.dense_high - s.dense_low), 0.0, 1.0)
        return s.lexical_weight * lexical + (1 - s.lexical_weight) * scaled

    def search(self, question: str, sku: str | None = None, k: int = 3,
               min_score: float | None = None) -> list[FactHit]:
        """The best facts for a question, within one product when `sku` is given; only hits whose
        fused confidence reaches `min_score` (default from settings), so [] means "no fact"."""
        candidates = [i for i, f in enumerate(self.facts) if sku is None or f.sku == sku]
        if not candidates or k <= 0:
            return []
        lexical = self._lexical_scores(self._query_weights(question), candidates)
        dense = self._dense_scores(question, candidates)
        fused = self._fuse(lexical, dense)
        threshold = self.settings.min_score if min_score is None else min_score
        order = sorted(range(len(candidates)), key=lambda j: (-fused[j], candidates[j]))
        return [FactHit(self.facts[candidates[j]], round(float(fused[j]), 4), round(float(lexical[j]), 4),
                        None if dense is None else round(float(dense[j]), 4))
                for j in order[:k] if fused[j] >= threshold]

    def lookup(self, question: str, current_sku: str | None = None, k: int = 3) -> Lookup:
        """Resolve the product (named in the question, else the one on screen), then search its facts.
        Among equally named products (two power banks, "充电宝多少钱") the one on screen wins."""
        ranked = [h for h in self.rank_products(question) if h.score >= self.settings.min_product_score]
        if ranked:
            best = [h.sku for h in ranked if h.score == ranked[0].score]
            sku = current_sku if current_sku in best else best[0]
            return Lookup(sku, True, tuple(self.search(question, sku, k)))
        if current_sku is not None:
            return Lookup(current_sku, False, tuple(self.search(question, current_sku, k)))
        hits = tuple(self.search(question, None, k))
        return Lookup(hits[0].fact.sku if hits else None, False, hits)


def passage_text(fact: Fact, products: Sequence[Product] = ()) -> str:
    """What the dense scorer embeds for a fact: the product name and the fact statement."""
    title = next((p.title for p in products if p.sku == fact.sku), "")
    return f"{title}：{fact.text}" if title else fact.text
