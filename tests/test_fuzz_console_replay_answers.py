"""Seeded, bounded property-based fuzz tests of console requests over a real socket, replay files and
the answerer: each ends in a result or the documented clear error; any other exception is a bug."""

import asyncio
import datetime as dt
import json
import math
import re
import socket
import threading

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from script.answer_facts import Answer
from script.answers import Answerer
from script.catalog import Catalog
from script.catalog_limits import MAX_PRICE, MAX_STOCK
from script.chat import (EVENT_TYPES, ChatEvent, parse_chat_event)
from stream.catalog_file import load_catalog_file
from stream.http_server import HttpError, Request
from stream.persona_bundle import load_persona
from stream.replay import ReplayResult, ReplaySimulator, read_chat_lines

from tests.fuzz_support import (ANY_FRAME, BIG_NUMBER_TEXT, BOUNDARY_NUMBERS, CHAT_HOSTILE, FINITE_FLOATS, FUZZ, JSONISH_TEXT, MISSING, SHORT_TEXT, THREE_PRODUCTS, WHITESPACE, assert_event_in_bounds, json_text, mostly, nested_text)

# ---- 4. console requests ------------------------------------------------------------------------

@settings(FUZZ, max_examples=150)
@given(body=st.one_of(st.binary(max_size=200), json_text().map(str.encode), nested_text(20000).map(str.encode),
                      JSONISH_TEXT.map(str.encode), BIG_NUMBER_TEXT.map(str.encode), st.just(b"")))
def test_request_json_returns_a_dict_or_raises_http_400(body):
    request = Request("POST", "/api/action", {}, {"content-type": "application/json"}, body)
    try:
        data = request.json()
    except HttpError as exc:
        assert exc.status == 400
    else:
        assert isinstance(data, dict)


class _FakeInbox:
    pending_controls = 0


class _FakeProducer:
    """What ShowControl touches of a running show: a catalog to edit and a control lane."""

    frame_size = (320, 180)

    def __init__(self) -> None:
        self.inbox = _FakeInbox()
        self.catalog = load_catalog_file(THREE_PRODUCTS)

    def submit_control(self, control) -> None:
        pass

    def edit_catalog(self, edit) -> Catalog:
        self.catalog = edit(self.catalog)
        return self.catalog


class _NoVoice:
    def load(self) -> None:
        pass


class ConsoleUnderTest:
    """A real ConsoleServer on 127.0.0.1:0, run on its own event loop thread."""

    TOKEN = "fuzz-token-0123456789abcdef"

    def __init__(self) -> None:
        from stream.console import ConsoleServer, ConsoleToken, EventHub
        from stream.control import ShowControl
        from stream.metrics import ShowMetrics
        from stream.webrtc import RawBroadcast, WebRtcHub

        self.loop = asyncio.new_event_loop()
        self.unhandled: list[dict] = []
        self.loop.set_exception_handler(lambda loop, context: self.unhandled.append(context))
        self.producer = _FakeProducer()
        metrics, hub = ShowMetrics(), EventHub()
        control = ShowControl(lambda: self.producer, lambda on: None, lambda settings: _NoVoice(), hub.publish)
        self.server = ConsoleServer(ConsoleToken(self.TOKEN, "test"), control, hub,
                                    WebRtcHub(RawBroadcast(metrics), metrics), metrics, lambda: {"mode": "auto"},
                                    host="127.0.0.1", port=0)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self.server.start())
        self.port = self.server.http.port

    def _call(self, coroutine, timeout: float = 20):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def settle(self) -> None:
        """Let callbacks already scheduled on the server's loop (task exception reports) run."""
        self._call(asyncio.sleep(0))

    def close(self) -> None:
        self._call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def exchange(self, raw: bytes, timeout: float = 20) -> tuple[bytes, bool]:
        """Send `raw`, half-close, read to EOF. (reply, reset); a hang fails the test."""
        data, reset = b"", False
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            try:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                reset = True
            try:
                while chunk := sock.recv(65536):
                    data += chunk
            except ConnectionResetError:
                reset = True
            except socket.timeout:
                raise AssertionError(f"server neither answered nor closed within {timeout} s") from None
        return data, reset

    def request(self, method: str, path: str, body: bytes = b"", token: str | None = TOKEN,
                content_type: str = "application/json") -> tuple[int, bytes]:
        headers = f"Host: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
        headers += f"Content-Type: {content_type}\r\n" if method == "POST" else ""
        headers += f"Authorization: Bearer {token}\r\n" if token else ""
        data, _ = self.exchange(f"{method} {path} HTTP/1.1\r\n{headers}\r\n".encode() + body)
        status = check_http_reply(data)
        assert status is not None, f"no reply to {method} {path}"
        return status, data.partition(b"\r\n\r\n")[2]


