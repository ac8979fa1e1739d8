"""The console's view of the director, the operator settings a restarted stage gets back, and
replies announced only once aired (pure: no server, no clock)."""
import logging
from datetime import datetime, timezone

from script.director import (Director, EmergencyStop, GuardBlocked, OperatorLogged, PauseRundown, PinProduct,
                             SetMode, ShowStarted, StopShow)
from stream.catalog_file import load_catalog_file
from stream.console_feed import ConsoleFeed, OperatorSettings, console_message
from stream.persona_bundle import load_persona
from stream.reply_announcer import ReplyAnnouncer

CATALOG = load_catalog_file("tests/data/three_products.yaml")
STYLE = load_persona("default").style
START = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)


def fresh_director() -> Director:
    director = Director(CATALOG, STYLE)
    director.feed(ShowStarted(START), 0.0)
    return director


def feed_all(director: Director, feed: ConsoleFeed, events: list[object], t: float = 1.0) -> None:
    for event in events:
        for action in director.feed(event, t):
            feed.on_action(action, t)


def test_settings_follow_what_the_director_applied_and_a_fresh_director_gets_them_back():
    held = []
    feed = ConsoleFeed(lambda message: None, held.append)
    feed_all(fresh_director(), feed, [SetMode("approve", "Li Na"), SetMode("bogus", "Li Na"),
                                      PinProduct("B2002", "Li Na"), PinProduct("NOPE", "Li Na"),
                                      PauseRundown(True, "Li Na")])
    assert feed.settings == OperatorSettings(mode="approve", paused=True, pinned="B2002")

    restarted = fresh_director()
    again = ConsoleFeed(lambda message: None, held.append)
    feed_all(restarted, again, feed.settings.restore(holding=True))
    assert again.settings == feed.settings
    assert restarted.mode == "approve" and restarted.stopped
    assert held == [True]  # the restored stop puts the holding card up again


def test_unpin_and_unpause_are_followed_and_not_restored():
    feed = ConsoleFeed(lambda message: None, lambda on: None)
    feed_all(fresh_director(), feed, [PinProduct("A1001", "x"), PauseRundown(True, "x"),
                                      PinProduct(None, "x"), PauseRundown(False, "x")])
    assert feed.settings == OperatorSettings()
    assert [type(e) for e in feed.settings.restore(holding=False)] == [SetMode]


def test_operator_actions_are_audited_with_the_name_and_published(caplog):
    caplog.set_level(logging.INFO, logger="livehost.audit")
    published = []
    feed = ConsoleFeed(published.append, lambda on: None)
    feed_all(fresh_director(), feed, [EmergencyStop("王敏", "test")])
    audits = [m for m in published if m["type"] == "audit"]
    assert audits[0] == {"type": "audit", "operator": "王敏", "action": "emergency_stop", "detail": "test"}
    record = next(r for r in caplog.records if r.name == "livehost.audit")
    assert record.operator == "王敏" and record.action == "emergency_stop"


def test_console_messages_name_what_the_guard_blocked_and_skip_what_it_does_not_show():
    blocked = console_message(GuardBlocked("l1", "answer", ("superlative", "medical"), "全网最好", None))
    assert blocked == {"type": "error", "message": "guard blocked the answer line (superlative, medical): 全网最好"}
    assert console_message(StopShow("x")) is None
    assert console_message(OperatorLogged("a", "pause", ""))["type"] == "audit"


def reply(t_on_air: float, text: str) -> dict:
    return {"type": "reply", "user": "u", "text": text, "t_on_air": t_on_air}


def test_replies_are_announced_once_each_when_their_first_frame_has_aired():
    chat, console = [], []
    announcer = ReplyAnnouncer(chat.append, console.append)
    announcer.add(reply(1.00, "first"))
    announcer.add(reply(2.00, "second"))
    announcer.announce(1.00)  # the frame at 1.00 s has not been sent yet
    assert chat == []
    announcer.announce(1.04)
    assert [m["text"] for m in chat] == ["first"]
    announcer.announce(5.0)
    announcer.announce(6.0)
    assert [m["text"] for m in chat] == ["first", "second"]
    assert console == [{"type": "reply", "user": "u", "text": "first"},
                       {"type": "reply", "user": "u", "text": "second"}]
