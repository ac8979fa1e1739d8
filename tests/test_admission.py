"""Chat admission, pure: rate limits per connection and for the room, and the bounded chat queue."""
import pytest

from script.chat import ChatEvent
from stream.admission import Admission, ChatLimits, ChatQueue


def comment(user, text, t=0.0):
    return ChatEvent(t, "comment", user, text)


def flood(admission, client, rate_hz, seconds, start=0.0):
    """`client` sends `rate_hz` messages a second for `seconds`; returns how many got in."""
    accepted = 0
    for i in range(int(rate_hz * seconds)):
        accepted += admission.admit(client, start + i / rate_hz) is None
    return accepted


def test_one_connection_flooding_gets_its_rate_and_nothing_more():
    limits = ChatLimits(client_rate=5, client_burst=10)
    admission = Admission(limits)
    accepted = flood(admission, "flooder", rate_hz=2000, seconds=30)  # the flood: 60,000 messages
    assert accepted <= 10 + 5 * 30 + 1
    assert accepted >= 5 * 30  # its fair share still gets through
    assert admission.refused["client"] == 60_000 - accepted


def test_another_connection_is_not_held_back_by_a_flooder():
    admission = Admission(ChatLimits(client_rate=5, client_burst=10))
    flood(admission, "flooder", rate_hz=2000, seconds=5)
    assert admission.admit("viewer", 5.0) is None


def test_the_refusal_says_rate_limited_and_when_to_try_again():
    admission = Admission(ChatLimits(client_rate=2, client_burst=1))
    assert admission.admit("c", 0.0) is None
    refusal = admission.admit("c", 0.1)
    reply = refusal.reply()
    assert reply["ok"] is False and reply["error"].startswith("rate limited")
    assert "2 messages/s" in reply["error"] and reply["retry_after_s"] == pytest.approx(0.4)
    assert admission.admit("c", 0.5) is None  # as promised


def test_many_connections_at_their_limit_still_leave_room_for_a_quiet_viewer():
    # 50 sockets at 10 msg/s each is 500 msg/s against a room limit of 200/s.
    limits = ChatLimits(client_rate=10, client_burst=10, room_rate=200, room_burst=400, quiet_reserve=0.25)
    admission = Admission(limits)
    accepted = viewers_in = 0
    for step in range(1000):  # 10 s in 10 ms steps, every socket sends 1 message in 10 steps
        now = step / 100
        for sock in range(50):
            if (step + sock) % 10 == 0:
                accepted += admission.admit(f"sock{sock}", now) is None
        if step % 100 == 50:  # a viewer asks one question every second from their own connection
            viewers_in += admission.admit(f"viewer{step}", now) is None
    assert accepted <= 400 + 200 * 10  # the room's limit holds
    assert admission.refused["room"] > 0
    assert viewers_in == 10  # every quiet viewer got in


def test_a_client_that_steps_the_clock_back_gains_nothing():
    admission = Admission(ChatLimits(client_rate=1, client_burst=1))
    assert admission.admit("c", 10.0) is None
    assert admission.admit("c", 5.0) is not None


def test_buckets_of_closed_connections_are_forgotten():
    admission = Admission()
    for i in range(1000):
        admission.admit(f"c{i}", 0.0)
        admission.forget(f"c{i}")
    assert admission._clients == {}


@pytest.mark.parametrize("bad", [{"client_rate": 0}, {"room_burst": 0.5}, {"quiet_reserve": 1.0}])
def test_nonsense_limits_are_refused(bad):
    with pytest.raises(ValueError):
        ChatLimits(**bad)


def test_a_full_queue_sheds_its_oldest_comment_and_keeps_the_freshest_in_order():
    queue = ChatQueue(capacity=4)
    for i in range(10):
        queue.put(comment(f"u{i}", f"问题{i}"))
    assert len(queue) == 4 and queue.shed == {"comment": 6, "reaction": 0}
    assert [e.user for e in queue.take(10)] == ["u6", "u7", "u8", "u9"]
    assert len(queue) == 0 and queue.take(5) == []


def test_reactions_are_shed_before_any_comment():
    queue = ChatQueue(capacity=3)
    queue.put(comment("asker", "这个茶多少钱"))
    for i in range(5):
        queue.put(ChatEvent(0.0, "enter", f"v{i}"))
    queue.put(ChatEvent(0.0, "gift", "fan", "小心心"))
    assert queue.shed == {"comment": 0, "reaction": 4}
    assert [(e.type, e.user) for e in queue.take(3)] == [("comment", "asker"), ("enter", "v4"), ("gift", "fan")]


def test_a_repeat_still_waiting_is_merged_into_it():
    queue = ChatQueue(capacity=8)
    for _ in range(20):
        queue.put(comment("u1", "在吗"))
        queue.put(ChatEvent(0.0, "like", "u2"))
    queue.put(comment("u3", "在吗"))  # another viewer asking the same is their own question
    assert queue.merged == 38
    assert [(e.type, e.user) for e in queue.take(8)] == [("comment", "u1"), ("like", "u2"), ("comment", "u3")]
    queue.put(comment("u1", "在吗"))  # once read, the same message again is new
    assert len(queue) == 1 and queue.merged == 38


def test_take_reads_at_most_the_budget():
    queue = ChatQueue(capacity=64)
    for i in range(40):
        queue.put(comment(f"u{i}", "666"))
    assert len(queue.take(16)) == 16 and len(queue) == 24
    assert queue.take(0) == [] and len(queue) == 24
