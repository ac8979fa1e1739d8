"""Fault-injection soak: the `livehost run` show (espeak voice, console, chat, RTMP to a private
nginx-rtmp, an MP4 recording, a watched catalog file) for N minutes of show time, one fault every
few minutes and a viewer asking every 30 s. Prints figures beside targets (bench/out/fault_soak.json).

    .venv/bin/python bench/bench_fault_soak.py --minutes 6      # fake clock: show time as fast as frames come
    .venv/bin/python bench/bench_fault_soak.py --minutes 6 --real-time

Faults, in turn: the RTMP server killed and restarted; a 5,000-message chat flood with a question
in it; malformed chat frames; a catalog file edit, then a broken file; a console price edit then a
stock edit on another product; a persona switch; every speech engine crashing; one synthesis hanging.
On the fake clock a stall of S wall seconds costs S x acceleration seconds of show time, so dead
air after an engine fault reads longer than it would live.
"""
from __future__ import annotations

import argparse, asyncio, itertools, json, logging, os, shutil, subprocess, sys, tempfile, threading, time  # noqa: E401
import urllib.error, urllib.request  # noqa: E401
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from conftest import NginxRtmp  # noqa: E402
from live_show import espeak_engine  # noqa: E402
from speech.types import SpeechEngineError  # noqa: E402
from stream.cli import _producer, build_parser  # noqa: E402
from stream.clock import FakeClock, RealClock  # noqa: E402
from stream.fanout import OutputSpec  # noqa: E402
from stream.live import LiveConfig, LiveShow  # noqa: E402
from stream.media import FPS  # noqa: E402
from stream.memory import fix_mmap_threshold, freeze_startup_objects, limit_malloc_arenas  # noqa: E402
from stream.metrics import rss_bytes  # noqa: E402
from stream.supervisor import SupervisedSpeech  # noqa: E402

FAULTS = ("rtmp_kill", "chat_flood", "malformed_frames", "catalog_file", "console_edits", "persona_switch",
          "engine_crash", "engine_hang")
QUESTIONS = ["这个茶多少钱?", "充电宝多少钱?", "面霜有什么优惠?", "乌龙茶发货快吗?", "充电宝能带上飞机吗?",
             "坚果保质期多久?", "羽绒服有什么颜色?", "四件套是什么面料?", "猫抓板多大?", "充电宝多重?"]
PRICE_QUESTIONS = {"A1001": "乌龙茶多少钱?", "C3003": "面霜多少钱?", "A1002": "坚果多少钱?",
                   "D4002": "羽绒服多少钱?", "H6001": "四件套多少钱?", "G7001": "猫抓板多少钱?"}
STOCK_SKUS, PERSONAS = ("B2003", "E5001", "H6001", "D4002"), ("food", "beauty", "default")
QUIET_PEAK = 64  # int16 peak at or under which a frame carries nothing audible
HANG_S = 60.0  # a hung synthesis returns after this long: the supervisor must not have waited for it
ANSWER_WITHIN_S = 20.0  # show seconds from question to answer on air


class SpeechFaults:
    """Builds the show's voices (espeak, supervised as `livehost run` supervises them) and breaks
    them: a crash kills every engine built so far (a rebuilt one works); a hang blocks one call."""

    def __init__(self) -> None:
        self.supervised, self.built, self.dead_below = [], 0, 0
        self.hangs, self.release = threading.Semaphore(0), threading.Event()

    def engine_for(self, voice) -> SupervisedSpeech:
        self.supervised.append(SupervisedSpeech(lambda: FaultyEngine(espeak_engine(voice), self), 3.0))
        return self.supervised[-1]  # like run_show's, it is given no show metrics

    def restarts(self) -> int:
        return sum(s.restarts for s in self.supervised)


