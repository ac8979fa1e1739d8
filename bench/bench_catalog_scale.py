"""Start-up with a large catalog: how long until the show could go live, stage by stage.

    .venv/bin/python bench/bench_catalog_scale.py [--products 10000] [--embeddings]

Writes a catalog of N products (the example catalog's products, renamed and re-priced, so every
field a merchant uses is there) to bench/out/, then times reading and validating it, building the
answerer (fact index; with --embeddings, e5 vectors from a cold and then a warm cache), building
the director, and one answer and one rundown line on it. Prints seconds per stage and the total
against the 60 s target.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from script.director import Director  # noqa: E402
from stream.answering import make_answerer  # noqa: E402
from stream.catalog_file import load_catalog_file  # noqa: E402
from stream.persona_bundle import load_persona  # noqa: E402

TARGET_S = 60.0
QUESTIONS = ("这个多少钱", "充电宝多少钱", "3号链接有货吗", "面霜和精华哪个贵")


def write_catalog(count: int, path: Path) -> None:
    base = yaml.safe_load((ROOT / "examples" / "catalog.yaml").read_text(encoding="utf-8"))
    products = []
    for i in range(count):
        product = dict(base["products"][i % len(base["products"])])
        product["sku"] = f"S{i:06d}"
        product["title"] = f"{product['title']}{i // len(base['products'])}号款"
        product["price"] = round(float(product["price"]) + (i % 97) * 0.1, 2)
        product.pop("link", None)
        products.append(product)
    path.write_text(yaml.safe_dump({"shop": base["shop"], "products": products}, allow_unicode=True),
                    encoding="utf-8")


def timed(label: str, fn, figures: dict):
    started = time.perf_counter()
    result = fn()
    figures[label] = time.perf_counter() - started
    print(f"  {label:<28} {figures[label]:8.2f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--embeddings", action="store_true", help="also e5 vectors (cold, then warm cache)")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"catalog_{args.products}.yaml"
    write_catalog(args.products, path)
    print(f"{args.products} products, {path.stat().st_size / 2**20:.1f} MB")
    figures: dict[str, float] = {}
    catalog = timed("read and validate", lambda: load_catalog_file(path), figures)
    persona = load_persona("default")
    with tempfile.TemporaryDirectory() as cache:
        runs = ["cold cache", "warm cache"] if args.embeddings else ["no embeddings"]
        for run in runs:
            answerer = timed(f"answerer ({run})", lambda: make_answerer(catalog, args.embeddings, Path(cache)),
                             figures)
    director = timed("director", lambda: Director(catalog, persona.style, answerer=answerer), figures)
    for question in QUESTIONS:  # a family of hundreds named by its head noun was the slow case
        timed(f"answer {question}", lambda: answerer.answer(question, catalog.products[5].sku), figures)
    del director
    startup = figures["read and validate"] + figures[f"answerer ({runs[-1]})"] + figures["director"]
    print(f"start-up {startup:.1f} s against {TARGET_S:.0f} s target ({startup / TARGET_S:.2f} of the budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
