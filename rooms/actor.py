"""The Ray actor that owns one room: its show process, its restart count, its hot changes.

Ray restarts the actor itself forever (max_restarts=-1) if its worker dies; the actor then
starts the show again from the room's newest spec, kept on the node's disk beside the show's
log, so a persona switched live survives the restart.
"""
from __future__ import annotations

import getpass
import json
import os
import pickle
import socket
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import ray

from .config import RoomSpec
from .show_process import ShowProcess
from .status import RoomStatus, room_status

NAMESPACE = "livehost"
ACTOR_PREFIX = "room-"
ROOM_SLOT = "room_slot"


def actor_name(room: str) -> str:
    return ACTOR_PREFIX + room


class RoomActor:
    def __init__(self, spec: RoomSpec, state_dir: str) -> None:
        self._dir = Path(state_dir) / spec.name
        self._dir.mkdir(parents=True, exist_ok=True)
        saved = self._dir / "spec.pickle"
        restarts = self._count("restarts")
        if ray.get_runtime_context().was_current_actor_reconstructed:
            restarts += 1  # the actor's own process died with the show in it
            self._save_count("restarts", restarts)
            if saved.exists():
                spec = pickle.loads(saved.read_bytes())
        else:
            restarts = 0
            self._save_count("restarts", 0)
            (self._dir / "applied").write_text(spec.fingerprint())
        self._save_spec(spec)
        self._node = socket.gethostname()
        self._show = ShowProcess(spec, self._dir, restarts, on_restart=lambda n: self._save_count("restarts", n))
        self._show.start()

    def status(self) -> RoomStatus:
        spec = self._show.spec
        host = spec.console_host if spec.console_host not in ("0.0.0.0", "::") else self._node
        return room_status(spec.name, spec.persona, self._node, f"http://{host}:{spec.console_port}/",
                           self._show.snapshot(), actor_pid=os.getpid())

    def fingerprint(self) -> str:
        return self._show.spec.fingerprint()

    def update(self, spec: RoomSpec) -> str:
        """`rooms up` again. Compared with what rooms.yaml said last time, not with the show on air,
        so a persona the operator switched since stays unless the file's own entry changed. A persona
        change goes on air at once; anything else waits for `rooms restart NAME` (a new show)."""
        applied = self._read_text("applied")
        if spec.fingerprint() == applied or (not applied and spec.fingerprint() == self._show.spec.fingerprint()):
            return "unchanged"
        (self._dir / "applied").write_text(spec.fingerprint())
        current = self._show.spec
        if spec.fingerprint(without=("persona",)) == current.fingerprint(without=("persona",)):
            if "/" in spec.persona:  # the console switches only to shipped personas, never to a path
                self._save_spec(spec, "spec.next.pickle")
                return f"persona folder {spec.persona}: `livehost rooms restart {spec.name}` puts it on air"
            if self._show.snapshot().state == "live":
                return self.switch_persona(spec.persona)
            self._show.set_spec(spec)  # not on air: the next start takes it
            self._save_spec(spec)
            return f"persona {spec.persona} from the next start"
        self._save_spec(spec, "spec.next.pickle")
        return f"changed: `livehost rooms restart {spec.name}` applies it"

    def switch_persona(self, persona: str, operator: str | None = None) -> str:
        spec = self._show.spec
        body = json.dumps({"action": "persona", "persona": persona,
                           "operator": operator or f"rooms:{getpass.getuser()}"}).encode()
        host = spec.console_host if spec.console_host not in ("0.0.0.0", "::") else "127.0.0.1"
        request = urllib.request.Request(f"http://{host}:{spec.console_port}/api/action", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self._show.token() or ''}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            return f"persona {persona!r} refused: {exc.read(500).decode('utf-8', errors='replace')}"
        except OSError as exc:
            return f"persona {persona!r} not switched: the show's console is not answering ({exc})"
        self._show.set_spec(replace(spec, show={**spec.show, "persona": persona}))
        self._save_spec(self._show.spec)
        return f"persona switched to {persona}"

    def restart(self) -> str:
        pending = self._dir / "spec.next.pickle"
        spec = pickle.loads(pending.read_bytes()) if pending.exists() else None
        if spec is not None:
            self._save_spec(spec)
            pending.unlink()
        self._show.restart(spec)
        return "restarting" + (" with the edited rooms.yaml" if spec else "")

    def stop(self) -> str:
        self._show.stop()
        return "stopped"

    def _save_spec(self, spec: RoomSpec, name: str = "spec.pickle") -> None:
        path = self._dir / name
        path.write_bytes(pickle.dumps(spec))
        path.chmod(0o600)

    def _read_text(self, name: str) -> str:
        try:
            return (self._dir / name).read_text()
        except OSError:
            return ""

    def _count(self, name: str) -> int:
        try:
            return int((self._dir / name).read_text())
        except (OSError, ValueError):
            return 0

    def _save_count(self, name: str, value: int) -> None:
        (self._dir / name).write_text(str(value))


def remote_room_actor(spec: RoomSpec, state_dir: str):
    """Starts the room's actor: named, detached, restarted forever, placed on a node with a free room_slot.
    No CPU is reserved through Ray: the show's child process uses the node's cores, and room_slot
    (how many rooms a node carries at 25 fps) is what places rooms."""
    remote = ray.remote(RoomActor).options(
        name=actor_name(spec.name), namespace=NAMESPACE, lifetime="detached", max_restarts=-1,
        max_task_retries=0, num_cpus=0, resources={ROOM_SLOT: 1}, max_concurrency=4)
    return remote.remote(spec, state_dir)