class FaultyEngine:
    name = "espeak"

    def __init__(self, inner, faults: SpeechFaults) -> None:
        self.inner, self.faults, self.number = inner, faults, faults.built
        faults.built += 1

    def load(self) -> None:
        pass

    def synthesize(self, text: str):
        if self.number < self.faults.dead_below:
            raise SpeechEngineError("injected fault: speech engine process gone")
        if self.faults.hangs.acquire(blocking=False):
            self.faults.release.wait(HANG_S)
        return self.inner.synthesize(text)


class FrameClock(FakeClock):
    """Fake time moved by the pacer alone; other sleepers wait for it. (FakeClock lets any sleeper
    move time: the catalog watcher's 1 s poll loop ran show time far ahead of the frames.)"""

    async def sleep_until(self, t: float) -> None:
        while self.now() < t:
            await asyncio.sleep(0.005)


class AirTap:
    """Every frame as it goes on air (Fanout.put, on the pacer thread): audible or not, idle or not."""

    def __init__(self, show: LiveShow) -> None:
        self.loud, self.idle, self._metrics, self._last_idle = bytearray(), bytearray(), show.metrics, 0
        self._put, show.fanout.put = show.fanout.put, self.put

    def put(self, chunk, timeout=None) -> None:
        audio, idle = chunk.audio, self._metrics.idle_frames
        self.loud.append(bool(audio.size) and (int(audio.max()) > QUIET_PEAK or int(audio.min()) < -QUIET_PEAK))
        self.idle.append(idle != self._last_idle)
        self._last_idle = idle
        self._put(chunk, timeout)

    def audible(self, t: float) -> bool:
        return any(self.loud[int(t * FPS):int(t * FPS) + FPS])


def runs(flags: bytearray, value: int) -> list[tuple[int, int]]:
    """(first frame, length) of every run of `value`."""
    out, i = [], 0
    for key, group in itertools.groupby(flags):
        n = len(list(group))
        out += [(i, n)] if key == value else []
        i += n
    return out


class ShowGone(Exception):
    """The show crashed, hung or ran out of wall time."""


class Viewer:
    """One viewer on their own websocket: asks, and collects the replies addressed to them."""

    def __init__(self, soak: "FaultSoak") -> None:
        self.soak, self.records, self.by_user, self.acks, self.lock = soak, [], {}, asyncio.Queue(), asyncio.Lock()

    async def open(self, url: str) -> None:
        self.ws = await connect(url, max_queue=None, open_timeout=10)
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "ok" in message:
                self.acks.put_nowait(message)
            elif message.get("type") == "reply" and message.get("user") in self.by_user:
                self.by_user[message["user"]].update(t_on_air=message["t_on_air"], reply=message["text"])

    async def ask(self, text: str, during: str = "", expect: str | None = None) -> None:
        record = {"user": f"v{len(self.records)}", "text": text, "fault": during, "expect": expect,
                  "t_asked": None, "t_on_air": None, "reply": None, "refused": 0}
        self.records.append(record)
        self.by_user[record["user"]] = record
        async with self.lock:  # acks come back in order on this connection
            for _ in range(5):
                await self.ws.send(json.dumps({"type": "comment", "user": record["user"], "text": text},
                                              ensure_ascii=False))
                ack = await asyncio.wait_for(self.acks.get(), 10)
                if ack.get("ok"):
                    record["t_asked"] = ack["t"]
                    return
                record["refused"] += 1
                await self.soak.until_show(self.soak.show.show_time() + float(ack.get("retry_after_s", 1)))


