import re

from script.answers import answer_question
from script.chat import ChatEvent
from script.director import (ChatClassified, ChatReceived, CutAtWordBoundary, Director, LineDropped,
                             PlaybackFinished, Reply, Say, ShowProduct, ShowStarted)
from script.lines import LineKind, Priority
from script.writer import write_selling_line
from stream.catalog_file import load_catalog_file
from stream.persona_bundle import load_persona

CATALOG = load_catalog_file("tests/data/three_products.yaml")
STYLE = load_persona("default").style


def finish(director, line, t):
    return director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), t)


def ask(text, t=2.0, user="u1"):
    return ChatEvent(t=t, type="comment", user=user, text=text)


def test_selling_line_states_the_catalog_price_and_facts():
    for product in CATALOG.products:
        line = write_selling_line(product, STYLE, cycle=0, line_id="x")
        assert f"{product.price:g}元" in line.text
        assert f"{product.sku}.price" in line.sources
        for source in line.sources:
            if ".specs." in source:
                name = source.split(".specs.")[1]
                assert name in line.text and product.specs[name] in line.text
        assert line.priority == Priority.RUNDOWN and len(line.sentences) >= 4


def test_lines_vary_between_cycles_but_are_deterministic():
    tea = CATALOG.product("A1001")
    first = write_selling_line(tea, STYLE, cycle=0, line_id="a")
    assert first == write_selling_line(tea, STYLE, cycle=0, line_id="a")
    assert first.text != write_selling_line(tea, STYLE, cycle=1, line_id="a").text


def test_price_answer_contains_the_catalog_price():
    answer = answer_question("这个茶多少钱?", CATALOG, current_sku="B2002")
    assert answer.sku == "A1001" and "89元" in "".join(answer.sentences)
    assert "A1001.price" in answer.sources


def test_price_answer_uses_the_product_on_screen_when_none_is_named():
    answer = answer_question("多少钱", CATALOG, current_sku="B2002")
    assert answer.sku == "B2002" and "99.9元" in "".join(answer.sentences)


def test_spec_and_policy_answers_come_from_the_catalog():
    spec = answer_question("这个茶产地是哪里的?", CATALOG, current_sku=None)
    assert "福建安溪" in "".join(spec.sentences) and spec.sources == ("A1001.specs.产地",)
    weight = answer_question("充电宝有多重?", CATALOG, current_sku=None)
    assert "198g" in "".join(weight.sentences)
    policy = answer_question("面霜可以退货吗", CATALOG, current_sku=None)
    assert "未拆封七天无理由退货" in "".join(policy.sentences)
    faq = answer_question("孕妇能喝吗?", CATALOG, current_sku="A1001")
    assert "孕期请遵医嘱" in "".join(faq.sentences)


def test_unknown_facts_are_never_invented():
    answer = answer_question("这个茶有没有蓝牙?", CATALOG, current_sku="A1001")
    text = "".join(answer.sentences)
    assert not re.search(r"\d", text) and answer.sources == ()
    from script.chat_understanding import classify_text
    assert classify_text("主播好漂亮").kind != "question"  # not a question: the director never asks for an answer


def test_question_cuts_the_line_at_a_word_boundary_and_the_line_resumes_from_the_cut_sentence():
    director = Director(CATALOG, STYLE)
    disclosure = director.feed(ShowStarted(), 0.0)
    assert [type(a) for a in disclosure] == [Say] and "AI" in disclosure[0].line.text
    start = finish(director, disclosure[0].line, 0.5)
    assert [type(a) for a in start] == [ShowProduct, Say]
    assert start[0] == ShowProduct("A1001")
    selling = start[1].line
    assert selling.sku == "A1001" and selling.priority == Priority.RUNDOWN
    assert len(selling.sentences) >= 2

    question = ask("这个茶多少钱?", t=2.0)
    actions = director.feed(ChatReceived(question), 2.0)
    assert [type(a) for a in actions] == [ChatClassified, Reply, CutAtWordBoundary, Say]
    classified, reply, cut, say_answer = actions
    assert classified.kind == "question"
    assert reply.event == question and reply.line == say_answer.line
    assert cut == CutAtWordBoundary(selling.line_id)
    answer = say_answer.line
    assert answer.priority == Priority.ANSWER and "89元" in answer.text

    # The runtime reports the selling line stopped inside its second sentence (index 1).
    assert director.feed(PlaybackFinished(selling.line_id, resume_from=1, interrupted=True), 2.3) == []
    assert director.on_air == answer

    resumed = director.feed(PlaybackFinished(answer.line_id, len(answer.sentences), False), 5.0)
    assert len(resumed) == 1 and isinstance(resumed[0], Say)
    assert resumed[0].line.sentences == selling.sentences[1:]
    assert resumed[0].line.resumes == selling.line_id and resumed[0].line.sku == "A1001"

    after = finish(director, resumed[0].line, 9.0)
    assert isinstance(after[-1], Say) and after[-1].line.sku == "A1001"  # the same product goes on


