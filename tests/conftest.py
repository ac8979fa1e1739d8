"""Shared fixtures."""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
SERVER_START_TIMEOUT = 5.0


@dataclass(frozen=True)
class RtmpServer:
    url: str  # rtmp://127.0.0.1:PORT/live ; append "/KEY" to publish or play
    port: int
    record_dir: Path
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def poll_until(ready: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Wait for an external process (nginx, ffmpeg, a subprocess) to reach a state, bounded.

    The one place tests wait on the wall clock: only for real components we do not control,
    never to let our own code "get there"."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout:g} s")
        pause.wait(interval)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture
def unused_port() -> int:
    """A local TCP port with nothing listening on it."""
    return free_port()


class NginxRtmp:
    """A private nginx-rtmp on 127.0.0.1 that records every published stream to record_dir and
    can be stopped and started again on the same port (reconnect tests)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.record_dir = root / "record"
        self.record_dir.mkdir(parents=True)
        self.port = free_port()
        self.url = f"rtmp://127.0.0.1:{self.port}/live"
        self.process: subprocess.Popen[bytes] | None = None
        (root / "nginx.conf").write_text(f"""
load_module {RTMP_MODULE};
daemon off;
master_process off;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
rtmp {{
    access_log {root}/rtmp_access.log;
    server {{
        listen 127.0.0.1:{self.port};
        application live {{
            live on;
            record all;
            record_path {self.record_dir};
            record_unique off;
        }}
    }}
}}
""")

    def start(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        error_log = self.root / "error.log"
        with open(self.root / "stderr.log", "ab") as stderr:
            proc = subprocess.Popen([nginx, "-p", str(self.root), "-e", str(error_log),
                                     "-c", str(self.root / "nginx.conf")],
                                    stdout=subprocess.DEVNULL, stderr=stderr)
        self.process = proc
        poll_until(lambda: _listening(self.port) or proc.poll() is not None, SERVER_START_TIMEOUT,
                   f"nginx listening on 127.0.0.1:{self.port}")
        if proc.poll() is not None:
            logs = [f.read_text(errors="replace") for f in (self.root / "stderr.log", error_log) if f.exists()]
            pytest.fail(f"nginx exited with {proc.returncode}: {' '.join(logs)}")

    def stop(self, kill: bool = False) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        proc.kill() if kill else proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _require_nginx_rtmp() -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed")
    if not RTMP_MODULE.exists():
        pytest.skip(f"nginx rtmp module missing: {RTMP_MODULE} (apt install libnginx-mod-rtmp)")


@pytest.fixture
def rtmp_server(tmp_path: Path) -> Iterator[RtmpServer]:
    """A private nginx-rtmp on 127.0.0.1 that records every published stream to record_dir."""
    _require_nginx_rtmp()
    server = NginxRtmp(tmp_path / "nginx")
    try:
        server.start()
        assert server.process is not None
        yield RtmpServer(url=server.url, port=server.port, record_dir=server.record_dir,
                         process=server.process)
    finally:
        server.stop()


@pytest.fixture
def restartable_rtmp_server(tmp_path: Path) -> Iterator[NginxRtmp]:
    """Like rtmp_server, but the test may stop() and start() it on the same port."""
    _require_nginx_rtmp()
    server = NginxRtmp(tmp_path / "nginx")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def resident_bytes(start: int) -> int:
    """Rss of the mapping that starts at `start`, from /proc/self/smaps."""
    current = None
    with open("/proc/self/smaps", encoding="ascii", errors="replace") as file:
        for line in file:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                current = int(fields[0].split("-")[0], 16)
            elif current == start and fields[0] == "Rss:":
                return int(fields[1]) * 1024
    raise AssertionError(f"no mapping at {start:#x}")


@pytest.fixture(scope="module")
def engine():
    """The espeak voice, loaded once per test module (fast, exact timings: playout and speech tests)."""
    from speech.espeak import EspeakEngine
    loaded = EspeakEngine()
    loaded.load()
    return loaded