class FaultSoak:
    def __init__(self, args, show: LiveShow, task: asyncio.Task, nginx: NginxRtmp, speech: SpeechFaults,
                 catalog_path: Path) -> None:
        self.args, self.show, self.task, self.nginx, self.speech = args, show, task, nginx, speech
        self.duration, self.catalog_path = args.minutes * 60, catalog_path
        self.file_data = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
        self.base_price = {p["sku"]: int(p["price"]) for p in self.file_data["products"]}
        self.expected: dict[tuple[str, str], float] = {}  # (sku, field) -> the last value written
        self.edits, self.faults = [], []
        self.prices, self.stocks, self.personas = map(itertools.cycle, (PRICE_QUESTIONS, STOCK_SKUS, PERSONAS))
        self.wall_deadline, self.progress = time.monotonic() + args.wall_limit_s, (-1, time.monotonic())

    def check_alive(self) -> None:
        now = time.monotonic()
        if self.task.done():
            raise ShowGone("the show ended by itself")
        if self.show.frames != self.progress[0]:
            self.progress = (self.show.frames, now)
        elif now - self.progress[1] > 30:
            raise ShowGone(f"no frame for 30 s wall at frame {self.show.frames} (stage at {self.show.stage.where()})")
        if now > self.wall_deadline:
            raise ShowGone(f"wall limit {self.args.wall_limit_s:g} s reached at show t={self.show.show_time():.0f}")

    async def poll(self, ready, wall_s: float) -> bool:
        deadline = time.monotonic() + wall_s
        while not ready():
            self.check_alive()
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def until_show(self, t: float) -> bool:
        return await self.poll(lambda: self.show.show_time() >= t, self.args.wall_limit_s)

    async def console(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        req = urllib.request.Request(self.show.console.http.base_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {self.show.console_token.value}"})

        def call() -> tuple[int, object]:
            try:
                with urllib.request.urlopen(req, timeout=30) as response:
                    return response.status, json.loads(response.read().decode())
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()[:300]
        return await asyncio.to_thread(call)

    async def run(self, viewer: Viewer) -> None:
        asking = asyncio.create_task(self.ask_every(viewer))
        every = self.args.fault_every or min(180.0, self.duration / (len(FAULTS) + 1))
        try:
            for k, t in enumerate(itertools.takewhile(lambda t: t <= self.duration - 45, itertools.count(every, every))):
                await self.until_show(t)  # (the last fault's question must have time to be answered)
                await self.inject(FAULTS[k % len(FAULTS)], viewer)
            await asyncio.wait_for(asking, self.args.wall_limit_s)
            await self.poll(lambda: all(r["t_on_air"] for r in viewer.records), 30)  # the last answers go on air
        finally:
            asking.cancel()

    async def ask_every(self, viewer: Viewer) -> None:
        for i, t in enumerate(itertools.takewhile(lambda t: t <= self.duration - 30,
                                                  itertools.count(20.0, self.args.question_every))):
            await self.until_show(t)
            await viewer.ask(QUESTIONS[i % len(QUESTIONS)])

    async def inject(self, name: str, viewer: Viewer) -> None:
        entry, wall0 = {"fault": name, "t": round(self.show.show_time(), 1), "problems": []}, time.monotonic()
        try:
            entry.update(await asyncio.wait_for(getattr(self, name)(viewer, entry["problems"]), 180))
        except ShowGone:
            raise
        except Exception as exc:  # noqa: BLE001 - a fault that went wrong is a finding, not the end of the soak
            entry["problems"].append(f"fault failed: {exc!r}")
        entry.update(t_end=round(self.show.show_time(), 1), wall_s=round(time.monotonic() - wall0, 1))
        self.faults.append(entry)
        print(f"  t={entry['t']:7.1f}s {name:17s} {entry['wall_s']:5.1f}s wall  {'; '.join(entry['problems']) or 'ok'}",
              flush=True)

    async def rtmp_kill(self, viewer: Viewer, problems: list) -> dict:
        before, connected = self.show.metrics.rtmp_reconnects, lambda: self.show.fanout.connected["rtmp"]
        await asyncio.to_thread(self.nginx.stop, True)
        if not await self.poll(lambda: not connected(), 30):
            problems.append("the dropped push was not noticed within 30 s")
        await asyncio.to_thread(self.nginx.start)
        wall0 = time.monotonic()
        if not await self.poll(lambda: connected() and self.show.metrics.rtmp_reconnects > before, 60):
            problems.append("the push did not reconnect within 60 s")
        return {"reconnect_wall_s": round(time.monotonic() - wall0, 1)}

    async def chat_flood(self, viewer: Viewer, problems: list) -> dict:
        proc = await asyncio.create_subprocess_exec(  # 5,000 messages on 8 sockets in 5 s
            sys.executable, str(ROOT / "bench" / "chat_flood_client.py"), self.show.chat.url, "--rate", "1000",
            "--seconds", "5", "--connections", "8", "--spam", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        await asyncio.sleep(2.5)
        await viewer.ask("乌龙茶保质期多久?", "chat_flood")
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), 60)
            return {"flood": json.loads(out.decode().strip().splitlines()[-1])}
        except (asyncio.TimeoutError, IndexError, ValueError) as exc:
            proc.kill()
            problems.append(f"the flood client failed: {exc!r}")
            return {}

    async def malformed_frames(self, viewer: Viewer, problems: list) -> dict:
        frames = {"bad_json": '{"type": "comment", "user": "m1", "text": ',
                  "nested_2000": '{"type":"comment","user":"m2","text":"hi","x":' + "[" * 2000 + "]" * 2000 + "}",
                  "nan_t": '{"type": "comment", "user": "m3", "text": "hi", "t": NaN}',
                  "one_mb": json.dumps({"type": "comment", "user": "m4", "text": "a" * (1 << 20)})}
        answers = {}
        for name, frame in frames.items():
            async with connect(self.show.chat.url, max_size=None, open_timeout=10, close_timeout=5) as ws:
                try:
                    await ws.send(frame)
                    answers[name] = json.loads(await asyncio.wait_for(ws.recv(), 10)).get("error", "ACCEPTED")
                except ConnectionClosed as exc:
                    answers[name] = f"closed {exc.rcvd.code if exc.rcvd else None}"
                except asyncio.TimeoutError:
                    answers[name] = "NO ANSWER in 10 s"
        problems += [f"{name}: {answer}" for name, answer in answers.items() if answer.isupper() or "NO " in answer]
        await viewer.ask("面霜适合什么肤质?", "malformed_frames")
        return {"answers": answers}

    def next_price(self) -> tuple[str, int]:
        sku = next(self.prices)
        current = self.expected.get((sku, "price"), self.base_price[sku])
        return sku, int(current - 1 if current > 2 else self.base_price[sku] - 1)

    def expect(self, sku: str, field: str, value: float, source: str) -> None:
        self.expected[(sku, field)] = value
        self.edits.append({"sku": sku, field: value, "source": source, "t": round(self.show.show_time(), 1)})

    def on_air(self, sku: str, field: str):
        return getattr(self.show.producer.director.catalog.product(sku), field)

    async def catalog_file(self, viewer: Viewer, problems: list) -> dict:
        sku, price = self.next_price()
        next(p for p in self.file_data["products"] if p["sku"] == sku)["price"] = float(price)
        save(self.catalog_path, yaml.safe_dump(self.file_data, allow_unicode=True, sort_keys=False))
        self.expect(sku, "price", price, "file")
        if not await self.poll(lambda: self.on_air(sku, "price") == price, 60):
            problems.append(f"file edit {sku} price={price} not on air within 60 s")
        await viewer.ask(PRICE_QUESTIONS[sku], "catalog_file", expect=f"{price}元")
        before, watcher = self.show.producer.catalog, self.show.catalog_watcher
        save(self.catalog_path, "products:\n  - {sku: A1001, price: [unclosed\n")
        if not await self.poll(lambda: watcher.last_error is not None, 60):
            problems.append("the broken catalog file was not reported within 60 s")
        if self.show.producer.catalog is not before:
            problems.append("the broken file changed the catalog")
        return {"sku": sku, "price": price, "broken_file_error": (watcher.last_error or "")[-80:]}

    async def console_edits(self, viewer: Viewer, problems: list) -> dict:
        sku, price = self.next_price()
        edits = (("price", sku, price), ("stock", next(s for s in self.stocks if s != sku), 1000 + len(self.edits)))
        replies = []
        for field, target, value in edits:
            replies.append(await self.console("POST", "/api/action", {"operator": "fault-soak", "action": "product",
                                                                      "sku": target, field: value}))
            if replies[-1][0] == 200:
                self.expect(target, field, value, "console")
            else:
                problems.append(f"console {field} edit {target}={value}: {replies[-1]}")
        if not await self.poll(lambda: all(self.on_air(k, f) == v for f, k, v in edits), 60):
            problems.append(f"console edits not all on air within 60 s: {edits}")
        return {"replies": replies}

    async def persona_switch(self, viewer: Viewer, problems: list) -> dict:
        target = next(p for p in self.personas if p != self.show.producer.persona.persona_id)
        status, body = await self.console("POST", "/api/action", {"operator": "fault-soak", "action": "persona",
                                                                  "persona": target})
        if status != 200:
            problems.append(f"persona {target}: {status} {body}")
        elif not await self.poll(lambda: self.show.producer.persona.persona_id == target, 90):
            problems.append(f"persona {target} not on air within 90 s")
        await viewer.ask("充电宝能给笔记本充电吗?", "persona_switch")
        return {"persona": target}

    async def engine_crash(self, viewer: Viewer, problems: list) -> dict:
        return await self.speech_fault(lambda: setattr(self.speech, "dead_below", self.speech.built), problems)

    async def engine_hang(self, viewer: Viewer, problems: list) -> dict:
        return await self.speech_fault(self.speech.hangs.release, problems)

    async def speech_fault(self, inject, problems: list) -> dict:
        before, wall0 = self.speech.restarts(), time.monotonic()
        inject()
        if not await self.poll(lambda: self.speech.restarts() > before, 90):
            problems.append("the speech engine was not restarted within 90 s")
        return {"restart_wall_s": round(time.monotonic() - wall0, 1)}

    async def lost_edits(self) -> list[dict]:
        """Every edit's last value against the console's state and the catalog on air."""
        status, state = await self.console("GET", "/api/state")
        console = {p["sku"]: p for p in state["products"]} if status == 200 else {}
        seen = {key: {"console_state": console.get(key[0], {}).get(key[1]), "on_air": self.on_air(*key)}
                for key in self.expected}
        return [{"sku": k[0], "field": k[1], "expected": v, **seen[k]} for k, v in self.expected.items()
                if any(x != v for x in seen[k].values())]


def save(path: Path, text: str) -> None:
    path.with_suffix(".saving").write_text(text, encoding="utf-8")
    os.replace(path.with_suffix(".saving"), path)  # as editors save: the watcher never reads half a file


def percentile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2) if ordered else None


