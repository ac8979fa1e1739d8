"""A busy machine sheds work in order: render detail, then fillers, then selling lines, so the
room's questions keep getting answered (interruptions and load as messages to the director)."""
import numpy as np
import pytest

from avatar.factory import make_renderer
from avatar.scene import FrameState
from script.chat import ChatEvent
from script.director import (ANSWERS_ONLY, NO_FILLERS, ChatReceived, Director, MachineLoad, PlaybackFinished, Say,
                             ShowStarted)
from script.lines import LineKind
from stream.catalog_file import load_catalog_file
from stream.cpu_load import CALM_SAMPLES, LEVEL_FROM, LoadLevels

LEVEL_FROM_NO_FILLERS = LEVEL_FROM[1]
from stream.persona_bundle import load_persona

CATALOG = load_catalog_file("tests/data/three_products.yaml")
PERSONA = load_persona("default")


def said(actions):
    return [a.line for a in actions if isinstance(a, Say)]


def finish(director, line, t):
    return said(director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), t))


def test_answers_only_holds_the_rundown_but_answers_and_the_rundown_resumes_when_calm():
    director = Director(CATALOG, PERSONA.style)
    first = said(director.feed(ShowStarted(), 0.0))[0]
    on_air = first
    t = 1.0
    while on_air.kind == LineKind.DISCLOSURE:  # the AI reminder opens the show
        on_air = finish(director, on_air, t)[0]
        t += 1
    assert director.feed(MachineLoad(ANSWERS_ONLY), t) == []  # a line is on air: nothing cut
    assert finish(director, on_air, t + 1) == []  # no selling line after it
    answer = said(director.feed(ChatReceived(ChatEvent(t + 2, "comment", "u1", "这个茶多少钱?")), t + 2))
    assert answer and answer[0].kind == LineKind.ANSWER and "89元" in answer[0].text
    assert finish(director, answer[0], t + 6) == []  # still answers only
    resumed = said(director.feed(MachineLoad(0), t + 7))
    assert resumed and resumed[0].kind not in (LineKind.ANSWER, LineKind.FILLER)


def test_no_fillers_drops_fillers_only():
    director = Director(CATALOG, PERSONA.style)
    director.feed(MachineLoad(NO_FILLERS), 0.0)
    lines = said(director.feed(ShowStarted(), 0.0))
    t = 1.0
    for _ in range(40):  # round the three products many times: the rundown would fall back to fillers
        if not lines:
            break
        assert lines[0].kind != LineKind.FILLER
        lines = finish(director, lines[0], t)
        t += 10
    assert t > 50  # selling lines went on


def test_load_levels_rise_at_once_and_fall_one_step_after_a_calm_spell():
    levels = LoadLevels()
    assert [levels.sample(f) for f in (1.0, 1.6, 5.0)] == [0, 1, 3]
    assert [levels.sample(1.0) for _ in range(CALM_SAMPLES)][-1] == 2
    assert levels.sample(3.0) == 2 and levels.sample(1.0) == 2  # a busy sample restarts the calm count


def test_lean_frames_keep_the_host_still_apart_from_the_mouth():
    renderer = make_renderer(PERSONA.appearance, 1280, 720)
    lean = [renderer.render(FrameState(i, 0.0, lean=True)) for i in (0, 37, 91)]
    full = [renderer.render(FrameState(i, 0.0)) for i in (0, 37, 91)]
    moving = sum(int(np.abs(full[0].astype(int) - f.astype(int)).sum()) for f in full[1:])
    still = sum(int(np.abs(lean[0].astype(int) - f.astype(int)).sum()) for f in lean[1:])
    assert still < moving / 4  # blinks may differ; the idle sway does not


def test_a_producer_on_a_busy_machine_answers_and_says_no_selling_line():
    from script.director import Say as SayAction
    from speech.voice import make_engine
    from stream.catalog_file import default_catalog
    from stream.show import ShowProducer

    producer = ShowProducer(default_catalog(), PERSONA, make_engine(PERSONA.voice.with_engine("espeak")),
                            machine_load=lambda: 5.0)
    kinds = []
    producer.add_action_listener(lambda action, now: kinds.append(action.line.kind)
                                 if isinstance(action, SayAction) else None)
    for k in range(25 * 30):
        if k == 25 * 12:
            producer.submit_chat(ChatEvent(12.0, "comment", "u1", "充电宝多少钱?"))
        producer.next_chunk()
    assert LineKind.ANSWER in kinds
    assert set(kinds) <= {LineKind.DISCLOSURE, LineKind.ANSWER, LineKind.OPENER}, kinds


def test_the_shows_own_busy_threads_never_count_as_overload_but_other_processes_do():
    import subprocess
    import sys
    import time

    from stream.cpu_load import OthersShare

    # The show's own busy core: 100 of the machine's 200 new ticks are busy, all of them this
    # process's. Counted as its own, not others' (the /proc readings are given, so other jobs on a
    # shared machine cannot change the verdict).
    import stream.cpu_load as cpu_load
    readings = [((1000, 4000), 500), ((1100, 4200), 600)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cpu_load, "_machine_ticks", lambda: readings[0][0])
        patch.setattr(cpu_load, "_own_ticks", lambda: readings[0][1])
        patch.setattr(cpu_load, "MIN_WINDOW_S", 0.0)
        own_only = OthersShare()
        own_only.read()
        readings.pop(0)
        assert own_only.read() == 1.0
    share = OthersShare()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(4)]
    try:
        time.sleep(1.0)
        share.read()
        time.sleep(1.0)
        assert share.read() >= LEVEL_FROM_NO_FILLERS
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
