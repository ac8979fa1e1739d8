"""The director as the operator, the rundown and the room see it (pure: simulated time only)."""
import dataclasses
from datetime import datetime, timezone

from script.catalog import catalog_from_data
from script.chat import ChatEvent
from script.director import (ApproveReply, CatalogUpdated, ChatReceived, Director, DirectorConfig, EmergencyStop,
                             GuardBlocked, LineDropped, LineVerdict, OperatorLogged, OperatorSay, PauseRundown,
                             PersonaChanged, PinProduct, PlaybackFinished, ProposeReply, RejectReply, Reply,
                             ResumeShow, Say, SetMode, ShowProduct, ShowStarted, StopShow)
from script.lines import LineKind, Priority
from stream.catalog_file import load_catalog_file
from stream.persona_bundle import load_persona
from stream.replay import ReplaySimulator

CATALOG = load_catalog_file("tests/data/three_products.yaml")
STYLE = load_persona("default").style
START = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)


def said(actions):
    return [a.line for a in actions if isinstance(a, Say)]


def finish(director, line, t):
    return director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), t)


def started(config=None):
    director = Director(CATALOG, STYLE, config=config)
    first = said(director.feed(ShowStarted(START), 0.0))[0]
    return director, first


def ask(text, t=1.0, user="u1"):
    return ChatReceived(ChatEvent(t=t, type="comment", user=user, text=text))


def test_operator_line_cuts_the_rundown_and_is_logged_with_the_operator_name():
    director, line = started()
    actions = director.feed(OperatorSay("大家好，我是值班运营小王。今天发货正常。", "王敏"), 1.0)
    log = next(a for a in actions if isinstance(a, OperatorLogged))
    assert log.operator == "王敏" and log.action == "say"
    operator_line = said(actions)[0]
    assert operator_line.priority == Priority.OPERATOR and operator_line.sentences == ("大家好，我是值班运营小王。", "今天发货正常。")


def test_approve_mode_holds_answers_until_the_operator_approves_or_rejects():
    director, line = started()
    director.feed(SetMode("approve", "王敏"), 0.5)
    actions = director.feed(ask("这个茶多少钱?"), 1.0)
    proposal = next(a for a in actions if isinstance(a, ProposeReply))
    assert not said(actions) and "89元" in proposal.line.text
    assert director.proposals == (proposal,)
    approved = director.feed(ApproveReply(proposal.line.line_id, "王敏"), 2.0)
    assert said(approved) == [proposal.line]
    assert any(isinstance(a, Reply) and a.line == proposal.line for a in approved)
    second = next(a for a in director.feed(ask("充电宝多少钱?", user="u2"), 3.0) if isinstance(a, ProposeReply))
    rejected = director.feed(RejectReply(second.line.line_id, "王敏"), 3.5)
    assert LineDropped(second.line.line_id) in rejected and not said(rejected)
    assert "refused" in director.feed(ApproveReply("answer-999", "王敏"), 4.0)[0].detail


def test_takeover_stops_automatic_lines_and_the_operator_speaks_next():
    director, line = started()
    director.feed(SetMode("takeover", "王敏"), 0.5)
    assert finish(director, line, 2.0) == []  # no rundown line follows
    actions = director.feed(OperatorSay("这款茶我们明天补货。", "王敏"), 3.0)
    assert said(actions)[0].kind == LineKind.OPERATOR
    assert any(isinstance(a, ProposeReply) for a in director.feed(ask("多少钱"), 3.5))


def test_emergency_stop_drops_everything_queued_until_resumed():
    director, line = started(DirectorConfig(max_answer_wait_s=60.0))  # the second answer waits in the queue
    director.feed(ask("这个茶多少钱?"), 1.0)
    director.feed(ask("充电宝多少钱?", user="u2"), 1.1)
    actions = director.feed(EmergencyStop("王敏", "画面异常"), 1.2)
    assert StopShow("画面异常") in actions and any(isinstance(a, LineDropped) for a in actions)
    assert director.stopped and director.on_air is None
    assert not said(director.feed(ask("面霜多少钱?", user="u3"), 2.0))
    assert not said(director.feed(OperatorSay("测试", "王敏"), 2.5))
    resumed = director.feed(ResumeShow("王敏"), 3.0)
    assert said(resumed) and not director.stopped


