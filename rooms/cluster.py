"""Where the rooms run: an embedded local Ray (the default) or an existing cluster (`--address`).

The embedded Ray is started by `livehost rooms up`, which stays in the foreground as its owner;
the other `rooms` commands join it through the address written to `<state_dir>/cluster.json`.
Locally: no dashboard (so no dashboard or its agent's HTTP ports), token auth on
(Ray's default for local clusters since 2.59; a shell that turns it off is refused; the token is
kept in ~/.ray/auth_token), metrics export off, workers' output kept
out of the driver. What Ray 2.60 cannot be told: its GCS, raylet and worker gRPC servers listen on
every interface whatever node address is given (127.0.0.1 is resolved to the machine's address);
the token guards them, a firewall should too (docs/rooms.md lists what listens).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import ray

from .actor import ACTOR_PREFIX, NAMESPACE, ROOM_SLOT
from .show_process import PROJECT_ROOT

log = logging.getLogger("livehost.rooms")
CLUSTER_FILE = "cluster.json"


class ClusterError(RuntimeError):
    pass


@dataclass(frozen=True)
class Cluster:
    address: str
    embedded: bool  # started by this process, which must stay up while rooms run


def _quiet_workers() -> None:
    """Settings the embedded cluster's daemons and workers inherit from this process."""
    if os.environ.get("RAY_AUTH_MODE", "token") != "token":  # Ray reads it at import: refuse, never flip it
        raise ClusterError(f"RAY_AUTH_MODE={os.environ['RAY_AUTH_MODE']}: rooms run only with Ray's token "
                           "auth on (the default for a local cluster); unset it")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report leaves the machine
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if str(PROJECT_ROOT) not in paths:  # workers import rooms/ and the show's packages from here
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), *paths) if p)


def start_local(state_dir: str | Path, room_slots: int, num_cpus: int | None = None) -> Cluster:
    _quiet_workers()
    context = ray.init(namespace=NAMESPACE, num_cpus=num_cpus, resources={ROOM_SLOT: float(room_slots)},
                       include_dashboard=False, dashboard_host="127.0.0.1", log_to_driver=False,
                       configure_logging=False)
    address = context.address_info["address"]
    path = Path(state_dir)
    path.mkdir(parents=True, exist_ok=True)
    (path / CLUSTER_FILE).write_text(json.dumps({"address": address, "pid": os.getpid()}))
    return Cluster(address=address, embedded=True)


def local_address(state_dir: str | Path) -> str | None:
    """The embedded cluster a running `rooms up` owns, if its owner is still alive."""
    try:
        data = json.loads((Path(state_dir) / CLUSTER_FILE).read_text())
        os.kill(int(data["pid"]), 0)
        return str(data["address"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def join(address: str) -> Cluster:
    _quiet_workers()
    if ray.is_initialized():  # this process already is a driver of it (the owner, a test)
        return Cluster(address=address, embedded=False)
    try:
        ray.init(address=address, namespace=NAMESPACE, log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterError(f"cannot join the Ray cluster at {address}: {exc}") from None
    return Cluster(address=address, embedded=False)


def connect(state_dir: str | Path, address: str | None) -> Cluster:
    """Joins --address, else the local cluster a running `rooms up` owns."""
    address = address or local_address(state_dir)
    if address is None:
        raise ClusterError(f"no rooms are running here (no live cluster recorded in {Path(state_dir) / CLUSTER_FILE}); "
                           "start them with `livehost rooms up rooms.yaml`, or give --address of a cluster")
    return join(address)


def forget_local(state_dir: str | Path) -> None:
    (Path(state_dir) / CLUSTER_FILE).unlink(missing_ok=True)


def room_names() -> list[str]:
    """Rooms with a live actor in this cluster's livehost namespace, by room name."""
    named = ray.util.list_named_actors(all_namespaces=True)
    return sorted(a["name"][len(ACTOR_PREFIX):] for a in named
                  if a.get("namespace") == NAMESPACE and a["name"].startswith(ACTOR_PREFIX))


def room_actor(name: str):
    try:
        return ray.get_actor(ACTOR_PREFIX + name, namespace=NAMESPACE)
    except ValueError:
        return None
