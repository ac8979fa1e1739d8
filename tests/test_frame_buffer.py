"""The buffer between the render stage and the pacer: bounded, FIFO, a waiting put can be woken,
the newest frames can be taken back."""
import threading

import pytest

from stream.frame_buffer import FrameBuffer


def test_frames_come_out_in_order_and_a_full_buffer_refuses_after_its_timeout():
    buffer = FrameBuffer(2)
    assert buffer.put(1, 0) and buffer.put(2, 0)
    assert not buffer.put(3, 0.01)  # full: the caller still holds 3
    assert [buffer.get(0), buffer.get(0), buffer.get(0.01)] == [1, 2, None]


def test_a_put_waiting_for_room_gets_it_when_the_pacer_takes_a_frame():
    buffer = FrameBuffer(1)
    buffer.put("a", 0)
    taker = threading.Timer(0.05, buffer.get, args=(0,))
    taker.start()
    assert buffer.put("b", 10)
    taker.join()
    assert buffer.get(0) == "b"


def test_a_nudge_wakes_a_waiting_put_at_once():
    buffer = FrameBuffer(1)
    buffer.put("a", 0)
    result = []
    waiter = threading.Thread(target=lambda: result.append(buffer.put("b", 30)))
    waiter.start()
    threading.Event().wait(0.05)
    buffer.nudge()
    waiter.join(10)  # a put that was not woken would still wait here
    assert not waiter.is_alive() and result == [False] and len(buffer) == 1


def test_a_nudge_before_a_full_put_makes_it_return_and_a_put_with_room_clears_it():
    buffer = FrameBuffer(1)
    buffer.nudge()
    assert buffer.put("a", 0)  # room: taken, and the stale nudge is forgotten
    assert not buffer.put("b", 0.01)
    buffer.nudge()
    assert not buffer.put("b", 30)  # returns at once, not after 30 s


def test_withdraw_takes_back_the_newest_and_keeps_the_oldest_asked_for():
    buffer = FrameBuffer(4)
    for item in range(4):
        buffer.put(item, 0)
    assert buffer.withdraw(3, keep=2) == 2
    assert buffer.withdraw(5, keep=1) == 1
    assert buffer.get(0) == 0 and buffer.get(0) is None
    assert buffer.withdraw(1) == 0


def test_a_buffer_must_hold_a_frame():
    with pytest.raises(ValueError, match="at least one frame"):
        FrameBuffer(0)


def test_a_put_refused_by_its_owner_leaves_the_buffer_alone():
    """An abandoned stage thread (its generation replaced) must not slip a frame in."""
    buffer = FrameBuffer(2)
    assert not buffer.put("stale", 0, accept=lambda: False)
    assert len(buffer) == 0 and buffer.put("fresh", 0, accept=lambda: True)


def test_wait_full_returns_once_the_buffer_fills_or_after_its_timeout():
    buffer = FrameBuffer(2)
    assert buffer.wait_full(0.05) is False
    threading.Timer(0.05, lambda: (buffer.put(1, 1), buffer.put(2, 1))).start()
    assert buffer.wait_full(5) is True and len(buffer) == 2