def test_pinned_product_keeps_the_rundown_beyond_its_time_share():
    config = DirectorConfig(product_seconds=5.0)
    director, line = started(config)
    director.feed(PinProduct("C3003", "王敏"), 0.5)
    skus = set()
    t = 1.0
    for _ in range(12):
        line = said(finish(director, line, t))[0]
        skus.add(line.sku)
        t += 6.0
    assert skus <= {"C3003", None}
    refused = director.feed(PinProduct("NOPE", "王敏"), t)
    assert "refused" in refused[0].detail


def test_paused_rundown_goes_quiet_after_the_current_line_and_answers_still_air():
    director, line = started()
    director.feed(PauseRundown(True, "王敏"), 0.5)
    assert finish(director, line, 2.0) == []
    answer = said(director.feed(ask("这个茶多少钱?"), 3.0))[0]
    assert answer.priority == Priority.ANSWER
    assert finish(director, answer, 6.0) == []
    assert said(director.feed(PauseRundown(False, "王敏"), 7.0))


def test_welcomes_and_thanks_are_rate_limited_so_a_flood_never_drowns_the_selling():
    director, line = started()
    lines = []
    for i in range(200):
        kind = "gift" if i % 2 else "enter"
        actions = director.feed(ChatReceived(ChatEvent(1 + i * 0.05, kind, f"u{i}", "玫瑰", f"观众{i}")), 1 + i * 0.05)
        lines += [a.line for a in actions if isinstance(a, Reply) and a.line is not None]
    assert len(lines) == 1 and lines[0].priority == Priority.REACTION
    assert director.on_air == line  # the welcome waits for the current line instead of cutting it


def test_persona_change_takes_effect_with_the_next_line():
    director, line = started()
    beauty = load_persona("beauty").style
    log = director.feed(PersonaChanged(beauty, "王敏"), 1.0)
    assert log == [OperatorLogged("王敏", "persona", "beauty")]
    nxt = said(finish(director, line, 2.0))[0]
    assert nxt.kind == LineKind.OPENER and any(o.split("{title}")[0] in nxt.text for o in beauty.openers)


def test_a_blocked_line_is_logged_with_its_rule_and_replaced_by_a_safe_one():
    def no_specs(line, products, now):
        blocked = ("test_rule",) if line.kind == LineKind.SPECS else ()
        return LineVerdict(blocked, line)

    director = Director(CATALOG, STYLE, checker=no_specs)
    line = said(director.feed(ShowStarted(START), 0.0))[0]
    blocks = []
    for i in range(6):
        actions = finish(director, line, 1.0 + i)
        blocks += [a for a in actions if isinstance(a, GuardBlocked)]
        line = said(actions)[0]
        assert line.kind != LineKind.SPECS
    assert blocks and blocks[0].rules == ("test_rule",) and blocks[0].replaced_by


def simulate(minutes, seed=0, config=None, catalog=CATALOG):
    simulator = ReplaySimulator(catalog, STYLE, seed=seed, started_at=START, config=config)
    return simulator.run([], until=minutes * 60.0)


def test_the_ai_disclosure_recurs_on_schedule():
    result = simulate(21)
    starts = [a.start for a in result.aired if a.kind == "disclosure" and not a.cut]
    assert len(starts) >= 4
    assert all(300.0 <= b - a < 330.0 for a, b in zip(starts, starts[1:]))


def test_a_disclosure_the_voice_failed_to_make_is_said_again_soon_not_an_interval_later():
    director = Director(CATALOG, STYLE, config=DirectorConfig(disclosure_every_s=300, disclosure_retry_s=20))
    disclosure = said(director.feed(ShowStarted(START), 0.0))[0]
    assert disclosure.kind == LineKind.DISCLOSURE
    line = said(director.feed(PlaybackFinished(disclosure.line_id, len(disclosure.sentences), False,
                                               voice_failed=True), 4.0))[0]
    t, kinds = 4.0, []
    while t < 40.0:
        t += 3.0
        line = said(finish(director, line, t))[0]
        kinds.append((t, line.kind))
    again = [at for at, kind in kinds if kind == LineKind.DISCLOSURE]
    assert again and 20.0 <= again[0] <= 30.0
    # A disclosure that was heard waits the whole interval.
    heard = Director(CATALOG, STYLE, config=DirectorConfig(disclosure_every_s=300, disclosure_retry_s=20))
    first = said(heard.feed(ShowStarted(START), 0.0))[0]
    line = said(finish(heard, first, 4.0))[0]
    for step in range(1, 20):
        line = said(finish(heard, line, 4.0 + 3 * step))[0]
        assert line.kind != LineKind.DISCLOSURE