STATUS_LINE = re.compile(rb"HTTP/1\.1 ([1-5]\d\d) [^\r\n]*\r\n")


def check_http_reply(data: bytes, reset: bool = False) -> int | None:
    """The status of a well-formed reply, None for a closed connection; fails on anything else."""
    if not data or (reset and b"\r\n" not in data):
        return None
    match = STATUS_LINE.match(data)
    assert match, f"not an HTTP status line: {data[:80]!r}"
    head, sep, body = data.partition(b"\r\n\r\n")
    if reset and not sep:
        return int(match.group(1))
    assert sep, f"reply head not terminated: {data[:200]!r}"
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    if not reset and b"Content-Length" in headers:
        assert int(headers[b"Content-Length"]) == len(body)
    return int(match.group(1))


@pytest.fixture(scope="module")
def console():
    server = ConsoleUnderTest()
    try:
        yield server
    finally:
        server.close()


def assert_still_serving(console: ConsoleUnderTest) -> None:
    status, body = console.request("GET", "/api/state")
    assert status == 200 and json.loads(body) == {"mode": "auto"}
    console.settle()
    assert not console.unhandled, console.unhandled


HEADER_VALUES = {
    "Host": ["<HOST>", "localhost", "127.0.0.1", "[::1]:80", "evil.example", "", ":", "[", "a:b:c", "LOCALHOST:1"],
    "Content-Length": ["<LEN>", "<LEN>", "0", "-1", "abc", "", " 5 ", "1_0", "9" * 30, "65537", "100000", "0x10"],
    "Content-Type": ["application/json", "application/json; charset=utf-8", "text/plain", "", "APPLICATION/JSON"],
    "Authorization": ["Bearer <TOKEN>", "Bearer <TOKEN>", "Bearer wrong-token", "bearer <TOKEN>", "Basic x", ""],
    "Origin": ["http://<HOST>", "http://evil.example", "null", ""],
    "Transfer-Encoding": ["chunked"], "Connection": ["keep-alive", "close"],
}
TARGETS = ["/", "/api/state", "/api/action", "/api/events", "/offer", "/metrics", "/console.js", "/viewer",
           "/webrtc.js", "/nope", "*", "http://[::1", "/api/state?x=1&x=2", "//", "/%ff%00", "/api/action?%zz"]
JSON_BODIES = st.one_of(
    json_text(), nested_text(20000), BIG_NUMBER_TEXT, JSONISH_TEXT,
    st.builds(lambda sdp: json.dumps({"type": "offer", "sdp": sdp}), st.sampled_from(["v=0", "v=0\r\nxx", "x"])))


ACTION_VALUES = {
    "mode": ["auto", "approve", "manual"], "text": ["大家好"], "line_id": ["line-1"],
    "sku": ["A1001", "B2002", "NOPE", ""], "price": [79.0, 0.004, -3, 1e300], "stock": [5, 2.5, -1, 1e12],
    "paused": [True, False], "reason": ["test"], "persona": ["no-such-persona", "../personas/default", "/"],
}
ACTIONS = st.fixed_dictionaries(
    {"operator": mostly("Li Na", CHAT_HOSTILE | st.sampled_from([" ", "x" * 41])),
     "action": mostly("pause", CHAT_HOSTILE) | st.sampled_from(
         ["mode", "say", "approve", "reject", "pin", "product", "pause", "stop", "resume", "persona", "nope"])},
    optional={key: st.sampled_from(values) | CHAT_HOSTILE for key, values in ACTION_VALUES.items()},
).map(lambda action: {k: v for k, v in action.items() if v is not MISSING})


