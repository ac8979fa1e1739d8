"""Answer quality on blind sets (eval/answers/<shop>/, written without the code in view; see
eval/FORMAT.md), plus the example set.

    .venv/bin/python bench/bench_answers.py                 # open: per-kind rates and failures;
                                                            # sealed: per-kind rates only
    .venv/bin/python bench/bench_answers.py --no-embeddings # lexical retrieval only
    .venv/bin/python bench/bench_answers.py --fairness eval/answers/shop_one
                                                            # the writer's check of their labels

Each chat file is replayed as one show (simulated clock, no rendering). A labelled line passes
when its reply satisfies the label. Also counted over every judged reply: wrong-product answers
(the reply's product, or a price it names, belongs to a product the question was not about),
numbers spoken that trace to nothing (not in the catalog, the question, or the label's formula),
and banned terms on air. The sealed part prints rates only: read its cases only when the work
is done, then write a new sealed set.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_scoring import judge_reply, numbers_in, normalise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "eval" / "answers"
BANNED = ("最好", "最便宜", "最低", "全网最", "第一", "顶级", "极品", "国家级", "百分百", "根治", "治愈", "特效")


def read_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fairness(folder: Path) -> int:
    failures = 0
    for split in ("open", "sealed"):
        labels_path = folder / f"{split}.labels.jsonl"
        if not labels_path.exists():
            print(f"{labels_path}: missing")
            failures += 1
            continue
        labels = read_labels(labels_path)
        for label in labels:
            human = judge_reply(label, label.get("human_reply"))
            if label.get("expect") == "silent" and label.get("human_reply") in (None, ""):
                human = judge_reply(label, None)
            if not human.ok:
                failures += 1
                print(f"{split} line {label['line']}: human_reply fails ({human.why}): {label.get('human_reply')!r}")
            wrong = label.get("wrong_reply")
            if label.get("expect") == "answer" and wrong:
                if judge_reply(label, wrong).ok:
                    failures += 1
                    print(f"{split} line {label['line']}: wrong_reply passes: {wrong!r}")
        print(f"{split}: {len(labels)} labels checked")
    print(f"fairness problems: {failures}")
    return 1 if failures else 0


class ShopFacts:
    """Numbers and prices of one catalog, read from its file as data (not through the host)."""

    def __init__(self, catalog_path: Path) -> None:
        import yaml
        data = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
        self.numbers = set(numbers_in(catalog_path.read_text(encoding="utf-8")))
        self.prices: dict[str, set[str]] = {}
        self.own_amounts: dict[str, set[str]] = {}  # money written anywhere in a product's own entry
        for product in data.get("products", []):
            values = {product.get("price"), product.get("list_price")}
            sku = str(product.get("sku"))
            self.prices[sku] = {normalise(f"{v:g}") for v in values if isinstance(v, (int, float))}
            self.own_amounts[sku] = set(re.findall(r"(\d+(?:\.\d+)?)元", normalise(str(product))))

    def derivable(self, number: str, skus: list[str]) -> bool:
        """The number is one step of arithmetic on the catalog's numbers (a total, a saving, a unit
        price, days of use): x*k, x*k-y, x*k*r, x/y, x-y with k up to 10, to the cent."""
        value = float(number)
        base = sorted({float(n) for n in self.numbers if float(n) > 0})
        for x in base:
            for k in range(1, 11):
                if abs(x * k - value) < 0.006 or abs(x / k - value) < 0.006:
                    return True
            for y in base:
                if abs(x - y - value) < 0.006 or abs(x / y - value) < 0.006 or abs(x / y - value) < 0.5 and \
                        value == int(value) and int(x / y) == value:
                    return True
                for k in range(2, 11):
                    if abs(x * k - y - value) < 0.006 or abs(x * k * y / 10 - value) < 0.006 or \
                            abs(x * (k - 1) + x * y / 10 - value) < 0.006 or abs(x * (k - 1) + y - value) < 0.006:
                        return True
        return False

    def foreign_price(self, text: str, skus: list[str], allowed: set[str]) -> bool:
        """The reply states as money a price of a product it was not asked about."""
        # A variant price in the product's own specs ("宽4.0m：169元/片") is its own, whoever else costs 169.
        own = set().union(*(self.prices.get(s, set()) | self.own_amounts.get(s, set()) for s in skus)) if skus else set()
        money = set(re.findall(r"(\d+(?:\.\d+)?)元", normalise(text)))
        for sku, prices in self.prices.items():
            if sku in skus:
                continue
            if (prices & money) - own - allowed:
                return True
        return False


def replay(folder: Path, split: str, embeddings: bool, answerer_cache: dict):
    from stream.catalog_file import load_catalog_file
    from stream.compliance import make_checker, make_reader
    from stream.persona_bundle import load_persona
    from stream.replay import ReplaySimulator, read_chat_lines
    from stream.replay_report import report_json
    from stream.answering import make_answerer

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    catalog = load_catalog_file(folder / "catalog.yaml")
    if folder not in answerer_cache:
        answerer_cache[folder] = make_answerer(catalog, embeddings=embeddings)
    chat = read_chat_lines((folder / f"{split}.jsonl").read_text(encoding="utf-8"))
    started = time.perf_counter()
    result = ReplaySimulator(catalog, load_persona(meta.get("persona", "default")).style, seed=1,
                             started_at=datetime.fromisoformat(meta["start"]), checker=make_checker(),
                             reader=make_reader(), answerer=answerer_cache[folder]).run(chat)
    elapsed = time.perf_counter() - started
    return report_json(result), elapsed


def score(folder: Path, split: str, report: dict, facts: ShopFacts, show_cases: bool) -> dict:
    labels = read_labels(folder / f"{split}.labels.jsonl")
    events = {e["line"]: e for e in report["events"]}
    tally = {"by_kind": {}, "wrong_product": 0, "invented": 0, "banned": 0, "cases": 0, "ok": 0, "failures": []}
    for label in labels:
        event = events.get(label["line"], {})
        reply = event.get("reply")
        text = reply["text"] if reply else None
        verdict = judge_reply(label, text, on_air=bool(reply and reply.get("t_on_air") is not None))
        kind = label.get("category", "?")
        ok_list = tally["by_kind"].setdefault(kind, [0, 0])
        ok_list[0] += verdict.ok
        ok_list[1] += 1
        tally["cases"] += 1
        tally["ok"] += verdict.ok
        problems = []
        if text:
            skus = list(label.get("skus") or [])
            allowed = set(label.get("derived") or []) | set(numbers_in(event.get("text", "")))
            # A shop-level question the label ties to no product ("送同事 有啥", "今天有啥活动") may name any
            # of the shop's products with its price; only one tied to products can name the wrong one.
            shop_level = not skus and kind in ("recommend", "shop_sale")
            wrong = (skus and reply.get("sku") and reply["sku"] not in skus) or (
                kind == "out_of_catalog" and reply.get("sources")) or (
                not shop_level and facts.foreign_price(text, skus, allowed))
            if wrong and label.get("expect") != "silent":
                tally["wrong_product"] += 1
                problems.append("WRONG PRODUCT")
            invented = [n for n in numbers_in(text) if n not in facts.numbers and n not in allowed
                        and not (n.isdigit() and int(n) <= 10) and not facts.derivable(n, skus)]
            if invented:
                tally["invented"] += 1
                problems.append(f"invented {invented}")
            if any(b in text for b in BANNED):
                tally["banned"] += 1
                problems.append("BANNED")
        if show_cases and (not verdict.ok or problems):
            tally["failures"].append(f"  {folder.name}/{split}:{label['line']} [{kind}] {event.get('text')!r}\n"
                                     f"      -> {text!r}  ({verdict.why}{'; ' if problems else ''}{', '.join(problems)})")
    return tally


def merge(into: dict, tally: dict) -> None:
    for key in ("wrong_product", "invented", "banned", "cases", "ok"):
        into[key] = into.get(key, 0) + tally[key]
    for kind, (ok, n) in tally["by_kind"].items():
        entry = into.setdefault("by_kind", {}).setdefault(kind, [0, 0])
        entry[0] += ok
        entry[1] += n
    into.setdefault("failures", []).extend(tally["failures"])


def print_tally(name: str, tally: dict) -> None:
    if not tally.get("cases"):
        print(f"{name}: no cases")
        return
    print(f"{name}: {tally['ok']}/{tally['cases']} = {tally['ok'] / tally['cases']:.1%} right; "
          f"wrong-product answers {tally['wrong_product']}, replies with invented numbers {tally['invented']}, "
          f"banned terms {tally['banned']}")
    for kind, (ok, n) in sorted(tally["by_kind"].items()):
        print(f"    {kind:15s} {ok:4d}/{n:<4d} {ok / n:6.1%}")


def example_set(embeddings: bool, show_cases: bool = False) -> None:
    import bench_replay
    from stream.answering import make_answerer
    from stream.catalog_file import load_catalog_file
    from stream.compliance import make_checker, make_reader
    from stream.persona_bundle import load_persona
    from stream.replay import ReplaySimulator, read_chat_lines
    from stream.replay_report import report_json

    examples = ROOT / "examples"
    catalog = load_catalog_file(examples / "catalog.yaml")
    labels = {l["line"]: l for l in read_labels(examples / "chat.expected.jsonl")}
    result = ReplaySimulator(catalog, load_persona("default").style, seed=0, started_at=bench_replay.START,
                             checker=make_checker(), reader=make_reader(),
                             answerer=make_answerer(catalog, embeddings=embeddings)).run(
        read_chat_lines((examples / "chat.jsonl").read_text(encoding="utf-8")))
    events = {e["line"]: e for e in report_json(result)["events"]}
    per: dict[str, list[int]] = {}
    for line, label in labels.items():
        entry = per.setdefault(str(label.get("expect")), [0, 0])
        right = bench_replay.judge(events[line], label, catalog)
        entry[0] += right
        entry[1] += 1
        if show_cases and not right and label.get("expect") not in (None, "silent"):
            reply = events[line].get("reply") or {}
            print(f"  examples:{line} [{label.get('expect')}] {events[line].get('text')!r}\n      -> {reply.get('text')!r}")
    asked = [v for k, v in per.items() if k not in ("None", "silent")]
    ok, n = sum(v[0] for v in asked), sum(v[1] for v in asked)
    print(f"example set (examples/, rundown running free): questions {ok}/{n} = {ok / n:.1%}")
    for key, (ok, n) in sorted(per.items()):
        print(f"    expect={key:9s} {ok:4d}/{n:<4d}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fairness", type=Path, help="check a set's human and wrong replies, then stop")
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--sets", type=Path, default=SETS)
    parser.add_argument("--quiet", action="store_true", help="no per-case failures for the open part")
    parser.add_argument("--unseal", action="store_true",
                        help="also print the sealed part's failures: only when a round's work is done, after "
                             "which those sets count as open and a new sealed set is written")
    args = parser.parse_args()
    if args.fairness:
        return fairness(args.fairness)
    embeddings = not args.no_embeddings
    totals = {"open": {}, "sealed": {}}
    cache: dict = {}
    show_seconds = wall = 0.0
    latencies = []
    for folder in sorted(p for p in args.sets.iterdir() if (p / "meta.json").exists()):
        facts = ShopFacts(folder / "catalog.yaml")
        for split in ("open", "sealed"):
            if not (folder / f"{split}.jsonl").exists():
                continue
            report, elapsed = replay(folder, split, embeddings, cache)
            wall += elapsed
            show_seconds += report["summary"]["duration_s"]
            if report["summary"]["p95_answer_s"] is not None:
                latencies.append(report["summary"]["p95_answer_s"])
            shown = (split == "open" and not args.quiet) or (split == "sealed" and args.unseal)
            merge(totals[split], score(folder, split, report, facts, show_cases=shown))
    for line in totals["open"].get("failures", []) + totals["sealed"].get("failures", []):
        print(line)
    print_tally("OPEN", totals["open"])
    print_tally("SEALED (rates only)", totals["sealed"])
    example_set(embeddings, show_cases=not args.quiet)
    if wall:
        print(f"replay speed: {show_seconds:.0f} s of show in {wall:.2f} s = {show_seconds / wall:.0f}x real time")
    if latencies:
        print(f"answer on air p95 per replay: max {max(latencies)} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