def test_each_product_gets_its_share_of_airtime_and_weights_are_honoured():
    even = simulate(30).products_shown
    total = sum(even.values())
    assert all(0.2 < s / total < 0.47 for s in even.values()) and len(even) == 3
    weighted = simulate(30, config=DirectorConfig(product_weights={"A1001": 2.0})).products_shown
    assert weighted["A1001"] > 1.5 * weighted["B2002"]


def test_no_identical_rundown_line_within_an_hour():
    result = simulate(60)
    seen = {}
    for line in result.aired:
        if line.kind in ("opener", "specs", "scene", "objection", "promotion", "policy", "close") and not line.cut:
            assert line.text not in seen, f"repeated within the hour: {line.text}"
            seen[line.text] = line.start
    assert len(seen) > 100


def test_same_seed_same_show_and_another_seed_another_show():
    a = [x.text for x in simulate(10, seed=7).aired]
    assert a == [x.text for x in simulate(10, seed=7).aired]
    assert a != [x.text for x in simulate(10, seed=8).aired]


def test_catalog_reload_mid_show_uses_the_new_price_from_the_next_line_on():
    director, line = started(DirectorConfig(disclosure_every_s=10_000))
    line = said(finish(director, line, 3.0))[0]
    assert line.sku == "A1001"
    data = {"shop": {"name": "山野优选"}, "products": [
        {"sku": "A1001", "title": "高山乌龙茶 250g", "category": "food", "price": 79.0, "list_price": 129.0,
         "specs": {"净含量": "250g"}, "policies": {"returns": "七天无理由退货"}},
        {"sku": "B2002", "title": "便携充电宝 10000mAh", "category": "electronics", "price": 99.9, "stock": 0},
        {"sku": "C3003", "title": "保湿修护面霜 50ml", "category": "beauty", "price": 159.0}]}
    actions = director.feed(CatalogUpdated(catalog_from_data(data)), 4.0)
    assert ShowProduct("A1001") in actions  # the card redraws with the new price
    lines = said(actions)
    t = 5.0
    for _ in range(40):
        for l in lines:
            assert "89元" not in l.text, l.text
            assert l.sku != "B2002"  # sold out: no selling line
        if not lines:
            break
        lines = said(finish(director, lines[-1], t))
        t += 5.0
    answer = said(director.feed(ask("这个茶多少钱?"), t))[0]
    assert "79元" in answer.text
    sold_out = said(director.feed(ask("充电宝多少钱?", user="u9"), t + 0.1)) or director.proposals
    queued = [a for a in director.feed(ask("充电宝多少钱?", user="u10"), t + 0.2) if isinstance(a, Reply)]
    assert "售罄" in queued[0].line.text


def test_a_rewrite_is_used_only_when_the_guard_passes_it():
    def shouting(line):
        return dataclasses.replace(line, sentences=tuple(s.replace("。", "！") for s in line.sentences))

    def bragging(line):
        return dataclasses.replace(line, sentences=("全网最低价！",) + line.sentences)

    def no_best(line, products, now):
        return LineVerdict(("absolute_terms",) if "最" in line.text else (), line)

    def broken(line):
        raise RuntimeError("model crashed")

    for polisher, rewritten in ((shouting, True), (bragging, False), (broken, False)):
        director = Director(CATALOG, STYLE, checker=no_best, polisher=polisher,
                            config=DirectorConfig(disclosure_every_s=10_000))
        disclosure = said(director.feed(ShowStarted(START), 0.0))[0]
        line = said(finish(director, disclosure, 5.0))[0]
        assert line.kind == LineKind.OPENER
        assert ("！" in line.text) == rewritten and "最" not in line.text
