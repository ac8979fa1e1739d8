"""RTMP push survives the ingest server going away: reconnect with backoff, timestamps continue."""
import json
import subprocess

from conftest import poll_until
from live_show import ShowThread
from stream.fanout import OutputSpec
from stream.live import LiveConfig


def ffprobe_json(target: str, *args: str, timeout: float = 20) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", *args, "-of", "json", target],
                         capture_output=True, text=True, timeout=timeout)
    return json.loads(out.stdout or "{}") if out.returncode == 0 else {}


def test_rtmp_push_resumes_after_nginx_is_killed_and_restarted(tmp_path, restartable_rtmp_server):
    server = restartable_rtmp_server
    url = f"{server.url}/reconnectkey"
    recording = tmp_path / "show.mp4"
    outputs = [OutputSpec("rtmp", url, "flv"), OutputSpec("rtmp backup", f"{server.url}/backupkey", "flv"),
               OutputSpec("file", str(recording), "mp4")]  # one render, three outputs
    config = LiveConfig(outputs=outputs, chat_port=0, live_view=False, max_seconds=40)
    with ShowThread(tmp_path, config) as running:
        show = running.show
        poll_until(lambda: show.frames > 75, 20, "3 s pushed")
        server.stop(kill=True)
        killed_at = show.frames
        poll_until(lambda: not show.fanout.connected["rtmp"], 30, "the drop noticed")
        assert show.fanout.connected["file"]
        server.start()
        poll_until(lambda: show.fanout.connected["rtmp"] and show.fanout.connected["rtmp backup"], 30,
                   "both pushes reconnected")
        assert show.metrics.rtmp_reconnects >= 2
        # The live stream is readable again from the restarted server.
        probe = {}

        def readable() -> bool:
            probe.update(ffprobe_json(url, "-show_streams", "-show_format"))
            return {s.get("codec_type") for s in probe.get("streams", [])} == {"video", "audio"}

        poll_until(readable, 30, "ffprobe reading the resumed stream", interval=0.5)
        assert show.active_outputs == ["rtmp", "rtmp backup", "file"]
    frames_sent = running.show.frames
    # Timestamps continue from the show's clock instead of restarting at zero.
    assert float(probe["format"]["start_time"]) >= killed_at / 25 - 1
    recorded = server.record_dir / "reconnectkey.flv"
    streams = ffprobe_json(str(recorded), "-show_streams", "-show_format")
    assert {s["codec_type"] for s in streams["streams"]} == {"video", "audio"}
    assert float(streams["format"]["start_time"]) >= killed_at / 25 - 1
    # The recording never noticed: every frame, from pts 0, no gap.
    video = ffprobe_json(str(recording), "-count_packets", "-show_streams", "-select_streams", "v")["streams"][0]
    assert int(video["nb_read_packets"]) == frames_sent and float(video["start_time"]) == 0.0


def test_rtmp_down_when_the_show_starts_is_retried_until_it_comes_up(tmp_path):
    from conftest import NginxRtmp, _require_nginx_rtmp
    _require_nginx_rtmp()
    server = NginxRtmp(tmp_path / "nginx")  # its port is chosen, nothing listens yet
    url = f"{server.url}/latekey"
    config = LiveConfig(outputs=[OutputSpec("rtmp", url, "flv")], chat_port=0, live_view=False, max_seconds=60)
    try:
        with ShowThread(tmp_path, config) as running:
            show = running.show
            poll_until(lambda: show.frames > 50, 20, "the show on air without its push")
            assert show.fanout.connected == {"rtmp": False} and show.active_outputs == ["rtmp"]
            server.start()
            poll_until(lambda: show.fanout.connected["rtmp"], 30, "the push connected once the server came up")
            assert show.metrics.rtmp_reconnects >= 1
            poll_until(lambda: {s.get("codec_type") for s in ffprobe_json(url, "-show_streams").get("streams", [])}
                       == {"video", "audio"}, 30, "ffprobe reading the stream", interval=0.5)
    finally:
        server.stop()
