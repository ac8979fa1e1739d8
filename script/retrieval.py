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
import re
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Protocol, Sequence

import numpy as np

from .catalog import Catalog, Product
from .facts import CATEGORY_WORDS, Fact, catalog_facts, synonym_groups
from .textmatch import STOP_CHARS, normalize, tokens

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class Embedder(Protocol):
    """Embeds texts (already carrying the e5 "query: " / "passage: " prefix) as L2-normalised rows."""

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def embed_later(self, texts: list[str], what: str) -> "Future[np.ndarray]":
        """The same rows, made in the background (a large catalog takes minutes on 2 cores)."""


EAGER_EMBEDDINGS = 500  # texts embedded before the index is used; more are embedded in the background


class LazyVectors:
    """Embeddings of a fixed list of texts: at once for a few, in the background for many, so a
    10,000-product catalog goes on air in seconds. None until they are all there: callers then
    score without them (lexically)."""

    def __init__(self, embedder: Embedder | None, texts: list[str], what: str) -> None:
        self._vectors: np.ndarray | None = None
        self._later: Future[np.ndarray] | None = None
        if embedder is None or not texts:
            return
        if len(texts) <= EAGER_EMBEDDINGS:
            self._vectors = embedder.embed(texts)
        else:
            self._later = embedder.embed_later(texts, what)

    def ready(self) -> np.ndarray | None:
        if self._vectors is None and self._later is not None and self._later.done():
            later, self._later = self._later, None
            if later.exception() is None:
                self._vectors = later.result()
        return self._vectors


@dataclass(frozen=True)
class RetrievalSettings:
    min_score: float = 0.40  # lexical-only confidence below this is "no fact"
    min_fused_score: float = 0.45  # the same with a dense scorer (e5 lifts unrelated pairs too) ...
    min_lexical_with_dense: float = 0.1  # ... and a fact no question word touches is never answered
    lexical_weight: float = 0.5  # share of the lexical score when a dense score exists
    dense_low: float = 0.80  # e5 cosine that means "unrelated" ...
    dense_high: float = 0.92  # ... and "the same question"
    k1: float = 1.2
    b: float = 0.3  # mild length normalisation: synonym lists make some facts long on purpose
    unigram_weight: float = 0.5
    unknown_word_weight: float = 1.5  # a word no fact uses (感冒, 今年) is evidence the catalog cannot answer
    expansion_weight: float = 0.3  # a canonical word added by a synonym counts this much of a word asked
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
    """Unigrams and bigrams half made of function characters ("退吗", "能放") say less than a word."""
    if not token.isascii() and (len(token) == 1 or any(c in STOP_CHARS for c in token)):
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
    """What names a product: its title, its SKU, and spec values with numbers or Latin letters
    (20000mAh, 400ml). Chinese spec values (新疆长绒棉, 孕妇 in 不适宜人群) are what viewers ask
    about, not what they call the product, so they stay out."""
    name = Counter(tokens(product.title))
    # A bare number (30 in "25g×30袋") or a bare unit (kg) is not a name; a number with its unit
    # (20000mah) or a model word (iphone) is.
    name.update({t: 1 for t in tokens(" ".join(product.specs.values()))
                 if t.isascii() and not t.replace(".", "").isdigit() and t not in _UNITS})
    name[normalize(product.sku)] += 2
    return name


def _naming_numbers(question: str, product_words: Counter[str]) -> frozenset[str]:
    """The question's number-with-unit words that name the product (20000mah and its parts); a bare
    unit ("毫升" in 面霜多少毫升) names nothing and is left for the fact search."""
    named = [t for t in tokens(question) if t in product_words and any(c.isdigit() for c in t)]
    return frozenset(named) | {part for t in named for part in re.findall(r"\d+(?:\.\d+)?|[a-z]+", t)}


_UNITS = frozenset({"mah", "ml", "l", "w", "g", "kg", "mg", "cm", "mm", "m", "v", "a", "h", "wh", "db", "hz", "gb",
                    "tb", "mb", "ph", "xl", "xxl", "xxxl", "s", "x"})

