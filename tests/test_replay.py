"""`livehost replay`: recorded chat against a catalog, on a simulated clock, into a report."""
import json

from stream.cli import main

CHAT = [
    {"t": 1.0, "type": "enter", "user": "u1", "nick": "小鹿"},
    {"t": 5.0, "type": "comment", "user": "u2", "nick": "阿明", "text": "这个茶多少钱?"},
    {"t": 5.4, "type": "comment", "user": "u3", "text": "这个茶多少钱?"},
    "not json at all",
    {"t": 9.0, "type": "gift", "user": "u4", "nick": "大熊", "text": "玫瑰"},
    {"t": 20.0, "type": "comment", "user": "u5", "text": "充电宝有多重?"},
    {"t": 21.0, "type": "dance", "user": "u6"},
]


def test_an_answer_whose_audio_comes_late_is_covered_by_an_acknowledgement_first():
    from datetime import datetime

    from script.chat import ChatEvent
    from stream.catalog_file import load_catalog_file
    from stream.persona_bundle import load_persona
    from stream.replay import ReplaySimulator, SpeechModel

    slow = SpeechModel(first_audio_s=1.5)  # e.g. a voice without a synthesis cache
    simulator = ReplaySimulator(load_catalog_file("tests/data/three_products.yaml"), load_persona("default").style,
                                speech=slow, started_at=datetime.fromisoformat("2026-11-23T20:00:00+08:00"))
    result = simulator.run([(1, ChatEvent(5.0, "comment", "u2", "这个茶多少钱?"), None)])
    reply = next(r.reply for r in result.events if r.reply is not None)
    assert 5.0 <= reply.t_ack < 5.0 + 0.5  # the acknowledgement at the cut
    assert reply.t_on_air >= 5.0 + 1.5  # the answer once its audio exists


def write_chat(path, items):
    path.write_text("\n".join(i if isinstance(i, str) else json.dumps(i, ensure_ascii=False) for i in items) + "\n",
                    encoding="utf-8")


def replay(tmp_path, name, seed=3, chat=CHAT):
    chat_path = tmp_path / "chat.jsonl"
    write_chat(chat_path, chat)
    out = tmp_path / name
    code = main(["replay", "--catalog", "tests/data/three_products.yaml", "--chat", str(chat_path), "--out", str(out),
                 "--seed", str(seed), "--start", "2026-11-23T20:00:00+08:00"])
    assert code == 0
    return json.loads((out / "report.json").read_text(encoding="utf-8")), out


def test_report_follows_the_contract_and_malformed_lines_become_error_records(tmp_path):
    report, out = replay(tmp_path, "a")
    events = report["events"]
    assert len(events) == len(CHAT)
    errors = [e for e in events if e["kind"] == "error"]
    assert [e["line"] for e in errors] == [4, 7] and "JSON" in errors[0]["error"] and "type" in errors[1]["error"]
    price = next(e for e in events if e.get("user") == "u2")
    assert price["kind"] == "question" and "89元" in price["reply"]["text"]
    assert price["reply"]["sku"] == "A1001" and "A1001.price" in price["reply"]["sources"]
    # The answer cuts in at once: it opens with the persona's prefix, synthesized before anyone asked.
    assert price["t"] <= price["reply"]["t_ack"] == price["reply"]["t_on_air"] < price["t"] + 0.5
    duplicate = next(e for e in events if e.get("user") == "u3")
    assert duplicate["reply"]["text"] == price["reply"]["text"]  # merged into one answer
    summary = report["summary"]
    assert summary["questions"] == 3 and summary["answered"] == 3 and summary["malformed"] == 2
    assert summary["merged_answers"] == 1 and summary["p95_answer_s"] < 4.0
    assert {"questions", "answered", "p95_answer_s", "guard_blocks"} <= set(summary)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "这个茶多少钱?" in page and "malformed" in page


def test_same_seed_same_report_and_chat_text_is_escaped_in_html(tmp_path):
    chat = CHAT + [{"t": 30.0, "type": "comment", "user": "x", "text": "<script>alert(1)</script>多少钱?"}]
    first, out = replay(tmp_path, "a", seed=5, chat=chat)
    second, _ = replay(tmp_path, "b", seed=5, chat=chat)
    assert first == second
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_unreadable_chat_file_is_named(tmp_path, capsys):
    code = main(["replay", "--catalog", "examples/catalog.yaml", "--chat", str(tmp_path / "missing.jsonl"),
                 "--out", str(tmp_path / "r")])
    assert code == 2 and "missing.jsonl" in capsys.readouterr().err