def fault_near(faults: list[dict], t: float) -> str:
    """The fault running at show time t, or the last one that ended up to 30 s before."""
    return next((f["fault"] for f in reversed(faults) if f["t"] <= t <= f["t_end"] + 30), "none")


def figures(soak: FaultSoak, viewer: Viewer, tap: AirTap, lost: list, rss: tuple, wall_s: float, log_path: Path) -> dict:
    show, m, show_s = soak.show, soak.show.metrics, soak.show.frames / FPS
    quiet, idle = [(i, n) for i, n in runs(tap.loud, 0) if n > FPS], runs(tap.idle, 1)
    answered = [r for r in viewer.records if r["t_on_air"] is not None]
    latency = [r["t_on_air"] - r["t_asked"] for r in answered]
    errors = sorted({line.split(" ", 3)[-1][:200] for line in log_path.read_text(errors="replace").splitlines()
                     if " ERROR " in line})
    return {
        "clock": "real" if soak.args.real_time else "fake", "show_minutes": round(show_s / 60, 2),
        "wall_minutes": round(wall_s / 60, 2), "acceleration": round(show_s / wall_s, 2),
        "dead_air_over_1s": len(quiet), "dead_air_longest_s": round(max((n for _, n in quiet), default=0) / FPS, 2),
        "dead_air_gaps": [{"t": round(i / FPS, 1), "s": round(n / FPS, 2), "fault": fault_near(soak.faults, i / FPS)}
                          for i, n in quiet],
        "idle_frames": m.idle_frames, "longest_idle_run_frames": max((n for _, n in idle), default=0),
        "dropped_frames": m.dropped_frames, "questions_asked": len(viewer.records), "answered": len(answered),
        "answers_lost": len(viewer.records) - len(answered), "answers_late": sum(x > ANSWER_WITHIN_S for x in latency),
        "answer_latency_s": [percentile(latency, 0.5), percentile(latency, 0.95), percentile(latency, 1)],
        "answers_not_audible": [r for r in answered if not tap.audible(r["t_on_air"])],
        "answers_with_stale_price": [r for r in answered if r["expect"] and r["expect"] not in r["reply"]],
        "unanswered": [r for r in viewer.records if r["t_on_air"] is None],
        "edits_made": len(soak.edits), "edits_present": len(soak.expected) - len(lost), "edits_lost": len(lost),
        "edits_lost_detail": lost, "speech_restarts": soak.speech.restarts(),
        "stage_restarts_in_metrics": dict(m.stage_restarts), "render_restarts": show.stage.restarts,
        "rtmp_reconnects": m.rtmp_reconnects, "chat_messages": m.chat_messages, "chat_malformed": show.chat.malformed,
        "rss_mb": [round(rss[0], 1), round(rss[1], 1)],
        "rss_growth_mb_per_show_hour": round((rss[1] - rss[0]) * 3600 / show_s, 1),
        "faults": soak.faults, "edits": soak.edits, "errors_logged": len(errors), "error_lines": errors[:40],
    }


