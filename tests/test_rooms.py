"""Many rooms on a local Ray: two short shows pushing to the private nginx-rtmp, one killed and back."""
from __future__ import annotations

import json
import os
import signal
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import av
import pytest
import yaml

from rooms.config import RoomsError, load_rooms
from rooms.status import format_table
from conftest import free_port, poll_until

os.environ.setdefault("RAY_AUTH_MODE", "token")  # as `livehost rooms` does, before Ray is imported
ray = pytest.importorskip("ray")

REPO = Path(__file__).resolve().parent.parent
KEY_A = "roomA-s3cret-key-7f1c2d"  # from a file
KEY_B = "roomB-s3cret-key-90ab4e"  # from an environment variable
CONSOLE_TOKEN_B = "console-token-b-5e6f7a8b9c0d"
START_S = 150.0  # two shows loading on 2 shared cores
BACK_S = 120.0
SECRETS = (KEY_A, KEY_B, CONSOLE_TOKEN_B)


def quick_persona(root: Path) -> Path:
    """The food persona speaking with espeak-ng: loads in a moment, exact timings (Kokoro has its own tests)."""
    folder = root / "quick_food"
    shutil.copytree(REPO / "personas" / "food", folder)
    data = yaml.safe_load((folder / "persona.yaml").read_text(encoding="utf-8"))
    data["voice"] = {"engine": "espeak", "voice": "cmn", "speed": 1.0}
    (folder / "persona.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def write_rooms(tmp_path: Path, rtmp_url: str) -> Path:
    (tmp_path / "a_url").write_text(f"{rtmp_url}/{KEY_A}\n")
    persona = str(quick_persona(tmp_path))
    room = {"catalog": str(REPO / "examples" / "catalog.yaml"), "persona": persona, "layout": "landscape_540",
            "embeddings": False}
    rooms = {"state_dir": "state", "operator": {"port": free_port()}, "node": {"room_slots": 2},
             "rooms": [{**room, "name": "room-a", "outputs": [{"type": "rtmp", "name": "push",
                                                                 "url_file": "a_url"}],
                        "chat": {"port": free_port()}, "console": {"port": free_port()}},
                       {**room, "name": "room-b", "outputs": [{"type": "rtmp", "name": "push",
                                                                 "url_env": "ROOMS_TEST_B_URL"}],
                        "chat": {"port": free_port()},
                        "console": {"port": free_port(), "token_env": "ROOMS_TEST_B_TOKEN"}}]}
    path = tmp_path / "rooms.yaml"
    path.write_text(yaml.safe_dump(rooms, allow_unicode=True), encoding="utf-8")
    return path


def decode_frames(url: str, count: int = 5) -> tuple[int, int]:
    """Plays the stream back from nginx and decodes `count` video frames; returns their size."""
    with av.open(url, options={"rw_timeout": "20000000"}, timeout=20) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i + 1 >= count:
                return frame.width, frame.height
    raise AssertionError(f"{url}: stream ended before {count} frames")


def statuses() -> dict:
    from rooms.operator_page import gather_statuses
    return {s.name: s for s in gather_statuses(timeout=5)}


def test_a_bad_rooms_file_names_the_file_room_and_field(tmp_path):
    path = tmp_path / "rooms.yaml"
    good = {"name": "tea", "console": {"port": 9001}, "chat": {"port": 9002}, "outputs": []}
    cases = [
        ({"rooms": [{**good, "colour": "red"}]}, "rooms[0]: colour: unknown key"),
        ({"rooms": [{**good, "name": "Tea Room"}]}, "rooms[0].name: must be"),
        ({"rooms": [{k: v for k, v in good.items() if k != "console"}]}, "rooms[0] (tea): console.port: required"),
        ({"rooms": [good, {**good, "name": "milk"}]}, "rooms[1] (milk): console.port: port 9001 is already tea's"),
        ({"rooms": [{**good, "outputs": [{"type": "rtmp", "url_env": "ROOMS_TEST_UNSET"}]}]},
         "rooms[0] (tea): outputs[0].url_env: environment variable ROOMS_TEST_UNSET is not set"),
        ({"rooms": [{**good, "outputs": [{"type": "rtmp", "url": "rtmp://x/app/key"}]}]},
         "rooms[0] (tea): outputs[0].url: unknown key"),
        ({"rooms": [{**good, "persona": "astronaut"}]}, "rooms[0] (tea): persona: unknown persona 'astronaut'"),
        ({"rooms": [good, {**good}]}, "rooms[1].name: 'tea' is also rooms[0]"),
    ]
    for data, message in cases:
        path.write_text(yaml.safe_dump(data))
        with pytest.raises(RoomsError) as caught:
            load_rooms(path)
        assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value), (message, caught.value)


