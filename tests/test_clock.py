"""The two clocks behind the pacer: blocking waits that a stop request ends at once."""
from __future__ import annotations

import threading

from stream.clock import FakeClock, RealClock


def test_fake_clock_jumps_to_the_time_waited_for_and_never_back():
    clock, stop = FakeClock(), threading.Event()
    assert clock.wait_until(2.5, stop) is False and clock.now() == 2.5
    assert clock.wait_until(1.0, stop) is False and clock.now() == 2.5
    stop.set()
    assert clock.wait_until(3.0, stop) is True


def test_real_clock_wait_ends_when_stopped_not_when_due():
    clock, stop = RealClock(), threading.Event()
    threading.Timer(0.05, stop.set).start()
    assert clock.wait_until(clock.now() + 60, stop) is True  # would hang the test for a minute if ignored
    assert clock.now() < 30


def test_real_clock_wait_returns_once_the_time_is_reached():
    clock, stop = RealClock(), threading.Event()
    due = clock.now() + 0.05
    assert clock.wait_until(due, stop) is False and clock.now() >= due
    assert clock.wait_until(0.0, stop) is False  # already past