def print_figures(f: dict) -> None:
    for name, value, target in [
            ("show min / wall min (acceleration)", f"{f['show_minutes']} / {f['wall_minutes']} ({f['acceleration']}x, "
             f"{f['clock']} clock)", ""),
            ("dead air >1 s: gaps (longest)", f"{f['dead_air_over_1s']} ({f['dead_air_longest_s']} s)", "0"),
            ("idle frames (longest run) / dropped frames", f"{f['idle_frames']} ({f['longest_idle_run_frames']}) / "
             f"{f['dropped_frames']}", ""),
            ("questions asked / answered", f"{f['questions_asked']} / {f['answered']}", ""),
            ("answers lost", f["answers_lost"], "0"),
            ("answers late / not audible / stale price", f"{f['answers_late']} / {len(f['answers_not_audible'])} / "
             f"{len(f['answers_with_stale_price'])}", "0 / 0 / 0"),
            ("answer latency p50/p95/max (show s)", " / ".join(map(str, f["answer_latency_s"])), ""),
            ("edits made / present at the end", f"{f['edits_made']} / {f['edits_present']}", ""),
            ("edits lost", f["edits_lost"], "0"),
            ("speech restarts (supervisor; /metrics)", f"{f['speech_restarts']}; {f['stage_restarts_in_metrics']}", ""),
            ("render restarts / RTMP reconnects", f"{f['render_restarts']} / {f['rtmp_reconnects']}", ""),
            ("RSS MB start -> end (per show hour)", f"{f['rss_mb'][0]} -> {f['rss_mb'][1]} "
             f"({f['rss_growth_mb_per_show_hour']:+} MB/h)", ""),
            ("errors logged", f["errors_logged"], ""), ("run", f["ended"], "completed")]:
        print(f"  {name:42s} {str(value):44s} {'target ' + target if target else ''}")
    for gap in f["dead_air_gaps"][:20]:
        print(f"    dead air at t={gap['t']} s: {gap['s']} s (fault: {gap['fault']})")