def test_a_question_near_the_end_of_an_answer_waits_its_turn():
    director = Director(CATALOG, STYLE)
    director.feed(ShowStarted(), 0.0)
    first = director.feed(ChatReceived(ask("茶多少钱?")), 1.0)[-1].line
    left = len(first.text) / 4.6 - 1.0  # the answer's length at pace 1.0, less a second; under 2 s left:
    second = director.feed(ChatReceived(ask("充电宝多少钱?", user="u2")), 1.0 + len(first.text) / 4.6 - 1.0)
    assert left > 0 and [type(a) for a in second] == [ChatClassified, Reply]
    after_first = director.feed(PlaybackFinished(first.line_id, len(first.sentences), False), 30.0)
    assert isinstance(after_first[0], Say) and after_first[0].line.sku == "B2002"
    assert after_first[0].line.priority == Priority.ANSWER


def test_a_question_never_waits_long_behind_another_viewers_answer():
    director = Director(CATALOG, STYLE)
    director.feed(ShowStarted(), 0.0)
    first = director.feed(ChatReceived(ask("茶多少钱?")), 1.0)[-1].line
    assert len(first.text) / 4.6 > 3.0  # more than two seconds of it are left a second in
    just_started = Director(CATALOG, STYLE)  # (one that has only just started is let on air)
    just_started.feed(ShowStarted(), 0.0)
    just_started.feed(ChatReceived(ask("茶多少钱?")), 1.0)
    assert not any(isinstance(a, CutAtWordBoundary)
                   for a in just_started.feed(ChatReceived(ask("充电宝多少钱?", user="u2")), 1.5))
    second = director.feed(ChatReceived(ask("充电宝多少钱?", user="u2")), 2.0)
    assert isinstance(second[-2], CutAtWordBoundary) and second[-2].line_id == first.line_id
    assert isinstance(second[-1], Say) and second[-1].line.sku == "B2002"
    # The first answer's rest is said after, behind fresh answers, and a fresh one cuts it again.
    cut_at = director.feed(PlaybackFinished(first.line_id, 0, True), 2.1)
    assert cut_at == []
    tail = finish(director, second[-1].line, 5.0)[0]
    assert isinstance(tail, Say) and tail.line.sku == "A1001" and tail.line.priority == Priority.ANSWER_TAIL
    third = director.feed(ChatReceived(ask("面霜多少钱?", user="u3")), 6.0)
    assert isinstance(third[-2], CutAtWordBoundary) and third[-2].line_id == tail.line.line_id


def test_non_questions_get_no_reply_line():
    director = Director(CATALOG, STYLE)
    director.feed(ShowStarted(), 0.0)
    actions = director.feed(ChatReceived(ChatEvent(1.0, "like", "u3")), 1.0)
    assert actions[-1] == Reply(ChatEvent(1.0, "like", "u3"), None) and actions[0].kind == "other"


def test_one_shared_character_does_not_switch_products():
    shelf_life = answer_question("保质期多久?", CATALOG, current_sku="A1001")  # 保 is also in 保湿面霜
    assert shelf_life.sku == "A1001" and "18个月" in "".join(shelf_life.sentences)
    assert answer_question("宝宝能用吗?", CATALOG, current_sku="A1001").sku == "A1001"


def test_duplicate_questions_get_one_answer_and_a_flood_is_capped():
    from script.director import MAX_QUEUED_ANSWERS, DirectorConfig

    # Answers that must not wait long cut the one on air (tested above); here they all wait.
    director = Director(CATALOG, STYLE, DirectorConfig(max_answer_wait_s=60.0))
    director.feed(ShowStarted(), 0.0)
    first = director.feed(ChatReceived(ask("茶多少钱?")), 1.0)[-1].line
    for i, wording in enumerate(["茶多少钱?", "乌龙茶什么价格", "这个茶怎么卖"] * 3):
        actions = director.feed(ChatReceived(ask(wording, user=f"dup{i}")), 1.1)
        assert actions[1:] == [Reply(actions[0].event, first)]  # merged into the answer on air
    # Five questions about five facts of three products, while the first answer is on air.
    questions = ["充电宝多少钱?", "面霜多少钱?", "茶产地是哪里的?", "面霜可以退货吗", "充电宝有多重?"]
    replies, dropped = [], []
    for i, text in enumerate(questions):
        actions = director.feed(ChatReceived(ask(text, user=f"q{i}")), 2.0)
        replies += [a.line for a in actions if isinstance(a, Reply)]
        dropped += [a.line_id for a in actions if isinstance(a, LineDropped)]
    # Questions about a product that already has an answer waiting are folded into it ...
    assert replies[3].line_id == replies[1].line_id and "未拆封七天无理由退货" in replies[3].text
    assert replies[4].line_id == replies[0].line_id and "198g" in replies[4].text
    # ... so three answers wait, and the cap is not hit; a sixth product-less flood would be.
    assert dropped == [] and len({r.line_id for r in replies}) == MAX_QUEUED_ANSWERS
    for i in range(3):
        actions = director.feed(ChatReceived(ask(f"你们有卖手机吗{i}", user=f"x{i}")), 2.5)
        dropped += [a.line_id for a in actions if isinstance(a, LineDropped)]
    assert len(dropped) == 1  # one not-sold answer joins the queue and pushes out the oldest
    played = []
    line = first
    for _ in range(MAX_QUEUED_ANSWERS + 1):
        actions = director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), 5.0)
        line = next(a.line for a in actions if isinstance(a, Say))
        played.append(line)
    answers = [l for l in played if l.priority == Priority.ANSWER]
    assert len(answers) == MAX_QUEUED_ANSWERS and played[-1].priority == Priority.RUNDOWN
