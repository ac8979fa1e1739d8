"""The show producer end to end on frame time: cut, answer, resume; a crashing engine; idle frames."""
import numpy as np

from avatar.renderer import HostRenderer
from script.chat import ChatEvent
from speech.voice import make_engine
from stream.catalog_file import default_catalog
from stream.media import HEIGHT, SAMPLES_PER_FRAME, WIDTH
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

PERSONA = load_persona("default")


def subtitles_in_order(frames):
    order = []
    for frame in frames:
        if frame and (not order or order[-1] != frame):
            order.append(frame)
    return order


def test_answer_cuts_the_selling_line_and_it_resumes_from_the_cut_sentence():
    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")))
    subtitles: list[str] = []
    produced = []
    for k in range(25 * 40):
        if k == 25 * 12:
            producer.submit_chat(ChatEvent(12.0, "comment", "u1", "充电宝多少钱?"))
        chunk = producer.next_chunk()
        produced.append(chunk.index)
        subtitles.append(producer.last_subtitle)
    assert produced == list(range(25 * 40))
    order = subtitles_in_order(subtitles)
    answer_at = next(i for i, s in enumerate(order) if "99.9元" in s and "便携充电宝" in s and "到手价" in s)
    cut_sentence = order[answer_at - 1]
    # After the answer (and its promotion-free single sentence), the cut sentence is said again.
    assert order[answer_at + 1] == cut_sentence


def test_a_crashing_engine_keeps_frames_coming_with_the_ai_label():
    class Broken:
        name = "broken"

        def load(self):
            pass

        def synthesize(self, text):
            raise RuntimeError("engine crashed")

    producer = ShowProducer(default_catalog(), PERSONA, Broken())
    label = HostRenderer(PERSONA.appearance).label_box
    chunks = [producer.next_chunk() for _ in range(60)]
    assert [c.index for c in chunks] == list(range(60))
    for chunk in chunks:
        assert chunk.video.shape == (HEIGHT, WIDTH, 3) and chunk.audio.shape == (SAMPLES_PER_FRAME,)
        x0, y0, x1, y1 = label
        assert np.array_equal(chunk.video[y0:y1, x0:x1], chunks[0].video[y0:y1, x0:x1])
    assert not any(c.audio.any() for c in chunks)


def test_a_bug_in_show_logic_costs_an_idle_frame_not_the_show():
    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")))
    producer.next_chunk()
    producer.submit_chat(ChatEvent(0.1, "comment", "u1", "茶多少钱?"))
    director = producer._director
    real_feed = director.feed
    director.feed = lambda event, now: (_ for _ in ()).throw(RuntimeError("director bug"))
    idle = producer.next_chunk()
    director.feed = real_feed
    assert idle.index == 1 and not idle.audio.any()
    later = [producer.next_chunk() for _ in range(50)]
    assert [c.index for c in later] == list(range(2, 52)) and any(c.audio.any() for c in later)


def test_every_viewer_hears_about_their_answer_even_when_merged_or_dropped():
    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")))
    records = []
    producer.add_reply_listener(records.append)
    producer.next_chunk()
    producer.submit_chat(ChatEvent(0.04, "comment", "first", "茶多少钱?"))
    producer.next_chunk()  # the answer starts on air
    for i in range(3):
        producer.submit_chat(ChatEvent(0.1, "comment", f"same{i}", "茶多少钱?"))
    # Four answers for three places in the queue (the weight question joins the power bank's price).
    for i, text in enumerate(["你是真人吗", "有卖手机吗", "充电宝多少钱?", "面霜多少钱?", "充电宝有多重?"]):
        producer.submit_chat(ChatEvent(0.1, "comment", f"q{i}", text))
    for _ in range(25 * 60):
        producer.next_chunk()
    by_user = {r.event.user: r for r in records}
    assert set(by_user) == {"first", "same0", "same1", "same2", "q0", "q1", "q2", "q3", "q4"}
    assert all(by_user[u].t_on_air is not None and "89元" in by_user[u].reply_text
               for u in ("first", "same0", "same1", "same2"))
    assert [by_user[f"q{i}"].t_on_air is None for i in range(5)] == [True, False, False, False, False]
    assert "198g" in by_user["q4"].reply_text and by_user["q4"].t_on_air == by_user["q2"].t_on_air  # one line
    assert producer._pending_replies == {}


def test_logs_never_carry_a_viewers_phone_number(caplog):
    import logging
    caplog.set_level(logging.INFO)
    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice))
    producer.next_chunk()
    producer.submit_chat(ChatEvent(0.04, "comment", "u1", "茶多少钱? 我电话13812345678"))
    for _ in range(25 * 3):
        producer.next_chunk()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "answering u1" in text or "u1" in text
    assert "13812345678" not in text


def test_a_chat_flood_is_read_a_bounded_number_per_frame_and_only_the_freshest_wait():
    from script.director import ChatClassified
    from stream.admission import CHAT_QUEUE_EVENTS
    from stream.show import CHAT_EVENTS_PER_FRAME

    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")))
    classified = []
    producer.add_action_listener(lambda action, now: isinstance(action, ChatClassified) and classified.append(action))
    producer.next_chunk()
    sent = CHAT_QUEUE_EVENTS + 19
    for i in range(sent):
        producer.submit_chat(ChatEvent(0.0, "comment", f"u{i}", "666"))
    assert producer.chat_backlog == CHAT_QUEUE_EVENTS  # bounded: the 19 oldest were shed...
    assert producer.inbox.chat_stats()[1] == {"comment": 19, "reaction": 0}  # ...and counted
    counts = []
    while producer.chat_backlog and len(counts) < 20:
        before = len(classified)
        producer.next_chunk()
        counts.append(len(classified) - before)
    assert counts == [CHAT_EVENTS_PER_FRAME] * (CHAT_QUEUE_EVENTS // CHAT_EVENTS_PER_FRAME)
    assert [a.event.user for a in classified] == [f"u{i}" for i in range(19, sent)]  # in order
