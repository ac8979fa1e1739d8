"""The live runtime against real peers: a websocket chat client, nginx-rtmp, ffprobe, SIGINT."""
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
from websockets.asyncio.client import connect

from speech.voice import make_engine
from stream.catalog_file import default_catalog
from stream.clock import FakeClock
from stream.fanout import OutputSpec
from stream.live import LiveConfig, LiveShow
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

from conftest import free_port, poll_until


def producer():
    persona = load_persona("default")
    return ShowProducer(default_catalog(), persona, make_engine(persona.voice.with_engine("espeak")))


def ffprobe_streams(target: str) -> dict[str, dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", target],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


async def receive_until(ws, predicate, limit=200, wait_s=20):
    for _ in range(limit):
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=wait_s))
        if predicate(message):
            return message
    raise AssertionError("expected message never came")


def test_websocket_question_is_answered_by_the_director_and_bad_frames_get_errors():
    async def scenario():
        config = LiveConfig(chat_port=0, live_view=False)
        show = LiveShow(producer(), config, clock=FakeClock())  # fake clock: frames as fast as possible
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            async with connect(show.chat.url) as ws:
                await ws.send("this is not json")
                bad = json.loads(await ws.recv())
                assert bad["ok"] is False and "not JSON" in bad["error"]
                await ws.send(json.dumps({"type": "comment", "user": "u1"}))
                assert "non-empty 'text'" in json.loads(await ws.recv())["error"]
                await ws.send(json.dumps({"type": "comment", "user": "u8812", "nick": "小鹿",
                                          "text": "这个茶多少钱?", "platform": "douyin"}, ensure_ascii=False))
                ok = await receive_until(ws, lambda m: "ok" in m)
                assert ok["ok"] is True
                reply = await receive_until(ws, lambda m: m.get("type") == "reply")
                assert reply["user"] == "u8812" and "89元" in reply["text"]
                assert reply["sku"] == "A1001" and "A1001.price" in reply["sources"]
                assert reply["t_on_air"] >= reply["t_asked"]
            assert show.chat.malformed == 2
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)

    asyncio.run(scenario())


def run_timed_show(rtmp_url: str, recording, seconds: float) -> LiveShow:
    """A show on the fake clock that pushes RTMP and records, then stops by itself."""
    outputs = [OutputSpec("rtmp", rtmp_url, "flv"), OutputSpec("file", str(recording), "mp4")]
    show = LiveShow(producer(), LiveConfig(outputs=outputs, chat_port=0, live_view=False, max_seconds=seconds),
                    clock=FakeClock())
    asyncio.run(asyncio.wait_for(show.run(), timeout=120))
    return show


def test_live_show_pushes_h264_aac_720p25_to_a_real_rtmp_server(rtmp_server, tmp_path):
    show = run_timed_show(f"{rtmp_server.url}/secret-key-123", tmp_path / "rec.mp4", seconds=3)
    assert show.frames == 75
    recorded = rtmp_server.record_dir / "secret-key-123.flv"
    poll_until(lambda: recorded.exists() and recorded.stat().st_size > 0, 5, f"nginx recording {recorded}")
    streams = ffprobe_streams(str(recorded))
    video, audio = streams["video"], streams["audio"]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 1280, 720)
    assert video["r_frame_rate"] == "25/1" and audio["codec_name"] == "aac" and audio["sample_rate"] == "48000"
    assert set(ffprobe_streams(str(tmp_path / "rec.mp4"))) == {"video", "audio"}


def test_unreachable_rtmp_is_reported_and_the_show_goes_on(tmp_path, caplog):
    show = run_timed_show(f"rtmp://127.0.0.1:{free_port()}/live/topsecret", tmp_path / "rec.mp4", seconds=2)
    assert show.frames == 50
    assert "rtmp://127.0.0.1" in caplog.text and "/live/***" in caplog.text and "topsecret" not in caplog.text
    assert set(ffprobe_streams(str(tmp_path / "rec.mp4"))) == {"video", "audio"}


async def ask_and_wait_for_reply(url: str) -> dict:
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "comment", "user": "u5", "text": "这个茶多少钱?"}, ensure_ascii=False))
        # The real default voice (Kokoro) on a loaded 2-core CI machine can take a while: wait, never assert time.
        return await receive_until(ws, lambda m: m.get("type") == "reply", wait_s=90)