@st.composite
def raw_requests(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    method = draw(mostly("GET", st.sampled_from(["POST", "POST", "PUT", "OPTIONS", "HEAD", "get", ""]) | SHORT_TEXT))
    target = draw(st.sampled_from(TARGETS) | SHORT_TEXT)
    version = draw(mostly("HTTP/1.1", st.sampled_from(["HTTP/1.0", "HTTP/9", ""])))
    line = draw(mostly(f"{method} {target} {version}", st.text(max_size=40)))
    # The usual headers, each usually present and usually right, then random ones.
    headers = []
    for name in ("Host", "Content-Length", "Content-Type", "Authorization", "Origin"):
        if draw(st.integers(0, 3)) and (name != "Origin" or draw(st.booleans())):
            values = HEADER_VALUES[name]
            headers.append((name, draw(mostly(values[0], st.sampled_from(values) | SHORT_TEXT))))
    headers += draw(st.lists(st.one_of(
        st.sampled_from(sorted(HEADER_VALUES)).flatmap(
            lambda name: st.tuples(st.just(name), st.sampled_from(HEADER_VALUES[name]) | SHORT_TEXT)),
        st.tuples(SHORT_TEXT, SHORT_TEXT)), max_size=3))
    headers = draw(st.permutations(headers))
    body = draw(st.one_of(JSON_BODIES.map(str.encode), ACTIONS.map(lambda a: json.dumps(a).encode()),
                          st.binary(max_size=200)))
    # The token is read-only here: a GET /api/events with it would stream (and so stay open) by design.
    if target.startswith("/api/events"):
        headers = [(n, v) for n, v in headers if "<TOKEN>" not in v]
    eol = draw(mostly("\r\n", st.sampled_from(["\n", "\r", "\n\r"])))
    head = line + eol + "".join(f"{n}: {v}{eol}" for n, v in headers) + eol
    head = head.replace("<LEN>", str(len(body)))
    return head.encode("utf-8", "surrogatepass") + body


@settings(FUZZ, max_examples=120)
@given(raw=raw_requests())
def test_console_answers_any_raw_request_with_a_status_line_or_closes_and_keeps_serving(console, raw):
    raw = raw.replace(b"<HOST>", f"127.0.0.1:{console.port}".encode()).replace(b"<TOKEN>", console.TOKEN.encode())
    data, reset = console.exchange(raw)
    event(f"status {check_http_reply(data, reset)}")
    assert_still_serving(console)


@settings(FUZZ, max_examples=100)
@given(action=ACTIONS)
def test_console_actions_with_fuzzed_fields_answer_200_or_400(console, action):
    body = json.dumps(action, allow_nan=True).encode()
    status, reply = console.request("POST", "/api/action", body)
    event(f"status {status}")
    assert status in (200, 400), (status, reply)
    assert json.loads(reply)["ok"] is (status == 200)
    console.settle()
    assert not console.unhandled, console.unhandled


@settings(FUZZ, max_examples=60)
@given(price=st.none() | FINITE_FLOATS | BOUNDARY_NUMBERS, stock=st.none() | FINITE_FLOATS | BOUNDARY_NUMBERS)
def test_console_product_edit_keeps_prices_and_stock_within_catalog_limits(console, price, stock):
    console.producer.catalog = load_catalog_file(THREE_PRODUCTS)
    body = json.dumps({"operator": "Li Na", "action": "product", "sku": "A1001", "price": price, "stock": stock})
    status, reply = console.request("POST", "/api/action", body.encode())
    assert status in (200, 400)
    if status == 200:
        edited = json.loads(reply)
        assert 0 < edited["price"] <= MAX_PRICE and (edited["stock"] is None or 0 <= edited["stock"] <= MAX_STOCK)


# ---- 5. replay ----------------------------------------------------------------------------------

LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
CHAT_TEXT_ALPHABET = "这个茶多少钱充电宝面霜能带上飞机吗几块元件重量保质期孕妇喝买送减满第二半一两三十百千万abcXYZ0123456789 ,.?!，。？！~"
CHAT_TEXTS = st.text(alphabet=CHAT_TEXT_ALPHABET, min_size=1, max_size=20).filter(str.strip)


@st.composite
def chat_files(draw) -> str:
    lines = draw(st.lists(ANY_FRAME.map(lambda f: f.decode("utf-8", "replace") if isinstance(f, bytes) else f)
                          | WHITESPACE, max_size=6))
    text = ""
    for line in lines:
        text += line + draw(LINE_BREAKS)
    return text


@settings(FUZZ, max_examples=100)
@given(text=chat_files())
def test_read_chat_lines_never_raises_and_returns_an_event_or_error_per_nonblank_line(text):
    lines = read_chat_lines(text)
    numbers = [number for number, _, _ in lines]
    assert numbers == sorted(set(numbers)) and all(1 <= n <= len(text.splitlines()) for n in numbers)
    for _, parsed, error in lines:
        assert (parsed is None) != (error is None)
        if parsed is not None:
            assert_event_in_bounds(parsed)


@pytest.fixture(scope="module")
def three_products() -> Catalog:
    return load_catalog_file(THREE_PRODUCTS)


@pytest.fixture(scope="module")
def default_style():
    return load_persona("default").style


@st.composite
def replay_chats(draw) -> list[tuple[int, ChatEvent | None, str | None]]:
    chat = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        if draw(st.integers(0, 7)) == 0:
            chat.append((number, None, "not JSON"))
            continue
        kind = draw(st.sampled_from(EVENT_TYPES))
        frame = {"t": draw(st.floats(0, 120)), "type": kind, "user": draw(st.sampled_from(["u1", "u2", "u3"])),
                 "text": draw(CHAT_TEXTS), "nick": draw(st.text(alphabet="小鹿阿明ab", max_size=4))}
        chat.append((number, parse_chat_event(json.dumps(frame, ensure_ascii=False)), None))
    return chat


@settings(FUZZ, max_examples=20)
@given(chat=replay_chats(), seed=st.integers(0, 3))
def test_replay_of_fuzzed_valid_chat_finishes_with_a_record_per_line(three_products, default_style, chat, seed):
    result = ReplaySimulator(three_products, default_style, seed=seed).run(chat)
    assert isinstance(result, ReplayResult)
    assert len(result.events) == len(chat)
    assert math.isfinite(result.duration_s)
    assert result.duration_s >= max((e.t for _, e, _ in chat if e is not None), default=0.0)
    assert all(line.start <= line.end for line in result.aired)


# ---- 6. answers ---------------------------------------------------------------------------------

ANSWER_TOKENS = st.sampled_from([
    *"这个茶多少钱价格几块元件段充电宝面霜乌龙能带上飞机吗重量容量保质期孕妇喝买送减满第二半折包邮退货",
    *"一二两三四五六七八九十百千万亿零",
    *"0123456789", "元", "块", "ml", "g", "件", "段", "kg", "mAh", "W", "%", "折", "斤", "毫升", "个",
    *"，。？！,.?!~～、 ", "😀", "🔥", "👍", "❤️", "🎁", "\u200b",
])
ANSWER_TEXTS = st.one_of(
    st.lists(ANSWER_TOKENS, max_size=15).map("".join),
    st.tuples(st.lists(ANSWER_TOKENS, max_size=5).map("".join), st.integers(1, 60).map(lambda n: "9" * n),
              st.sampled_from(["件", "元", "ml", "g", "段", "块", "个"]), st.sampled_from(["多少钱", "？", ""])).map("".join),
    st.text(max_size=20))


@pytest.fixture(scope="module")
def answerer(three_products) -> Answerer:
    return Answerer.build(three_products)


@settings(FUZZ, max_examples=150)
@given(text=ANSWER_TEXTS, current_sku=st.sampled_from([None, "A1001", "B2002", "C3003", "NOPE"]),
       now=st.sampled_from([None, dt.datetime(2026, 11, 23, 20, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                            dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)]))
def test_answerer_answers_any_short_mixed_text_without_raising(answerer, text, current_sku, now):
    answer = answerer.answer(text, current_sku, now)
    assert isinstance(answer, Answer)
    assert all(isinstance(sentence, str) for sentence in answer.sentences)
    assert answer.sku is None or answerer.catalog.product(answer.sku) is not None
