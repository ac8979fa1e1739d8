"""`livehost rooms up|status|stop|restart|persona|down`, and the `livehost` entry point that adds them.

Ray is imported only when a rooms command runs: `livehost run` and the rest never need it.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from script.bounded_input import load_yaml

if TYPE_CHECKING:  # the rooms file's parser loads the show's config modules: not on `livehost say`'s path
    from .config import RoomsFile

OWNER_POLL_S = 1.0


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["say"]:  # a quick listen loads the voice alone, not the show's video, WebRTC and chat
        from stream.say_command import main as say_main
        code = say_main(argv[1:])
        if as_program:
            # The WAV is written and closed; the interpreter's teardown of the model and the pinyin
            # tables would add 0.15-0.2 s that the user waits for and nothing needs.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    from stream import cli as stream_cli
    return stream_cli.main(argv, extra_commands=(add_rooms_parser,))


def add_rooms_parser(sub: argparse._SubParsersAction) -> None:
    rooms = sub.add_parser("rooms", help="many rooms, one show each, on Ray (see docs/rooms.md)")
    rooms.add_argument("--address", help="an existing Ray cluster (host:port); default: the local one `rooms up` "
                                         "started, or a new embedded one for `up`")
    rooms.add_argument("--file", "-f", default="rooms.yaml", help="rooms file (default ./rooms.yaml); "
                                                                  "its state_dir says where the local cluster is")
    verbs = rooms.add_subparsers(dest="verb", required=True)
    up = verbs.add_parser("up", help="start every room in the file that is not running yet; apply persona changes")
    up.add_argument("rooms_file", nargs="?", help="rooms.yaml (default: --file)")
    up.add_argument("--wait", type=float, default=0.0, metavar="S",
                    help="wait up to S seconds for every room's first frame and print how long it took")
    status = verbs.add_parser("status", help="each room's state and figures, read from its show's metrics")
    status.add_argument("--json", action="store_true")
    for verb, text in (("stop", "stop one room (it stays stopped until `rooms up`)"),
                       ("restart", "restart one room's show (and apply its edited config)")):
        verbs.add_parser(verb, help=text).add_argument("name")
    persona = verbs.add_parser("persona", help="switch one room's persona on air (next sentence, no gap)")
    persona.add_argument("name")
    persona.add_argument("persona")
    verbs.add_parser("down", help="stop every room and the operator page (and the local Ray `up` started)")
    rooms.set_defaults(func=run_rooms_command)


def run_rooms_command(args: argparse.Namespace) -> int:
    # Ray reads this once, at import: a driver joining the token-protected local cluster must know.
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    from .config import RoomsError
    try:
        from .cluster import ClusterError
    except ImportError as exc:
        print(f"livehost: rooms run on Ray, which is not installed here ({exc}); "
              "install it with: .venv/bin/pip install -e '.[rooms]'", file=sys.stderr)
        return 2
    try:
        return {"up": cmd_up, "status": cmd_status, "stop": cmd_stop, "restart": cmd_restart,
                "persona": cmd_persona, "down": cmd_down}[args.verb](args)
    except (RoomsError, ClusterError) as exc:
        print(f"livehost: {exc}", file=sys.stderr)
        return 2


def state_dir_of(path: str) -> str:
    """Only the file's state_dir (the other commands need no secrets to find the rooms)."""
    file = Path(path)
    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    state = data.get("state_dir") if isinstance(data, dict) else None
    base = file.resolve().parent
    return str((base / (state if isinstance(state, str) else ".livehost/rooms")).resolve())


def _connect(args: argparse.Namespace):
    from .cluster import connect
    return connect(state_dir_of(args.file), args.address)