def build_show(args, work: Path, nginx: NginxRtmp, speech: SpeechFaults, catalog_path: Path) -> LiveShow:
    run_args = build_parser().parse_args(["run", "--catalog", str(catalog_path)])
    producers = [_producer(run_args, speech.engine_for, live=True)]

    def rebuild(old):  # as `livehost run` replaces a stuck stage (stream/cli.py _run_with)
        producers.append(_producer(run_args, speech.engine_for, first_frame=old.frame_index,
                                   persona=old.persona.persona_id, live=True))
        producers[-1].update_catalog(old.catalog)
        return producers[-1]

    freeze_startup_objects()
    (work / "console.token").write_text("fault-soak-console-token-0123456789")
    config = LiveConfig(outputs=[OutputSpec("rtmp", f"{nginx.url}/faultsoak", "flv"),
                                 OutputSpec("file", str(work / "show.mp4"), "mp4")],
                        chat_port=0, live_view=False, console=True, console_port=0, state_dir=str(work),
                        console_token_file=str(work / "console.token"), catalog_path=str(catalog_path),
                        max_seconds=args.minutes * 60 + 300)  # the soak stops it; this is the backstop
    show = LiveShow(producers[0], config, clock=RealClock() if args.real_time else FrameClock(), rebuild=rebuild,
                    make_engine=speech.engine_for)
    show.soak_producers = producers
    return show


