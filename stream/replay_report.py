"""The replay report: `report.json` (DESIGN.md contract) and a human-readable `report.html`."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from script.catalog import Catalog

from .catalog_images import write_thumbnails
from .replay import EventRecord, ReplayResult


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))], 3)


def answer_latencies(result: ReplayResult) -> list[tuple[float, float]]:
    """(question time, seconds until its answer went on air) for every answered question."""
    return [(r.t, round(r.reply.t_on_air - r.t, 3)) for r in result.events
            if r.kind == "question" and r.reply is not None and r.reply.t_on_air is not None]


def _event_json(record: EventRecord) -> dict[str, Any]:
    if record.error is not None:
        return {"line": record.line, "t": record.t, "kind": "error", "error": record.error, "reply": None}
    reply = None
    if record.reply is not None:
        r = record.reply
        reply = {"text": r.text, "sku": r.sku, "sources": list(r.sources), "t_ack": r.t_ack, "t_on_air": r.t_on_air}
        if r.guard_hits:
            reply["guard_hits"] = list(r.guard_hits)
    out: dict[str, Any] = {"line": record.line, "t": record.t, "user": record.user, "text": record.text,
                           "kind": record.kind, "reply": reply}
    if record.flags:
        out["flags"] = list(record.flags)
    if record.shown_sku:
        out["shown_sku"] = record.shown_sku
    return out


def summarize(result: ReplayResult, violations: int | None = None) -> dict[str, Any]:
    records = [r for r in result.events if r.error is None]
    questions = [r for r in records if r.kind == "question"]
    answered = [r for r in questions if r.reply is not None and r.reply.t_on_air is not None]
    kinds: dict[str, int] = {}
    for r in records:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    airtime = sum(result.products_shown.values()) or 1.0
    summary: dict[str, Any] = {
        "questions": len(questions),
        "answered": len(answered),
        "p95_answer_s": _p95([lat for _, lat in answer_latencies(result)]),
        "guard_blocks": len(result.guard_blocks),
        "events": len(records),
        "malformed": len(result.events) - len(records),
        "kinds": dict(sorted(kinds.items())),
        "dropped_answers": sum(1 for r in questions if r.reply is not None and r.reply.t_on_air is None),
        "merged_answers": len(answered) - len({r.reply.line_id for r in answered if r.reply}),
        "lines_aired": len(result.aired),
        "ai_disclosures": sum(1 for a in result.aired if a.kind == "disclosure"),
        "product_airtime_share": {sku: round(s / airtime, 3) for sku, s in sorted(result.products_shown.items())},
        "duration_s": round(result.duration_s, 3),
        "seed": result.seed,
        "persona": result.persona,
        "started_at": result.started_at.isoformat() if result.started_at else None,
    }
    if violations is not None:
        summary["guard_violations_on_air"] = violations
    return summary


def report_json(result: ReplayResult, violations: int | None = None) -> dict[str, Any]:
    return {
        "events": [_event_json(r) for r in result.events],
        "summary": summarize(result, violations),
        "guard": [{"t": g.t, "line_id": g.line_id, "kind": g.kind, "rules": list(g.rules), "text": g.text,
                   "replaced_by": g.replaced_by} for g in result.guard_blocks],
        "aired": [{"line_id": a.line_id, "kind": a.kind, "sku": a.sku, "text": a.text, "start": a.start,
                   "end": a.end, "cut": a.cut, "sources": list(a.sources)} for a in result.aired],
    }


def _latency_svg(points: list[tuple[float, float]], width: int = 720, height: int = 200) -> str:
    if not points:
        return "<p>No answered questions.</p>"
    t_max = max(t for t, _ in points) or 1.0
    l_max = max(1.0, max(lat for _, lat in points))
    pad = 30
    dots = "".join(
        f'<circle cx="{pad + (width - 2 * pad) * t / t_max:.1f}" cy="{height - pad - (height - 2 * pad) * lat / l_max:.1f}"'
        f' r="3" fill="{"#c0392b" if lat > 1.0 else "#2e86de"}"><title>t={t:.1f}s latency={lat:.2f}s</title></circle>'
        for t, lat in points)
    one_second = height - pad - (height - 2 * pad) * 1.0 / l_max
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="answer latency">'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#555"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#555"/>'
            f'<line x1="{pad}" y1="{one_second:.1f}" x2="{width - pad}" y2="{one_second:.1f}" stroke="#c0392b" '
            f'stroke-dasharray="4"/><text x="{width - pad - 60}" y="{one_second - 4:.1f}" font-size="11">1.0 s</text>'
            f'<text x="{pad}" y="{height - 8}" font-size="11">0 s</text>'
            f'<text x="{width - pad - 40}" y="{height - 8}" font-size="11">{t_max:.0f} s</text>'
            f'<text x="2" y="{pad - 8}" font-size="11">{l_max:.1f} s</text>{dots}</svg>')


def _photo_cell(product: dict[str, Any]) -> str:
    if not product["image"]:
        return "(no photo)"
    return f'<img src="{html.escape(product["image"])}" alt="{html.escape(product["title"])}" height="96">'


def report_html(report: dict[str, Any], latencies: list[tuple[float, float]]) -> str:
    esc = html.escape
    summary = report["summary"]
    photos = {p["sku"]: p["image"] for p in report.get("products", []) if p["image"]}
    rows = []
    for e in report["events"]:
        reply = e.get("reply")
        if e["kind"] == "error":
            rows.append(f'<tr class="error"><td>{e["line"]}</td><td>{e["t"]:.2f}</td><td></td>'
                        f'<td colspan="5">malformed: {esc(e["error"])}</td></tr>')
            continue
        latency = ""
        if reply and reply.get("t_on_air") is not None:
            latency = f'{reply["t_on_air"] - e["t"]:.2f}'
        elif reply:
            latency = "dropped"
        hits = ", ".join(reply.get("guard_hits", [])) if reply else ""
        photo = photos.get(reply.get("sku")) if reply else None
        thumb = f'<img src="{esc(photo)}" alt="" height="48"> ' if photo else ""
        rows.append(
            f'<tr class="{esc(e["kind"])}"><td>{e["line"]}</td><td>{e["t"]:.2f}</td><td>{esc(e["user"])}</td>'
            f'<td>{esc(e["text"])}</td><td>{esc(e["kind"])}{" (" + esc(", ".join(e["flags"])) + ")" if e.get("flags") else ""}</td>'
            f'<td>{thumb}{esc(reply["text"]) if reply else "—"}</td>'
            f'<td>{esc(", ".join(reply["sources"])) if reply else ""}</td>'
            f'<td>{latency}</td><td>{esc(hits)}</td></tr>')
    guard_rows = "".join(
        f'<tr><td>{g["t"]:.2f}</td><td>{esc(g["kind"])}</td><td>{esc(", ".join(g["rules"]))}</td>'
        f'<td>{esc(g["text"])}</td><td>{esc(g["replaced_by"] or "—")}</td></tr>' for g in report["guard"])
    product_rows = "".join(f'<tr><td>{esc(p["sku"])}</td><td>{esc(p["title"])}</td><td>{_photo_cell(p)}</td></tr>'
                           for p in report.get("products", []))
    products = (f'<h2>Products</h2><table><tr><th>sku</th><th>title</th><th>photo</th></tr>{product_rows}</table>'
                if product_rows else "")
    summary_rows = "".join(f"<tr><th>{esc(str(k))}</th><td>{esc(json.dumps(v, ensure_ascii=False))}</td></tr>"
                           for k, v in summary.items())
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>livehost replay report</title>
<style>
body {{ font-family: system-ui, "Noto Sans SC", sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; margin: 12px 0; font-size: 13px; }}
td, th {{ border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }}
tr.error td {{ background: #fdecea; }} tr.spam td, tr.abuse td {{ color: #888; }}
</style></head><body>
<h1>Replay report — persona {esc(str(summary["persona"]))}, seed {summary["seed"]}</h1>
<h2>Summary</h2><table>{summary_rows}</table>
{products}
<h2>Answer latency (question → answer on air)</h2>{_latency_svg(latencies)}
<h2>Guard blocks</h2><table><tr><th>t</th><th>kind</th><th>rules</th><th>blocked text</th><th>said instead</th></tr>{guard_rows}</table>
<h2>Events</h2>
<table><tr><th>line</th><th>t (s)</th><th>user</th><th>text (redacted)</th><th>kind</th><th>reply</th><th>sources</th>
<th>latency (s)</th><th>guard</th></tr>{"".join(rows)}</table>
</body></html>
"""


def write_report(result: ReplayResult, out_dir: Path, violations: int | None = None,
                 catalog: Catalog | None = None) -> dict[str, Any]:
    """With `catalog`, the report also lists its products, with a thumbnail of each usable photo in
    DIR/images (the HTML stays viewable when the folder is copied elsewhere)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report_json(result, violations)
    if catalog is not None:
        thumbs = write_thumbnails(catalog, out_dir / "images")
        report["products"] = [{"sku": p.sku, "title": p.title,
                               "image": f"images/{thumbs[p.sku]}" if p.sku in thumbs else None}
                              for p in catalog.products]
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "report.html").write_text(report_html(report, answer_latencies(result)), encoding="utf-8")
    return report