def test_default_show_runs_until_ctrl_c_and_stops_cleanly(rtmp_server, tmp_path):
    """The real command, on the real clock: it announces where to watch, pushes RTMP, records,
    serves the live view, and on SIGINT finalises the recording and exits 0."""
    record = tmp_path / "show.mp4"
    env = dict(os.environ, LIVEHOST_RTMP_URL=f"{rtmp_server.url}/cli-key")
    proc = subprocess.Popen([sys.executable, "-m", "stream.cli", "run", "--record", str(record),
                             "--chat-port", str(free_port()), "--view-port", str(free_port()),
                             "--no-console"],  # the console has its own tests; no token file in the repo
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        banner = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(line.startswith("  rtmp:") for line in banner):
            banner.append(proc.stdout.readline())
        text = "".join(banner)
        assert "livehost is live" in text and "ws://127.0.0.1:" in text and "/live.ts" in text
        assert "cli-key" not in text and "/live/***" in text
        chat_url = next(w for w in text.split() if w.startswith("ws://"))
        reply = asyncio.run(ask_and_wait_for_reply(chat_url))  # the show is answering on the real clock
        assert "89元" in reply["text"]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "cli-key" not in err
    streams = ffprobe_streams(str(record))
    assert float(streams["video"]["duration"]) >= reply["t_on_air"] > 0  # the answer made it into the file
    assert ffprobe_streams(str(rtmp_server.record_dir / "cli-key.flv"))["video"]["codec_name"] == "h264"


def test_live_view_serves_the_show_as_mpegts_over_http():
    async def scenario():
        show = LiveShow(producer(), LiveConfig(chat_port=0, view_port=0), clock=FakeClock())
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            probe = await asyncio.create_subprocess_exec(
                "ffprobe", "-v", "error", "-show_streams", "-of", "json", show.view.url,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(probe.communicate(), timeout=60)
            assert probe.returncode == 0, err.decode()
            return {s["codec_type"]: s for s in json.loads(out)["streams"]}
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)

    streams = asyncio.run(scenario())
    assert streams["video"]["codec_name"] == "h264" and streams["video"]["width"] == 1280
    assert streams["audio"]["codec_name"] == "aac"


def test_an_output_that_stops_reading_is_dropped_and_the_others_keep_going(tmp_path):
    """A peer that blocks forever (a stalled ingest) must not freeze the recording or the show."""
    import threading

    from stream.fanout import Fanout

    release = threading.Event()

    class StalledPeer:
        def write(self, data):
            release.wait(timeout=60)  # bounded: the test releases it at the end
            return len(data)

    record = tmp_path / "rec.mp4"
    fanout = Fanout([OutputSpec("stalled", StalledPeer(), "mpegts"), OutputSpec("file", str(record), "mp4")])
    fanout.open()
    show = producer()
    try:
        for _ in range(25 * 14):  # beyond the 10 s backlog an output may have
            fanout.put(show.next_chunk(), timeout=30)
        assert fanout.active == ["file"]
        assert any("stalled" in e for e in fanout.errors)
    finally:
        release.set()
        fanout.close()
    with av.open(str(record)) as container:
        assert container.streams.video[0].frames == 25 * 14


def test_frames_keep_going_out_while_the_event_loop_is_busy():
    """The pacer has its own thread: a chat flood or a slow handler on the loop cannot hold frames."""
    async def scenario():
        show = LiveShow(producer(), LiveConfig(chat_port=0, live_view=False))
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            await asyncio.sleep(0.5)
            before = show.frames
            time.sleep(1.0)  # the loop does nothing else for a second (25 frame slots)
            during = show.frames - before
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)
        return during

    assert asyncio.run(scenario()) >= 10


def test_a_reply_is_announced_once_its_first_frame_has_been_sent():
    """Frames are rendered ahead of air; the reply message must not run ahead of the stream."""
    async def scenario():
        show = LiveShow(producer(), LiveConfig(chat_port=0, live_view=False))  # the real clock
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            async with connect(show.chat.url) as ws:
                await ws.send(json.dumps({"type": "comment", "user": "u8812", "text": "这个茶多少钱?"},
                                         ensure_ascii=False))
                reply = await receive_until(ws, lambda m: m.get("type") == "reply", wait_s=30)
                aired_until = show.frames / 25
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)
        return reply, aired_until

    reply, aired_until = asyncio.run(scenario())
    assert "89元" in reply["text"]
    assert aired_until > reply["t_on_air"]


def test_the_show_goes_live_once_frames_are_ready_not_with_an_idle_frame():
    """A slow first frame (first subtitles, first voice part) must not make the first slot idle."""
    slow_first = producer()
    first = slow_first.next_chunk

    def next_chunk():
        if slow_first.frame_index == 0:
            time.sleep(0.3)  # 7 frame slots
        return first()

    slow_first.next_chunk = next_chunk

    async def scenario():
        show = LiveShow(slow_first, LiveConfig(chat_port=0, live_view=False))  # the real clock
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            await asyncio.sleep(0.5)
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)
        return show.frames, show.metrics.idle_frames

    frames, idle = asyncio.run(scenario())
    assert frames >= 5 and idle == 0
