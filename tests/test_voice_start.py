"""What `livehost say` loads and what the voice keeps in the user cache so a start is quick:
the word dictionary, the optimised model, and only the say path's modules."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from speech.kokoro_model import OptimisedModel
from speech.zh_words import build_dictionary, dictionary_path, segmenter

ROOT = Path(__file__).resolve().parent.parent
LINES = ["家人们看过来，这款高山乌龙茶来自福建安溪", "到手价五十九点九元，满三百减五十", "重量只有两百克，重复购买的家人很多",
         "这个行李箱在银行门口", "空调可以调风速", "还有最后一点儿库存了解一下", "充电宝一万毫安时支持六十五瓦快充",
         "宝宝六到十二月龄可以用", "长度七十五到八十五毫米", "今天晚上八点开播"]


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    return segmenter(tmp_path_factory.mktemp("cache"))


def test_words_are_cut_as_jieba_cuts_them_with_its_own_dictionary_loaded(cut):
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    for line in LINES:
        assert cut(line) == jieba.lcut(line), line


def test_a_damaged_word_dictionary_is_built_again(tmp_path):
    path = dictionary_path(tmp_path)
    path.write_bytes(b"not a database")
    cut = segmenter(tmp_path)
    assert "".join(cut("到手价五十九点九元")) == "到手价五十九点九元"
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_the_dictionary_is_built_once_and_then_only_opened(tmp_path):
    build_dictionary(dictionary_path(tmp_path))
    built = dictionary_path(tmp_path).stat().st_mtime_ns
    segmenter(tmp_path)("你好")
    assert dictionary_path(tmp_path).stat().st_mtime_ns == built
    assert not list(tmp_path.glob("*.tmp"))


def test_the_optimised_model_is_current_only_for_its_source_and_runtime(tmp_path):
    timed = tmp_path / "model.onnx"
    timed.write_bytes(b"graph")
    model = OptimisedModel(timed, "1.31.1")
    assert not model.current()
    scratch = model.scratch_path()
    scratch.write_bytes(b"optimised graph")
    model.publish(scratch)
    assert model.current() and model.path.read_bytes() == b"optimised graph" and not scratch.exists()
    record = json.loads(model.record.read_text(encoding="utf-8"))
    assert len(record["source_sha256"]) == 64 and record["onnxruntime"] == "1.31.1"
    assert not OptimisedModel(timed, "1.32.0").current()  # another onnxruntime writes its own
    timed.write_bytes(b"another graph")
    assert not model.current()  # a rebuilt timed model is optimised again


def test_a_torn_optimised_model_is_not_used(tmp_path):
    timed = tmp_path / "model.onnx"
    timed.write_bytes(b"graph")
    model = OptimisedModel(timed, "1.31.1")
    scratch = model.scratch_path()
    scratch.write_bytes(b"optimised graph")
    model.publish(scratch)
    model.path.write_bytes(b"optim")
    assert not model.current()


def test_the_shared_session_is_read_from_the_optimised_model():
    import onnxruntime

    from speech.kokoro_model import timed_model_path
    from speech.kokoro_session import shared_session
    timed = timed_model_path(None)
    shared_session(timed, 2, background=False)
    assert OptimisedModel(timed, onnxruntime.__version__).current()


def test_a_session_for_a_one_off_line_keeps_the_callers_priority():
    from speech.kokoro_model import timed_model_path
    from speech.kokoro_session import shared_session

    def nice_by_thread() -> dict[int, int]:
        return {int(t): os.getpriority(os.PRIO_PROCESS, int(t)) for t in os.listdir("/proc/self/task")}

    before = nice_by_thread()
    mine = before[threading.get_native_id()]
    shared_session(timed_model_path(None), 4, background=False)  # a thread count no other test uses
    started = {tid: nice for tid, nice in nice_by_thread().items() if tid not in before}
    assert started and set(started.values()) == {mine}


def test_say_loads_the_voice_alone_not_the_shows_video_webrtc_and_chat_modules(tmp_path):
    probe = ("import sys; from rooms.command import main; "
             "code = main(['say', '你好', '--out', sys.argv[1], '--no-cache']); "
             "heavy = sorted(m for m in ('stream.cli', 'aiortc', 'cv2', 'mediapipe', 'websockets', 'onnx', 'cn2an') "
             "if m in sys.modules); print(code, heavy)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "x.wav")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr
    assert (tmp_path / "x.wav").stat().st_size > 1000
