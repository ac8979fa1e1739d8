"""What the show exposes and to whom: Host and Origin checks against DNS rebinding and other
sites' pages, the preview and metrics behind the token from other machines, no framing, persona
actions by id only, replies without viewer ids to other chat clients, checks before loading."""
import asyncio
import json
import socket
import urllib.error
import urllib.request

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from websockets.asyncio.client import connect

from conftest import poll_until
from live_show import TOKEN, ShowThread
from stream.cli import main
from stream.console import TOKEN_ENV
from stream.live import LiveConfig
from stream.metrics import ShowMetrics
from stream.webrtc import RawBroadcast, WebRtcHub


@pytest.fixture(autouse=True)
def no_env_token(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)


def raw_request(base_url: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
    """Headers exactly as given (urllib would fill in its own Host)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {len(body)}"]
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), {"headers": parsed, "body": payload}


def test_host_origin_and_content_type_are_checked_and_pages_cannot_be_framed(tmp_path):
    with ShowThread(tmp_path) as running:
        base = running.base_url
        own_host = base.removeprefix("http://")
        offer = json.dumps({"type": "offer", "sdp": "nonsense"}).encode()
        # DNS rebinding: another site's name pointed at this machine.
        for path in ("/", "/metrics", "/api/state"):
            status, _ = raw_request(base, "GET", path, {"Host": f"attacker.example:{own_host.split(':')[1]}",
                                                        "Authorization": f"Bearer {TOKEN}"})
            assert status == 421, path
        assert raw_request(base, "GET", "/metrics", {})[0] == 400  # no Host at all
        # Another site's page posting here: refused by its Origin, or by a form's content type.
        status, _ = raw_request(base, "POST", "/offer", {"Host": own_host, "Origin": "http://attacker.example",
                                                         "Content-Type": "application/json"}, offer)
        assert status == 403
        status, _ = raw_request(base, "POST", "/offer", {"Host": own_host, "Content-Type": "text/plain"}, offer)
        assert status == 415
        status, _ = raw_request(base, "POST", "/api/action", {"Host": own_host, "Origin": "http://evil.example",
                                                              "Content-Type": "application/json",
                                                              "Authorization": f"Bearer {TOKEN}"},
                                json.dumps({"operator": "x", "action": "stop"}).encode())
        assert status == 403 and running.show.holding is False
        assert raw_request(base, "OPTIONS", "/api/action", {"Host": own_host})[0] == 405  # no CORS preflight passes
        # The console's own page, from localhost by name, still works.
        status, page = raw_request(base, "GET", "/", {"Host": f"localhost:{own_host.split(':')[1]}"})
        assert status == 200 and page["headers"]["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page["headers"]["content-security-policy"]
        status, same_origin = raw_request(base, "POST", "/offer", {"Host": own_host, "Origin": base,
                                                                   "Content-Type": "application/json"}, offer)
        assert status == 400 and "expected" in json.loads(same_origin["body"])["error"]  # reached the handler
        assert raw_request(base, "GET", "/metrics", {"Host": own_host})[1]["headers"]["x-frame-options"] == "DENY"


def _lan_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_from_another_machine_preview_and_metrics_need_the_token(tmp_path):
    address = _lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    token_file = tmp_path / "console.token"
    token_file.write_text(TOKEN)
    config = LiveConfig(chat_port=0, live_view=False, console=True, console_host=address, console_port=0,
                        console_token_file=str(token_file), state_dir=str(tmp_path))
    with ShowThread(tmp_path, config) as running:
        base = running.base_url
        assert running.request("GET", "/metrics", token=None)[0] == 401
        assert running.request("POST", "/offer", {"type": "offer", "sdp": "x"}, token=None)[0] == 401
        status, metrics = running.request("GET", "/metrics")
        assert status == 200 and "livehost_fps" in metrics
        assert running.request("POST", "/offer", {"type": "offer", "sdp": "x"})[0] == 400  # past the token
        assert base.startswith(f"http://{address}:")


def test_persona_actions_name_a_shipped_persona_never_a_path(tmp_path):
    with ShowThread(tmp_path) as running:
        for name in ("/tmp", "../personas/food", "personas/food", str(tmp_path)):
            status, body = running.action(action="persona", persona=name)
            assert status == 400 and "unknown persona" in body["error"] and "keeps its current persona" in body["error"]
        assert running.show.producer.persona.persona_id == "default"


def test_other_chat_clients_get_the_reply_without_the_viewers_id_or_question(tmp_path):
    with ShowThread(tmp_path) as running:
        url = running.show.chat.url

        async def scenario():
            async with connect(url) as asker, connect(url) as bystander:
                await asker.send(json.dumps({"type": "comment", "user": "u-private-42", "text": "这个茶多少钱?"}))

                async def reply(ws):
                    for _ in range(200):
                        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                        if message.get("type") == "reply":
                            return message
                    raise AssertionError("no reply")
                return await asyncio.gather(reply(asker), reply(bystander))

        own, seen = asyncio.run(scenario())
    assert own["user"] == "u-private-42" and own["question"] == "这个茶多少钱?"
    assert "user" not in seen and "question" not in seen and seen["text"] == own["text"]


def test_an_offer_that_never_connects_gives_its_slot_back():
    async def scenario():
        hub = WebRtcHub(RawBroadcast(ShowMetrics()), ShowMetrics(), max_peers=1, connect_timeout_s=0.5)
        client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        client.addTransceiver("video", direction="recvonly")
        client.addTransceiver("audio", direction="recvonly")
        await client.setLocalDescription(await client.createOffer())
        await hub.answer(client.localDescription.sdp, "offer")  # the client never uses the answer
        with pytest.raises(ValueError, match="already 1 viewers"):
            await hub.answer(client.localDescription.sdp, "offer")
        for _ in range(100):
            if hub.peer_count == 0:
                break
            await asyncio.sleep(0.1)
        count = hub.peer_count
        await client.close()
        await hub.close()
        return count
    assert asyncio.run(scenario()) == 0


def test_a_port_in_use_or_an_unwritable_recording_is_one_line_before_anything_loads(tmp_path, capsys, monkeypatch):
    import stream.run_show as run_show

    def never(*args, **kwargs):
        raise AssertionError("the catalog was loaded before the machine was checked")
    monkeypatch.setattr(run_show, "load_catalog_file", never)
    monkeypatch.setattr(run_show, "default_catalog", never)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        not_a_folder = tmp_path / "notes.txt"  # even root cannot create a file inside a file
        not_a_folder.write_text("x")
        code = main(["run", "--chat-port", str(port), "--record", str(not_a_folder / "show.mp4"),
                     "--console-port", "0", "--view-port", "0", "--seconds", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"chat port {port} on 127.0.0.1 is in use" in err and "--chat-port" in err
    assert f"recording {not_a_folder / 'show.mp4'} cannot be written" in err and len(err.splitlines()) == 3


def test_host_opens_chat_and_live_view_only_never_the_console(monkeypatch):
    import stream.cli as cli
    seen = {}
    monkeypatch.setattr(cli, "_run_with", lambda args, config: seen.setdefault("config", config) and 0)
    main(["run", "--host", "0.0.0.0", "--seconds", "1"])
    config = seen["config"]
    assert config.chat_host == config.view_host == "0.0.0.0" and config.console_host == "127.0.0.1"


def test_a_name_the_operator_allows_is_answered(tmp_path):
    token_file = tmp_path / "console.token"
    token_file.write_text(TOKEN)
    config = LiveConfig(chat_port=0, live_view=False, console=True, console_port=0,
                        console_allowed_hosts=("console.shop.example",),
                        console_token_file=str(token_file), state_dir=str(tmp_path))
    with ShowThread(tmp_path, config) as running:
        port = running.base_url.rsplit(":", 1)[1]
        assert raw_request(running.base_url, "GET", "/", {"Host": f"console.shop.example:{port}"})[0] == 200
        assert raw_request(running.base_url, "GET", "/", {"Host": f"other.example:{port}"})[0] == 421


def test_with_a_chat_token_only_clients_presenting_it_may_post(tmp_path):
    from websockets.exceptions import InvalidStatus

    token = "chat-token-0123456789abcdef"
    config = LiveConfig(chat_port=0, live_view=False, chat_token=token)
    with ShowThread(tmp_path, config) as running:
        url = running.show.chat.url

        async def scenario():
            refused = []
            for attempt in (url, url + "?token=wrong-wrong-wrong-wrong"):
                try:
                    async with connect(attempt) as ws:
                        await ws.send(json.dumps({"type": "comment", "user": "x", "text": "hi"}))
                        refused.append(False)
                except InvalidStatus as exc:
                    refused.append(exc.response.status_code == 401)
            async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
                await ws.send(json.dumps({"type": "comment", "user": "u1", "text": "这个茶多少钱?"}, ensure_ascii=False))
                ok = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            async with connect(f"{url}/?token={token}") as ws:
                await ws.send(json.dumps({"type": "like", "user": "u2"}))
                ok_query = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            return refused, ok, ok_query
        refused, ok, ok_query = asyncio.run(scenario())
        assert refused == [True, True] and running.show.chat.refused_logins == 2
    assert ok["ok"] is True and ok_query["ok"] is True