def test_the_example_rooms_file_has_two_rooms_on_the_example_catalog_with_different_personas():
    rooms = load_rooms(REPO / "examples" / "rooms.yaml")
    assert len(rooms.rooms) == 2
    assert {Path(r.show["catalog"]).name for r in rooms.rooms} == {"catalog.yaml"}
    assert len({r.persona for r in rooms.rooms}) == 2


def test_two_rooms_stream_one_is_killed_and_comes_back_while_the_other_keeps_streaming(
        rtmp_server, tmp_path, monkeypatch):
    monkeypatch.setenv("ROOMS_TEST_B_URL", f"{rtmp_server.url}/{KEY_B}")  # before Ray starts: workers inherit it
    monkeypatch.setenv("ROOMS_TEST_B_TOKEN", CONSOLE_TOKEN_B)
    rooms = load_rooms(write_rooms(tmp_path, rtmp_server.url))
    from rooms.actor import remote_room_actor
    from rooms.cluster import start_local
    from rooms.command import _stop_everything
    from rooms.operator_page import ensure_operator_page
    start_local(rooms.state_dir, rooms.room_slots)
    try:
        for room in rooms.rooms:
            remote_room_actor(room, rooms.state_dir)
        page_url, _ = ensure_operator_page(rooms.operator, rooms.state_dir)
        poll_until(lambda: all(s.state == "live" for s in statuses().values()) and len(statuses()) == 2,
                   START_S, "both rooms live")
        assert decode_frames(f"{rtmp_server.url}/{KEY_A}") == (960, 540)
        assert decode_frames(f"{rtmp_server.url}/{KEY_B}") == (960, 540)

        before = statuses()
        os.kill(before["room-a"].pid, signal.SIGKILL)
        poll_until(lambda: (s := statuses()["room-a"]).restarts == 1 and s.state == "live" and s.pid != before[
            "room-a"].pid, BACK_S, "room-a back on air")
        after = statuses()
        assert "code -9" in (after["room-a"].last_error or "")
        assert after["room-b"].restarts == 0 and after["room-b"].pid == before["room-b"].pid
        assert after["room-b"].frames_sent > before["room-b"].frames_sent  # kept streaming meanwhile
        assert decode_frames(f"{rtmp_server.url}/{KEY_A}") == (960, 540)  # RTMP published again
        assert decode_frames(f"{rtmp_server.url}/{KEY_B}") == (960, 540)

        up_again_with_a_new_room(rooms_path := Path(rooms.path), up_args(rooms_path))
        placed = statuses()
        assert placed["room-c"].state == "pending"  # two room_slots, both taken: it waits for a node
        assert (placed["room-a"].pid, placed["room-b"].pid) == (after["room-a"].pid, after["room-b"].pid)
        from rooms.cluster import room_actor
        ray.kill(room_actor("room-c"), no_restart=True)  # a pending room answers nothing: each sweep would wait for it

        table = format_table(list(after.values()))
        assert "room-a" in table and "live" in table
        page = operator_rooms(page_url, token=None)
        assert page == 401
        token = (Path(rooms.state_dir) / "operator.token").read_text().strip()
        listed = operator_rooms(page_url, token)
        assert {r["name"]: r["restarts"] for r in listed["rooms"]} == {"room-a": 1, "room-b": 0}
        shown = table + json.dumps(listed) + json.dumps([s.to_json() for s in after.values()])
        assert not [s for s in SECRETS if s in shown]
    finally:
        session_dir = Path(ray._private.worker._global_node.get_session_dir_path())
        _stop_everything()
        ray.shutdown()
    leaks = [(str(f), s) for f in files_to_scan(session_dir, Path(rooms.state_dir))
             for s in SECRETS if s.encode() in f.read_bytes()]
    assert not leaks
    assert any(files_to_scan(session_dir, Path(rooms.state_dir)))


def up_args(path: Path):
    import argparse
    return argparse.Namespace(rooms_file=str(path), file=str(path), address=None, wait=0.0)


def up_again_with_a_new_room(path: Path, args) -> None:
    """`rooms up` again with a third room added: only that one starts; the others are left alone."""
    from rooms.command import cmd_up
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rooms"].append({**data["rooms"][0], "name": "room-c", "outputs": [],
                          "chat": {"port": free_port()}, "console": {"port": free_port()}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert cmd_up(args) == 0


def operator_rooms(base_url: str, token: str | None):
    request = urllib.request.Request(f"{base_url}/api/rooms")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code


def files_to_scan(*roots: Path) -> list[Path]:
    """Every log and state file Ray and the rooms wrote, except the token files made to hold a token."""
    return [f for root in roots for f in root.rglob("*")
            if f.is_file() and not f.name.endswith(".token") and not f.is_symlink() and f.stat().st_size < 50_000_000]


def test_nothing_below_rooms_imports_it_and_the_single_show_does_not_need_ray():
    for package in ("stream", "script", "speech", "avatar", "chat"):
        for module in (REPO / package).rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            assert "import rooms" not in text and "from rooms" not in text, module
            assert "import ray" not in text, module