# Everyday chat words that contain a product's one-character head noun without naming it.
_EVERYDAY_WORDS = frozenset({"宝宝", "宝贝", "宝妈", "宝子", "宝们"})


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
        self._sku_position = {p.sku: i for i, p in enumerate(self.products)}
        self._category_words = {p.sku: CATEGORY_WORDS.get(p.category, ()) for p in self.products}
        self._title_tokens = {t for p in self.products for t in tokens(p.title)} | {
            normalize(p.sku) for p in self.products}
        self._head_nouns = {p.sku: _head_noun(p.title) for p in self.products}
        self._groups = [(canonical, tuple(normalize(w) for w in words)) for canonical, words in synonym_groups()]
        self._fact_phrases = sorted({w for _, words in self._groups for w in words if len(w) > 1},
                                    key=len, reverse=True)
        self.fact_phrases = tuple(self._fact_phrases)  # words that ask for a fact (容量, 多少钱), not name a product
        titles = {p.sku: p.title for p in self.products}
        self._fact_vectors = LazyVectors(embedder, [PASSAGE_PREFIX + passage_text(f, titles)
                                                    for f in self.facts] if embedder else [], "catalog facts")

    @classmethod
    def build(cls, facts: Sequence[Fact], products: Sequence[Product] = (), embedder: Embedder | None = None,
              settings: RetrievalSettings | None = None) -> "FactIndex":
        return cls(facts, products, embedder, settings or RetrievalSettings())

    @classmethod
    def from_catalog(cls, catalog: Catalog, embedder: Embedder | None = None, now: datetime | None = None,
                     settings: RetrievalSettings | None = None) -> "FactIndex":
        return cls.build(catalog_facts(catalog, now), catalog.products, embedder, settings)

    # ---- products -------------------------------------------------------------------------------

    def _without_fact_words(self, question: str) -> str:
        """The question without the synonym phrases it uses to ask for a fact: in "容量多大" the
        word 容量 asks for a spec, it does not name 大容量充电宝."""
        text = normalize(question)
        for word in self._fact_phrases:
            text = text.replace(word, " ")
        return text

    def _names_head_noun(self, text: str, head: str) -> bool:
        """A one-character head noun (茶) names the product unless it sits inside a word the facts
        use (奶 of 洗面奶 inside 牛奶, asked about a cup)."""
        for i, ch in enumerate(text):
            if ch != head or any(self._fact_lex.df.get(text[j:j + 2], 0) for j in (i - 1, i) if j >= 0):
                continue
            if any(text[j:j + 2] in _EVERYDAY_WORDS for j in (i - 1, i) if j >= 0):
                continue  # 宝 of 充电宝 inside 宝宝/宝妈: viewers' words, not the product
            return True
        return False

    def rank_products(self, question: str) -> list[ProductHit]:
        """Every product with the idf mass of question words naming it, best first (0 when none)."""
        text = self._without_fact_words(question)
        words = set(tokens(text, drop_chatter=True))
        normalized = normalize(question)
        hits = []
        for i, product in enumerate(self.products):
            doc = self._product_lex.docs[i]
            head = self._head_nouns[product.sku]
            named_by_head = head in words and self._names_head_noun(text, head)
            score = sum(self._product_lex.idf(t) * (1.0 if t == head and named_by_head else
                                                    _token_weight(t, self.settings.unigram_weight))
                        for t in words if t in doc and t not in STOP_CHARS)
            if not any(len(t) > 1 for t in words if t in doc) and not named_by_head:
                score = 0.0  # one shared character (保 in 保质期 vs 保湿面霜) does not name a product
            if score > 0 and any(normalize(w) in normalized for w in self._category_words[product.sku]):
                score += 0.5  # "充电宝 数码的那个": the category breaks a tie, it never names alone
            hits.append(ProductHit(product.sku, round(score, 4)))
        return sorted(hits, key=lambda h: -h.score)

    def products_for(self, question: str) -> list[str]:
        """SKUs the question names (by title words, spec values like 20000mAh, or SKU), best first."""
        return [h.sku for h in self.rank_products(question) if h.score >= self.settings.min_product_score]

    # ---- facts ----------------------------------------------------------------------------------

    def _glue_bigrams(self, text: str) -> set[str]:
        """Bigrams no fact uses that straddle a word boundary: "啥活" in "有啥活动" (next to the known
        活动), "这茶". An unknown bigram between unknown ones ("感冒", "手机") is a real word the
        catalog does not cover, and must count against every fact."""
        glue: set[str] = set()
        df = self._fact_lex.df
        for run in re.findall(r"[\u3400-\u9fff]+", text):
            grams = [run[i:i + 2] for i in range(len(run) - 1)]
            for i, gram in enumerate(grams):
                if df.get(gram, 0):
                    continue
                neighbours = [grams[j] for j in (i - 1, i + 1) if 0 <= j < len(grams)]
                # Only a neighbour that is a content word marks a boundary: "机吗" (of 飞机吗) must
                # not turn 手机 into glue.
                beside_a_word = any(df.get(n, 0) and not any(c in STOP_CHARS for c in n) for n in neighbours)
                if beside_a_word or any(c in STOP_CHARS or c in self._title_tokens for c in gram):
                    glue.add(gram)
        return glue

    def _query_weights(self, question: str, drop: frozenset[str] = frozenset()) -> dict[str, float]:
        """Question tokens that can match a fact, with their weights; words naming a product and
        glue bigrams are dropped so they neither match nor dilute coverage."""
        normalized = normalize(question)
        glue = self._glue_bigrams(normalized)
        weights: dict[str, float] = {}
        for t in tokens(question, drop_chatter=True):
            if t in drop or t in glue or (len(t) == 2 and all(c in STOP_CHARS for c in t)):
                continue  # "有没", "可以": function words, whatever the facts' synonym lists contain
            if t in self._title_tokens and (self._fact_lex.df.get(t, 0) == 0 or len(t) == 1):
                continue
            weight = self._fact_lex.idf(t) * _token_weight(t, self.settings.unigram_weight)
            if self._fact_lex.df.get(t, 0) == 0:
                weight *= self.settings.unknown_word_weight
            weights[t] = weight
        return weights

    def _expansion(self, question: str, asked: dict[str, float]) -> dict[str, float]:
        """Canonical words of the synonym groups the question uses ("多重" -> 重量, 净含量). They add
        to a fact's match but not to what the question asks, so a phrase that several groups share
        does not dilute the coverage of the fact it is really about."""
        normalized = normalize(question)
        extra: dict[str, float] = {}
        for canonical, words in self._groups:
            if any(w and w in normalized for w in words):
                for t in tokens(canonical):
                    if t not in asked:
                        extra[t] = (self.settings.expansion_weight * self._fact_lex.idf(t)
                                    * _token_weight(t, self.settings.unigram_weight))
        return extra

    def _lexical_scores(self, weights: dict[str, float], extra: dict[str, float],
                        candidates: list[int]) -> np.ndarray:
        total = sum(weights.values())
        scores = np.zeros(len(candidates))
        if total <= 0:
            return scores
        k1, b = self.settings.k1, self.settings.b
        for j, i in enumerate(candidates):
            doc = self._fact_lex.docs[i]
            norm = k1 * (1 - b + b * self._fact_lengths[i] / self._fact_lex.avgdl)
            matched = 0.0
            for t, w in (*weights.items(), *extra.items()):
                tf = doc.get(t, 0)
                if tf:
                    matched += w * min(1.0, tf * (k1 + 1) / (tf + norm))
            scores[j] = min(1.0, matched / total)
        return scores

    def _dense_scores(self, question: str, candidates: list[int]) -> np.ndarray | None:
        vectors = self._fact_vectors.ready()
        if self.embedder is None or vectors is None:
            return None
        query = self.embedder.embed([QUERY_PREFIX + question])[0]
        return vectors[candidates] @ query

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
        return self._search(question, sku, k, min_score, frozenset())

    def _search(self, question: str, sku: str | None, k: int, min_score: float | None,
                drop: frozenset[str]) -> list[FactHit]:
        candidates = [i for i, f in enumerate(self.facts) if sku is None or f.sku == sku]
        if not candidates or k <= 0:
            return []
        asked = self._query_weights(question, drop)
        lexical = self._lexical_scores(asked, self._expansion(question, asked), candidates)
        dense = self._dense_scores(question, candidates)
        fused = self._fuse(lexical, dense)
        if dense is not None:
            fused = np.where(lexical >= self.settings.min_lexical_with_dense, fused, 0.0)
        default = self.settings.min_score if dense is None else self.settings.min_fused_score
        threshold = default if min_score is None else min_score
        order = sorted(range(len(candidates)), key=lambda j: (-fused[j], candidates[j]))
        return [FactHit(self.facts[candidates[j]], round(float(fused[j]), 4), round(float(lexical[j]), 4),
                        None if dense is None else round(float(dense[j]), 4))
                for j in order[:k] if fused[j] >= threshold]

    def lookup(self, question: str, current_sku: str | None = None, k: int = 3,
               min_score: float | None = None) -> Lookup:
        """Resolve the product (named in the question, else the one on screen), then search its facts.
        Among equally named products (two power banks, "充电宝多少钱") the one on screen wins."""
        ranked = [h for h in self.rank_products(question) if h.score >= self.settings.min_product_score]
        if ranked:
            best = [h.sku for h in ranked if h.score == ranked[0].score]
            sku = current_sku if current_sku in best else best[0]
            # "20000毫安的重不重": 20000mah named the product; left in, it would pick the capacity fact.
            naming = _naming_numbers(question, self._product_lex.docs[self._sku_position[sku]])
            hits = self._search(question, sku, k, min_score, naming) or self.search(question, sku, k, min_score)
            return Lookup(sku, True, tuple(hits))
        if current_sku is not None:
            return Lookup(current_sku, False, tuple(self.search(question, current_sku, k, min_score)))
        hits = tuple(self.search(question, None, k, min_score))
        return Lookup(hits[0].fact.sku if hits else None, False, hits)


def passage_text(fact: Fact, titles: Mapping[str, str]) -> str:
    """What the dense scorer embeds for a fact: the product name (`titles` by SKU) and the fact."""
    title = titles.get(fact.sku, "")
    return f"{title}：{fact.text}" if title else fact.text