async def run_soak(args, work: Path, nginx: NginxRtmp, log_path: Path) -> dict:
    catalog_path, speech = work / "catalog.yaml", SpeechFaults()
    shutil.copy(ROOT / "examples" / "catalog.yaml", catalog_path)
    show = build_show(args, work, nginx, speech, catalog_path)
    tap, task = AirTap(show), asyncio.create_task(show.run())
    await asyncio.wait({task, asyncio.create_task(show.ready.wait())}, timeout=300,
                       return_when=asyncio.FIRST_COMPLETED)
    if not show.ready.is_set():
        raise SystemExit(f"the show did not start: {task.exception() if task.done() else 'timeout'}")
    soak = FaultSoak(args, show, task, nginx, speech, catalog_path)
    viewer, ended, lost, rss_start, wall0 = Viewer(soak), "completed", [], rss_bytes(), time.monotonic()
    try:
        await viewer.open(show.chat.url)
        await soak.run(viewer)
    except Exception as exc:  # noqa: BLE001 - the figures so far are still reported
        logging.getLogger("fault_soak").exception("soak aborted")
        ended = f"aborted: {exc!r}"
    if not task.done():
        lost = await soak.lost_edits()
    rss, wall_s = (rss_start / 2**20, rss_bytes() / 2**20), time.monotonic() - wall0
    speech.release.set()
    show.stop()
    try:
        await asyncio.wait_for(task, 120)
    except Exception as exc:  # noqa: BLE001 - the show's crash or hang, reported
        ended += f"; the show ended with {exc!r}"
    for producer in show.soak_producers:
        producer.close()
    return {**figures(soak, viewer, tap, lost, rss, wall_s, log_path), "ended": ended}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=120.0, help="minutes of show time")
    parser.add_argument("--real-time", action="store_true", help="the real clock (default: fake, accelerated)")
    parser.add_argument("--fault-every", type=float, help="show seconds between faults (default: a few minutes)")
    parser.add_argument("--question-every", type=float, default=30.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "fault_soak.json"))
    args = parser.parse_args()
    args.wall_limit_s = args.minutes * 60 * (1.5 if args.real_time else 3) + 600
    limit_malloc_arenas()  # as `livehost run` does
    fix_mmap_threshold()
    out, log_path = Path(args.out), Path(args.out).with_suffix(".log")
    work = Path(tempfile.mkdtemp(prefix="fault-soak-"))
    out.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, filename=str(log_path), filemode="w",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    nginx = NginxRtmp(work / "nginx")
    nginx.start()
    try:
        result = asyncio.run(run_soak(args, work, nginx, log_path))
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_figures(result)
    print(f"  (figures: {out}; log: {log_path})", flush=True)
    os._exit(0)  # abandoned threads (a hung synthesis, a stuck stage) must not keep the process alive


if __name__ == "__main__":
    main()
