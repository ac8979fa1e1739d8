"""One room's show as a child process (`livehost run --config`), kept on air forever.

The show runs in its own process so that a crash, a hang or a leak in one room never reaches
another room or the actor. It exits, or stops sending frames for HANG_S once live (or never
goes live within START_S), and it is started again after a backoff of 0.5 s doubling to 30 s,
back to 0.5 s once a run has lasted STABLE_S. With `standby` (the default) a second show is kept
loaded and waiting (`livehost run --standby`): a crashed show is replaced by it in about a second
instead of after a model load, at the cost of the standby's memory. The child dies with its parent (PR_SET_PDEATHSIG),
so a killed actor never leaves an orphan holding the room's ports.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

import rooms
from .config import RoomSpec
from .show_metrics import ShowReading, last_error, read_metrics

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0
STABLE_S = 60.0  # a run this long resets the backoff
START_S = 180.0  # from spawn to first frame, models loading included, on a busy machine
HANG_S = 20.0  # no new frame for this long once live: the show is stuck
POLL_S = 1.0
STARTING_POLL_S = 0.25
STOP_GRACE_S = 10.0
_READY_TAIL = 256 * 1024
_PR_SET_PDEATHSIG = 1
PROJECT_ROOT = Path(rooms.__file__).resolve().parent.parent


@dataclass(frozen=True)
class ShowState:
    state: str  # starting | live | restarting | stopped
    pid: int | None
    started_at: float | None  # wall-clock time of the current run's spawn
    live_at: float | None  # when its first frame went out
    restarts: int  # runs that ended without being asked to (crash, hang, killed)
    last_error: str | None
    reading: ShowReading | None
    standby: str  # ready | loading | off


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def show_command(spec: RoomSpec, config_path: Path) -> list[str]:
    command = [sys.executable, "-m", "stream.cli", "run", "--config", str(config_path)]
    return command + ([] if spec.embeddings else ["--no-embeddings"])


def show_environment(spec: RoomSpec) -> dict[str, str]:
    """The worker's environment (where the node's secrets live) plus this room's console token.
    Another room's token, or one set for `livehost run`, must not become this room's."""
    env = {k: v for k, v in os.environ.items() if k != "LIVEHOST_CONSOLE_TOKEN"}
    if spec.console_token_env:
        env["LIVEHOST_CONSOLE_TOKEN"] = os.environ.get(spec.console_token_env, "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return env


class ShowProcess:
    def __init__(self, spec: RoomSpec, room_dir: Path, restarts: int = 0,
                 on_restart: Callable[[int], None] | None = None) -> None:
        self.spec = spec
        self.room_dir = room_dir
        self.log_path = room_dir / "show-0.log"  # the current show's; spawns alternate show-0.log and show-1.log
        self._spawns = 0
        self._standby: tuple[subprocess.Popen[bytes], Path, float] | None = None  # process, log, spawn time
        self._restarts = restarts
        self._on_restart = on_restart or (lambda n: None)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._wake = threading.Event()  # cuts a backoff short (operator restart)
        self._proc: subprocess.Popen[bytes] | None = None
        self._started_at: float | None = None
        self._live_at: float | None = None
        self._last_error: str | None = None
        self._reading: ShowReading | None = None
        self._backoff = FIRST_BACKOFF_S
        self._state = "starting"
        # The supervising thread spawns every child: PDEATHSIG fires when the spawning thread ends.
        self._thread = threading.Thread(target=self._supervise, name=f"room-{spec.name}", daemon=True)

    def start(self) -> None:
        self.room_dir.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def snapshot(self) -> ShowState:
        with self._lock:
            proc = self._proc
            return ShowState(state=self._state, pid=proc.pid if proc else None, started_at=self._started_at,
                             live_at=self._live_at, restarts=self._restarts, last_error=self._last_error,
                             reading=self._reading, standby=self._standby_state())

    def _standby_state(self) -> str:
        if self._standby is None or self._standby[0].poll() is not None:
            return "off"
        try:
            loaded = b"livehost standby: loaded" in self._standby[1].read_bytes()[-_READY_TAIL:]
        except OSError:
            loaded = False
        return "ready" if loaded else "loading"

    def set_spec(self, spec: RoomSpec) -> None:
        """A changed room (persona switched): the standby loaded the old one, so it goes."""
        self.spec = spec
        self._drop_standby()

    def _drop_standby(self) -> None:
        with self._lock:
            standby, self._standby = self._standby, None
        if standby is not None:
            self._kill(standby[0])

    def token(self) -> str | None:
        if self.spec.console_token_env:
            return os.environ.get(self.spec.console_token_env, "").strip() or None
        try:
            return Path(self.spec.console_token_file).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def restart(self, spec: RoomSpec | None = None) -> None:
        """Operator restart: not counted as a failure, no backoff."""
        if spec is not None:
            self.set_spec(spec)
        with self._lock:
            self._backoff = FIRST_BACKOFF_S
            self._state = "restarting"
        self._expected_exit = True
        self._terminate()
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._drop_standby()
        self._terminate()
        self._thread.join(STOP_GRACE_S + 5)
        with self._lock:
            self._state = "stopped"

    _expected_exit = False

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            self._expected_exit = False
            ended = self._run_once()
            if self._stopping.is_set():
                break
            if not self._expected_exit:
                with self._lock:
                    self._restarts += 1
                    self._last_error = ended
                    self._state = "restarting"
                self._on_restart(self._restarts)
            delay = 0.0 if self._expected_exit else self._backoff
            self._wake.clear()
            self._wake.wait(delay)
            with self._lock:
                self._backoff = min(MAX_BACKOFF_S, self._backoff * 2)

    def _run_once(self) -> str:
        """Runs the show until it ends; returns why it ended."""
        proc, self.log_path = self._take_standby() or self._spawn(standby=False)
        spawned = time.time()
        with self._lock:
            self._proc, self._started_at, self._live_at, self._reading = proc, spawned, None, None
            self._state = "starting"
        why = self._watch(proc, spawned)
        code = proc.wait()
        with self._lock:
            self._proc = None
            ran = time.time() - spawned
            if ran >= STABLE_S:
                self._backoff = FIRST_BACKOFF_S
        error = last_error(self.log_path)
        return why or f"show exited with code {code}" + (f"; last error: {error}" if error else "")

    def _spawn(self, standby: bool) -> tuple[subprocess.Popen[bytes], Path]:
        config_path = self.room_dir / "show.yaml"
        config_path.write_text(yaml.safe_dump(self.spec.show, allow_unicode=True, sort_keys=False), encoding="utf-8")
        self._spawns += 1
        log_path = self.room_dir / f"show-{self._spawns % 2}.log"  # never the log of the show on air
        command = show_command(self.spec, config_path) + (["--standby"] if standby else [])
        with open(log_path, "wb") as log:  # the previous run's last error was read when it ended
            proc = subprocess.Popen(command, cwd=self.room_dir, env=show_environment(self.spec),
                                    stdin=subprocess.PIPE if standby else subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        return proc, log_path

    def _catalog_edited_since_standby(self) -> bool:
        catalog = self.spec.show.get("catalog")
        standby = self._standby
        if not catalog or standby is None:
            return False
        try:
            return os.stat(catalog).st_mtime > standby[2]
        except OSError:
            return False

    def _take_standby(self) -> tuple[subprocess.Popen[bytes], Path] | None:
        with self._lock:
            standby, self._standby = self._standby, None
        if standby is None or standby[0].poll() is not None:
            return None
        try:
            assert standby[0].stdin is not None
            standby[0].stdin.write(b"go\n")
            standby[0].stdin.close()
        except OSError:
            self._kill(standby[0])
            return None
        return standby[0], standby[1]

    def _watch(self, proc: subprocess.Popen[bytes], spawned: float) -> str | None:
        """Polls the running show's metrics; returns a reason when it had to be killed."""
        frames, progressed = -1, time.monotonic()
        started = time.monotonic()
        while not self._stopping.is_set():
            try:
                # An exit is noticed at once; the first frame within a quarter second.
                proc.wait(POLL_S if self._live_at is not None else STARTING_POLL_S)
                return None
            except subprocess.TimeoutExpired:
                pass
            reading = read_metrics(self.spec.console_host, self.spec.console_port, self.token())
            now = time.monotonic()
            with self._lock:
                self._reading = reading
                if reading is not None and reading.frames_sent > 0 and self._live_at is None:
                    self._live_at = time.time()
                    self._state = "live"
                want_standby = self.spec.standby and self._live_at is not None and (
                    self._standby is None or self._standby[0].poll() is not None)
            if self._catalog_edited_since_standby():
                self._drop_standby()  # it loaded the catalog before this edit; the next one loads the new file
            if want_standby:  # from this thread, which lives as long as the room (PDEATHSIG)
                spawned_standby = (*self._spawn(standby=True), time.time())
                with self._lock:
                    self._standby = spawned_standby
            if reading is not None and reading.frames_sent != frames:
                frames, progressed = reading.frames_sent, now
            live = self._live_at is not None
            if not live and now - started > START_S:
                self._kill(proc)
                return f"no frame within {START_S:g} s of start: killed"
            if live and now - progressed > HANG_S:
                self._kill(proc)
                return f"no new frame for {HANG_S:g} s: killed as hung"
        return None

    def _terminate(self) -> None:
        with self._lock:
            proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self._kill(proc)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
