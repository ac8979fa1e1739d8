"""Urgent speech first: the inference gate lets an answer stop synthesis done ahead of time."""
import threading

import pytest

from speech.priority import AHEAD, URGENT, WARM, InferenceGate, SynthesisInterrupted, speech_priority

WAIT = 10  # seconds; every wait below is bounded


class Inference:
    """A stand-in for a model run: loops until released or interrupted, in a thread at a priority."""

    def __init__(self, gate: InferenceGate, level: int) -> None:
        self.gate, self.level = gate, level
        self.entered, self.release, self.stopped = threading.Event(), threading.Event(), threading.Event()
        self.outcome: str | None = None
        self.thread = threading.Thread(target=self._run)

    def interrupt(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        with speech_priority(self.level):
            try:
                with self.gate.hold(interrupt=self.interrupt):
                    self.entered.set()
                    while not (self.release.is_set() or self.stopped.is_set()):
                        self.release.wait(0.01)
                    self.outcome = "interrupted" if self.stopped.is_set() else "done"
            except SynthesisInterrupted:
                self.outcome = "refused"

    def start(self) -> "Inference":
        self.thread.start()
        return self

    def join(self) -> str | None:
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
        return self.outcome


def test_an_urgent_request_stops_the_synthesis_ahead_and_runs_at_once():
    gate = InferenceGate()
    ahead = Inference(gate, AHEAD).start()
    assert ahead.entered.wait(WAIT)
    urgent = Inference(gate, URGENT).start()
    assert urgent.entered.wait(WAIT)  # it got the model although the ahead run was never released
    assert ahead.join() == "interrupted"
    urgent.release.set()
    assert urgent.join() == "done"


def test_a_less_urgent_request_is_refused_while_an_urgent_one_runs_instead_of_waiting():
    gate = InferenceGate()
    urgent = Inference(gate, URGENT).start()
    assert urgent.entered.wait(WAIT)
    for level in (AHEAD, WARM):
        assert Inference(gate, level).start().join() == "refused"
    urgent.release.set()
    assert urgent.join() == "done"
    after = Inference(gate, AHEAD).start()  # once the answer is done, synthesis ahead goes on
    after.release.set()
    assert after.join() == "done"


def test_synthesis_ahead_stops_cache_warming_but_waits_for_its_own_kind():
    gate = InferenceGate()
    warm = Inference(gate, WARM).start()
    assert warm.entered.wait(WAIT)
    first = Inference(gate, AHEAD).start()
    assert first.entered.wait(WAIT) and warm.join() == "interrupted"
    second = Inference(gate, AHEAD).start()
    assert not second.entered.wait(0.2)  # same priority: it queues, nobody is interrupted
    first.release.set()
    assert second.entered.wait(WAIT) and first.join() == "done"
    second.release.set()
    assert second.join() == "done"


def test_two_urgent_requests_take_turns():
    gate = InferenceGate()
    one = Inference(gate, URGENT).start()
    assert one.entered.wait(WAIT)
    two = Inference(gate, URGENT).start()
    assert not two.entered.wait(0.2)
    one.release.set()
    assert one.join() == "done" and two.entered.wait(WAIT)
    two.release.set()
    assert two.join() == "done"


@pytest.mark.parametrize("level", [WARM, AHEAD, URGENT])
def test_priority_is_scoped_to_its_block(level):
    from speech.priority import current_priority
    with speech_priority(level):
        assert current_priority() == level
    assert current_priority() == AHEAD
