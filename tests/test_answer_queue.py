"""The answer queue in the director, specified for the cases tests/test_director.py leaves open:
a burst of questions at one instant cuts a long answer once (not each other), the cut answer's
rest comes after every fresh answer already waiting, a rest cut again comes back from its own cut
sentence, and a welcome waits behind a rest. Times are the director's own `now`; nothing sleeps.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from script.chat import ChatEvent
from script.director import ChatReceived, CutAtWordBoundary, Director, PlaybackFinished, Reply, Say, ShowStarted
from script.lines import Priority
from stream.catalog_file import load_catalog_file
from stream.persona_bundle import load_persona

CATALOG = load_catalog_file(Path(__file__).parent / "data" / "three_products.yaml")
STYLE = load_persona("default").style
SHOW_START = datetime(2026, 3, 15, 20, 0, tzinfo=timezone(timedelta(hours=8)))  # the tea's 满199减30 runs
CHARS_PER_S = 4.6  # DirectorConfig.speech_chars_per_s at the default persona's pace 1.0


def ask(text: str, user: str, t: float) -> ChatReceived:
    return ChatReceived(ChatEvent(t=t, type="comment", user=user, text=text))


def seconds(line) -> float:
    return len(line.text) / CHARS_PER_S


def said(actions) -> list:
    return [a.line for a in actions if isinstance(a, Say)]


def cuts(actions) -> list[str]:
    return [a.line_id for a in actions if isinstance(a, CutAtWordBoundary)]


def replies(actions) -> list:
    return [a.line for a in actions if isinstance(a, Reply)]


def on_air_with_a_long_answer(t: float = 1.0):
    """A show whose first viewer's two-sentence answer went on air at `t`."""
    director = Director(CATALOG, STYLE)
    director.feed(ShowStarted(SHOW_START), 0.0)
    first = said(director.feed(ask("茶的活动怎么算", "u1", t), t))[-1]
    assert first.priority == Priority.ANSWER and len(first.sentences) == 2
    return director, first


def finished(director: Director, line, t: float) -> list:
    return director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), t)


def test_a_burst_at_one_instant_cuts_the_long_answer_once_and_the_rest_wait_in_order():
    director, first = on_air_with_a_long_answer(t=1.0)
    assert seconds(first) - 1.0 > 2.0  # a second in, more than two seconds of it are left
    burst = [("充电宝多少钱?", "u2"), ("面霜多少钱?", "u3"), ("茶产地是哪里的?", "u4")]
    actions = [director.feed(ask(text, user, 2.0), 2.0) for text, user in burst]
    # The first of the burst cuts the long answer and goes on air ...
    assert cuts(actions[0]) == [first.line_id]
    second = said(actions[0])[-1]
    assert second.sku == "B2002" and seconds(second) > 2.0  # itself long enough to be cut, were it not new
    # ... the others, at the same instant, wait: they cut neither it nor each other.
    assert cuts(actions[1]) == [] and cuts(actions[2]) == []
    assert said(actions[1]) == [] and said(actions[2]) == []
    waiting = [replies(actions[1])[0], replies(actions[2])[0]]
    assert [w.sku for w in waiting] == ["C3003", "A1001"]
    # The runtime reports the first answer cut inside its second sentence.
    assert director.feed(PlaybackFinished(first.line_id, 1, True), 2.1) == []
    # Fresh answers first, in the order asked; then the rest of the cut answer.
    third = said(finished(director, second, 5.0))[0]
    fourth = said(finished(director, third, 8.0))[0]
    rest = said(finished(director, fourth, 11.0))[0]
    assert (third.line_id, fourth.line_id) == (waiting[0].line_id, waiting[1].line_id)
    assert third.priority == fourth.priority == Priority.ANSWER
    assert rest.priority == Priority.ANSWER_TAIL and rest.resumes == first.line_id
    assert rest.sentences == first.sentences[1:]


def test_a_rest_cut_again_comes_back_from_its_own_cut_sentence_after_the_fresh_answer():
    director, first = on_air_with_a_long_answer(t=1.0)
    second = said(director.feed(ask("充电宝多少钱?", "u2", 2.0), 2.0))[-1]
    director.feed(PlaybackFinished(first.line_id, 0, True), 2.1)  # cut in its first sentence
    rest = said(finished(director, second, 5.0))[0]
    assert rest.priority == Priority.ANSWER_TAIL and rest.sentences == first.sentences
    # A fresh question cuts the rest at once (a rest never holds a fresh answer back) ...
    fresh = director.feed(ask("面霜多少钱?", "u3", 5.2), 5.2)
    assert cuts(fresh) == [rest.line_id]
    third = said(fresh)[-1]
    assert third.priority == Priority.ANSWER and third.sku == "C3003"
    # ... and the runtime reports the rest cut inside its second sentence: that one comes back.
    assert director.feed(PlaybackFinished(rest.line_id, 1, True), 5.3) == []
    again = said(finished(director, third, 8.0))[0]
    assert again.priority == Priority.ANSWER_TAIL
    assert again.sentences == first.sentences[1:] and again.resumes == first.line_id


def test_a_welcome_waits_behind_the_rest_of_a_cut_answer():
    director, first = on_air_with_a_long_answer(t=1.0)
    second = said(director.feed(ask("充电宝多少钱?", "u2", 2.0), 2.0))[-1]
    director.feed(PlaybackFinished(first.line_id, 1, True), 2.1)
    welcome_actions = director.feed(ChatReceived(ChatEvent(t=2.5, type="enter", user="u9", nick="小鹿")), 2.5)
    welcome = replies(welcome_actions)[0]
    assert welcome is not None and welcome.priority == Priority.REACTION
    assert cuts(welcome_actions) == []  # a welcome cuts no answer
    rest = said(finished(director, second, 5.0))[0]
    assert rest.resumes == first.line_id and rest.priority == Priority.ANSWER_TAIL
    assert said(finished(director, rest, 7.0))[0].line_id == welcome.line_id