def cmd_up(args: argparse.Namespace) -> int:
    import ray

    from .actor import remote_room_actor
    from .cluster import join, local_address, room_actor, room_names, start_local
    from .config import load_rooms
    from .operator_page import ensure_operator_page
    rooms = load_rooms(args.rooms_file or args.file)
    address = args.address or local_address(rooms.state_dir)
    cluster = join(address) if address else start_local(rooms.state_dir, rooms.room_slots, rooms.num_cpus)
    up_at = time.monotonic()
    running = set(room_names())
    for room in rooms.rooms:
        if room.name in running:
            try:
                print(f"{room.name}: running; {ray.get(room_actor(room.name).update.remote(room), timeout=90)}")
            except (ray.exceptions.GetTimeoutError, ray.exceptions.RayError) as exc:
                print(f"{room.name}: not answering ({type(exc).__name__}: waiting for a room_slot?); unchanged")
        else:
            remote_room_actor(room, rooms.state_dir)
            print(f"{room.name}: starting ({room.persona}, console {room.console_host}:{room.console_port})")
    for name in sorted(running - {r.name for r in rooms.rooms}):
        print(f"{name}: running but not in {rooms.path}; `livehost rooms stop {name}` stops it")
    url, token_source = ensure_operator_page(rooms.operator, rooms.state_dir)
    print(f"operator page: {url}/  (token: {token_source})")
    if args.wait > 0:
        _wait_first_frames(rooms, up_at, args.wait)
    if not cluster.embedded:
        return 0
    print("local Ray started here: this command keeps it up; Ctrl-C or `livehost rooms down` stops every room")
    return _own_local_cluster(rooms)


def _wait_first_frames(rooms: RoomsFile, up_at: float, timeout: float) -> None:
    from .operator_page import gather_statuses
    waiting = {r.name for r in rooms.rooms}
    pause = threading.Event()
    while waiting and time.monotonic() - up_at < timeout:
        for status in gather_statuses():
            if status.name in waiting and status.state == "live":
                waiting.discard(status.name)
                print(f"{status.name}: first frame {time.monotonic() - up_at:.1f} s after `rooms up`")
        pause.wait(0.5)
    for name in sorted(waiting):
        print(f"{name}: not live within {timeout:g} s (see `livehost rooms status`)")


def _own_local_cluster(rooms: RoomsFile) -> int:
    """Blocks until Ctrl-C, SIGTERM or `rooms down` (which removes the cluster file), then ends the cluster."""
    import ray

    from .cluster import forget_local, local_address
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(OWNER_POLL_S):
        if local_address(rooms.state_dir) is None:
            break
    else:
        _stop_everything()
    forget_local(rooms.state_dir)
    ray.shutdown()
    print("rooms down; local Ray stopped")
    return 0


def _stop_everything() -> list[str]:
    import ray

    from .cluster import room_actor, room_names
    from .operator_page import stop_operator_page
    stopped = []
    names = room_names()
    actors = {name: room_actor(name) for name in names}
    refs = [actor.stop.remote() for actor in actors.values() if actor is not None]
    ray.wait(refs, num_returns=len(refs), timeout=30) if refs else None
    for name, actor in actors.items():
        if actor is not None:
            ray.kill(actor, no_restart=True)
            stopped.append(name)
    stop_operator_page()
    return stopped


def cmd_status(args: argparse.Namespace) -> int:
    from .operator_page import gather_statuses
    from .status import format_table
    _connect(args)
    statuses = gather_statuses()
    if args.json:
        print(json.dumps([s.to_json() for s in statuses], ensure_ascii=False, indent=1))
    else:
        print(format_table(statuses) if statuses else "no rooms running")
    return 0


def _one(args: argparse.Namespace):
    from .cluster import room_actor
    from .config import RoomsError
    _connect(args)
    actor = room_actor(args.name)
    if actor is None:
        raise RoomsError(f"no room named {args.name!r} is running")
    return actor


def cmd_stop(args: argparse.Namespace) -> int:
    import ray
    actor = _one(args)
    try:
        print(f"{args.name}: {ray.get(actor.stop.remote(), timeout=60)}")
    except (ray.exceptions.GetTimeoutError, ray.exceptions.RayError) as exc:
        print(f"{args.name}: not answering ({type(exc).__name__}); removed")
    ray.kill(actor, no_restart=True)
    return 0


def cmd_restart(args: argparse.Namespace) -> int:
    import ray
    print(f"{args.name}: {ray.get(_one(args).restart.remote(), timeout=60)}")
    return 0


def cmd_persona(args: argparse.Namespace) -> int:
    import ray
    print(f"{args.name}: {ray.get(_one(args).switch_persona.remote(args.persona), timeout=90)}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    from .cluster import forget_local
    _connect(args)
    stopped = _stop_everything()
    print(f"stopped: {', '.join(stopped) if stopped else 'no rooms were running'}")
    if not args.address:
        forget_local(state_dir_of(args.file))  # the `rooms up` that owns the local Ray sees this and ends it
    return 0


if __name__ == "__main__":
    sys.exit(main())
