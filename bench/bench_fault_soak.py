"""Fault-injection soak: `.venv/bin/python bench/bench_fault_soak.py [--minutes 120] [--real-time]` runs the
`livehost run` show (espeak voice, console, chat, RTMP to a private nginx-rtmp, an MP4 recording, a watched catalog
file) for N minutes of show time, one of FAULTS in turn every few minutes, a viewer asking every 30 s; prints figures
beside targets, also in bench/out/fault_soak.json. The fake clock runs show time as fast as frames are made: a stall
of S wall seconds costs S x acceleration seconds of show time (dead air reads longer than live)."""
from __future__ import annotations

import argparse, asyncio, itertools, json, logging, os, shutil, sys, tempfile, threading, time  # noqa: E401
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from conftest import NginxRtmp  # noqa: E402
from live_show import ShowThread, espeak_engine  # noqa: E402
from speech.types import SpeechEngineError  # noqa: E402
from stream.cli import _producer, build_parser, replacement_producer  # noqa: E402
from stream.clock import FakeClock, RealClock  # noqa: E402
from stream.fanout import OutputSpec  # noqa: E402
from stream.live import LiveConfig, LiveShow  # noqa: E402
from stream.media import FPS  # noqa: E402
from stream.memory import fix_mmap_threshold, freeze_startup_objects, limit_malloc_arenas  # noqa: E402
from stream.metrics import rss_bytes  # noqa: E402
from stream.supervisor import SupervisedSpeech  # noqa: E402

FAULTS = "rtmp_kill chat_flood malformed catalog_file console_edits persona_switch engine_crash engine_hang".split()
QUESTIONS = ["这个茶多少钱?", "充电宝多少钱?", "面霜有什么优惠?", "乌龙茶发货快吗?", "充电宝能带上飞机吗?",
             "坚果保质期多久?", "羽绒服有什么颜色?", "四件套是什么面料?", "猫抓板多大?", "充电宝多重?"]
PRICE_QUESTIONS = {"A1001": "乌龙茶多少钱?", "C3003": "面霜多少钱?", "A1002": "坚果多少钱?",
                   "D4002": "羽绒服多少钱?", "H6001": "四件套多少钱?", "G7001": "猫抓板多少钱?"}
STOCK_SKUS, PERSONAS = ("B2003", "E5001", "B2002", "E5002"), ("food", "beauty", "default")
MALFORMED = {"bad_json": '{"type": "comment", "user": "m1", "text": ',
             "nested_2000": '{"type":"comment","user":"m2","text":"hi","x":' + "[" * 2000 + "]" * 2000 + "}",
             "nan_t": '{"type": "comment", "user": "m3", "text": "hi", "t": NaN}',
             "one_mb": json.dumps({"type": "comment", "user": "m4", "text": "a" * (1 << 20)})}
QUIET_PEAK = 64  # int16 peak at or under which a frame carries nothing audible
HANG_S = 600.0  # a hung synthesis returns after this long, past any speech deadline (8 x (3 s + 0.3 s a character))
ANSWER_WITHIN_S = 20.0  # show seconds from question to answer on air
TARGETS = {"ended": "completed", "dead_air_over_1s": 0, "answers_lost": 0, "answers_late": 0,
           "answers_not_audible": 0, "answers_with_stale_price": 0, "edits_lost": 0}


class SpeechFaults:
    """Espeak voices supervised as `livehost run`'s: a crash kills every one built so far, a hang blocks a call."""

    def __init__(self) -> None:
        self.supervised, self.built, self.dead_upto, self.fillers = [], 0, 0, []
        self.hangs, self.release = threading.Semaphore(0), threading.Event()

    def engine_for(self, voice) -> SupervisedSpeech:  # like run_show's: given no show metrics
        self.supervised.append(SupervisedSpeech(lambda: self._engine(espeak_engine(voice)), 3.0))
        return self.supervised[-1]

    def _engine(self, inner) -> SimpleNamespace:
        self.built += 1
        return SimpleNamespace(name="espeak", load=lambda: None, synthesize=partial(self._say, inner, self.built))

    def _say(self, inner, number: int, text: str):
        if number <= self.dead_upto:
            raise SpeechEngineError("injected fault: speech engine process gone")
        if self.hangs.acquire(blocking=False):
            self.release.wait(HANG_S)
        return inner.synthesize(text)

    def restarts(self) -> int:
        return sum(s.restarts for s in self.supervised)


class FrameClock(FakeClock):
    """Moved by the pacer alone (with FakeClock the catalog watcher's polls ran show time past the frames)."""

    async def sleep_until(self, t: float) -> None:
        while self.now() < t:
            await asyncio.sleep(0.005)


def tap_air(show: LiveShow) -> bytearray:
    """Whether each frame that goes on air carries audible sound (wraps Fanout.put, on the pacer thread)."""
    loud, put = bytearray(), show.fanout.put

    def tapped(chunk, timeout=None) -> None:
        loud.append(int(np.abs(chunk.audio, dtype=np.int32).max(initial=0)) > QUIET_PEAK)
        put(chunk, timeout)
    show.fanout.put = tapped
    return loud


class ShowGone(Exception):
    """The show crashed, hung or ran out of wall time."""


class FaultSoak:
    def __init__(self, args, show: LiveShow, task: asyncio.Task, nginx: NginxRtmp, speech: SpeechFaults, path: Path):
        self.args, self.show, self.task, self.nginx, self.speech = args, show, task, nginx, speech
        self.duration, self.file, self.file_data = args.minutes * 60, path, yaml.safe_load(path.read_text("utf-8"))
        self.expected = {(p["sku"], "price"): int(p["price"]) for p in self.file_data["products"]}
        self.edits, self.faults, self.questions, self.by_user = [], [], [], {}
        self.problems, self.unacked, self.progress = [], [], (-1, time.monotonic())

    def check_alive(self) -> None:
        now, frames = time.monotonic(), self.show.frames
        self.progress = (frames, now) if frames != self.progress[0] else self.progress
        if self.task.done() or now - self.progress[1] > 30 or now > self.args.wall_deadline:
            raise ShowGone(f"show ended: {self.task.done()}; frame {frames} for {now - self.progress[1]:.0f} s wall, "
                           f"stage at {self.show.stage.where()}; wall limit passed: {now > self.args.wall_deadline}")

    async def poll(self, ready, wall_s: float = 1e9) -> bool:
        deadline = time.monotonic() + wall_s
        while not ready() and time.monotonic() < deadline:
            self.check_alive()
            await asyncio.sleep(0.05)
        return ready()

    def need(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    async def console(self, **action) -> tuple[int, object]:
        """POST an operator action, or GET the show's state; through the tests' console client."""
        call = ("POST", "/api/action", {"operator": "fault-soak", **action}) if action else ("GET", "/api/state", None)
        client = SimpleNamespace(base_url=self.show.console.http.base_url)
        return await asyncio.to_thread(ShowThread.request, client, *call, self.show.console_token.value)

    async def read_chat(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "ok" in message and self.unacked:  # acks come back in the order the questions went out
                self.unacked.pop(0).update(t_asked=message.get("t"), refused=None if message["ok"] else message)
            elif message.get("type") == "reply" and message.get("user") in self.by_user:
                self.by_user[message["user"]].update(t_on_air=message["t_on_air"], reply=message["text"])

    async def ask(self, text: str, during: str = "", expect: str | None = None) -> None:
        record = {"user": f"v{len(self.questions)}", "text": text, "fault": during, "expect": expect,
                  "t_asked": None, "t_on_air": None, "reply": None, "rss_mb": round(rss_bytes() / 2**20, 1)}
        self.questions.append(record)
        self.by_user[record["user"]] = self.unacked.append(record) or record
        await self.ws.send(json.dumps({"type": "comment", "user": record["user"], "text": text}))

    async def run(self) -> None:
        every = min(180.0, (self.duration - 60) / len(FAULTS))  # every fault at least once
        async with connect(self.show.chat.url, max_queue=None, open_timeout=10, close_timeout=5) as self.ws:
            reader, asking = asyncio.create_task(self.read_chat()), asyncio.create_task(self.ask_every())
            try:  # the last fault leaves a minute for its question to be answered
                for k in range(int((self.duration - 60) // every)):
                    await self.poll(lambda: self.show.show_time() >= (k + 1) * every)
                    await self.inject(FAULTS[k % len(FAULTS)])
                await asking  # (its errors surface here)
                await self.poll(lambda: self.show.show_time() >= self.duration)
                await self.poll(lambda: all(r["t_on_air"] for r in self.questions), 30)  # the last answers
            finally:
                asking.cancel()
                reader.cancel()

    async def ask_every(self) -> None:
        for i in range(int((self.duration - 50) // 30)):  # the last one has 30 s to be answered
            await self.poll(lambda: self.show.show_time() >= 20.0 + 30 * i)
            await self.ask(QUESTIONS[i % len(QUESTIONS)])

    async def inject(self, name: str) -> None:
        self.problems, wall0 = [], time.monotonic()
        entry = {"fault": name, "t": round(self.show.show_time(), 1), "problems": self.problems}
        self.faults.append(entry)
        try:
            fault = getattr(self, name, None) or partial(self.speech_fault, name)
            entry.update(await asyncio.wait_for(fault(), 180) or {})
        except ShowGone:
            raise
        except Exception as exc:  # noqa: BLE001 - a fault that went wrong is a finding, not the end of the soak
            self.problems.append(f"fault failed: {exc!r}")
        entry.update(t_end=round(self.show.show_time(), 1), wall_s=round(time.monotonic() - wall0, 1))
        print(f"  t={entry['t']:7.1f}s {name:17s} {entry['wall_s']:5.1f}s wall  {'; '.join(self.problems) or 'ok'}",
              flush=True)

    async def rtmp_kill(self) -> None:
        before, connected = self.show.metrics.rtmp_reconnects, lambda: self.show.fanout.connected["rtmp"]
        await asyncio.to_thread(self.nginx.stop, True)
        self.need(await self.poll(lambda: not connected(), 30), "the dropped push was not noticed within 30 s")
        await asyncio.to_thread(self.nginx.start)
        self.need(await self.poll(lambda: connected() and self.show.metrics.rtmp_reconnects > before, 60),
                  "the push did not reconnect within 60 s")

    async def chat_flood(self) -> dict:
        proc = await asyncio.create_subprocess_exec(  # 5,000 messages on 8 sockets in 5 s, then it exits
            sys.executable, str(ROOT / "bench" / "chat_flood_client.py"), self.show.chat.url, "--rate", "1000",
            "--seconds", "5", "--connections", "8", "--spam", stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL)
        await asyncio.sleep(2.5)
        await self.ask("乌龙茶保质期多久?", "chat_flood")
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        return {"flood": json.loads(out.decode().strip().splitlines()[-1])}

    async def malformed(self) -> dict:
        answers = {}
        for name, frame in MALFORMED.items():
            async with connect(self.show.chat.url, max_size=None, open_timeout=10, close_timeout=5) as ws:
                try:
                    await ws.send(frame)
                    answers[name] = json.loads(await asyncio.wait_for(ws.recv(), 10)).get("error", "ACCEPTED")
                except ConnectionClosed as exc:
                    answers[name] = f"closed {exc.rcvd.code if exc.rcvd else None}"
            self.need(answers[name] != "ACCEPTED", f"{name} accepted")
        await self.ask("面霜适合什么肤质?", "malformed")
        return {"answers": answers}

    def edit(self, sku: str, field: str, value: int, source: str) -> None:
        self.expected[(sku, field)] = value
        self.edits.append(dict(sku=sku, field=field, value=value, source=source, t=round(self.show.show_time(), 1)))

    def on_air(self, sku: str, field: str):
        return getattr(self.show.producer.director.catalog.product(sku), field)

    async def catalog_file(self) -> dict:
        sku = list(PRICE_QUESTIONS)[len(self.edits) % len(PRICE_QUESTIONS)]
        price = self.expected[(sku, "price")] - 1
        next(p for p in self.file_data["products"] if p["sku"] == sku)["price"] = float(price)
        save(self.file, yaml.safe_dump(self.file_data, allow_unicode=True, sort_keys=False))
        self.edit(sku, "price", price, "file")
        self.need(await self.poll(lambda: self.on_air(sku, "price") == price, 60), f"{sku} price={price} not on air")
        await self.ask(PRICE_QUESTIONS[sku], "catalog_file", expect=f"{price}元")
        before, watcher = self.show.producer.catalog, self.show.catalog_watcher
        save(self.file, "products:\n  - {sku: A1001, price: [unclosed\n")
        self.need(await self.poll(lambda: watcher.last_error is not None, 60), "the broken file was not reported")
        self.need(self.show.producer.catalog is before, "the broken file changed the catalog")
        return {"sku": sku, "price": price, "broken_file_error": (watcher.last_error or "")[-80:]}

    async def console_edits(self) -> dict:
        sku = list(PRICE_QUESTIONS)[len(self.edits) % len(PRICE_QUESTIONS)]
        edits = (("price", sku, self.expected[(sku, "price")] - 1),
                 ("stock", STOCK_SKUS[len(self.edits) % len(STOCK_SKUS)], 1000 + len(self.edits)))
        replies = []
        for field, target, value in edits:  # the second right behind the first: both must stay
            replies.append(await self.console(action="product", sku=target, **{field: value}))
            if replies[-1][0] == 200:
                self.edit(target, field, value, "console")
            else:
                self.problems.append(f"console {field} edit {target}={value}: {replies[-1]}")
        self.need(await self.poll(lambda: all(self.on_air(k, f) == v for f, k, v in edits), 60),
                  f"console edits not all on air within 60 s: {edits}")
        return {"replies": replies}

    async def persona_switch(self) -> dict:
        target = next(p for p in PERSONAS if p != self.show.producer.persona.persona_id)
        reply = await self.console(action="persona", persona=target)
        self.need(reply[0] == 200 and await self.poll(lambda: self.show.producer.persona.persona_id == target, 90),
                  f"persona {target} not on air within 90 s: {reply}")
        await self.ask("充电宝能给笔记本充电吗?", "persona_switch")
        return {"persona": target}

    async def speech_fault(self, name: str) -> dict:
        before, fillers, wall0 = self.speech.restarts(), len(self.speech.fillers), time.monotonic()
        # A crash kills every engine built so far (the supervisor's rebuilt one works); a hang blocks one call.
        self.speech.hangs.release() if name == "engine_hang" else setattr(self.speech, "dead_upto", self.speech.built)
        self.need(await self.poll(lambda: self.speech.restarts() > before, 90), "speech not restarted within 90 s")
        self.need(await self.poll(lambda: len(self.speech.fillers) > fillers, 30),
                  "no filler line within 30 s wall of the speech restart")
        return {"restart_wall_s": round(time.monotonic() - wall0, 1)}

    async def lost_edits(self) -> list[dict]:
        status, state = await self.console()
        console = {p["sku"]: p for p in state["products"]} if status == 200 else {}
        seen = [(k, f, self.expected[(k, f)], console.get(k, {}).get(f), self.on_air(k, f))
                for k, f in sorted({(e["sku"], e["field"]) for e in self.edits})]
        keys = ("sku", "field", "expected", "console_state", "on_air")
        return [dict(zip(keys, x)) for x in seen if len(set(x[2:])) > 1]


def save(path: Path, text: str) -> None:
    path.with_suffix(".saving").write_text(text, encoding="utf-8")
    os.replace(path.with_suffix(".saving"), path)  # as editors save: the watcher never reads half a file


def figures(soak: FaultSoak, loud: bytearray, lost: list, rss: tuple, wall_s: float, log_path: Path) -> dict:
    show, m, show_s = soak.show, soak.show.metrics, soak.show.frames / FPS
    groups = [(key, len(list(group))) for key, group in itertools.groupby(loud)]  # runs of (audible?, frames)
    starts = itertools.accumulate((n for _, n in groups), initial=0)
    quiet = [(i, n) for i, (key, n) in zip(starts, groups) if not key and n > FPS]  # (first frame, length)
    answered = [r for r in soak.questions if r["t_on_air"] is not None]
    latency = [r["t_on_air"] - r["t_asked"] for r in answered if r["t_asked"] is not None]
    mute = [r for r in answered if not any(loud[int(r["t_on_air"] * FPS):int(r["t_on_air"] * FPS) + FPS])]
    stale = [r for r in answered if r["expect"] and r["expect"] not in r["reply"]]
    errors = sorted({line.split(" ", 3)[-1][:200] for line in log_path.read_text(errors="replace").splitlines()
                     if " ERROR " in line})
    return {
        "clock": "real" if soak.args.real_time else "fake", "show_minutes": round(show_s / 60, 2),
        "wall_minutes": round(wall_s / 60, 2), "acceleration": round(show_s / wall_s, 2),
        "dead_air_over_1s": len(quiet), "dead_air_longest_s": round(max((n for _, n in quiet), default=0) / FPS, 2),
        "idle_frames": m.idle_frames, "dropped_frames": m.dropped_frames,
        "questions_asked": len(soak.questions), "answered": len(answered),
        "answers_lost": len(soak.questions) - len(answered), "answers_late": sum(x > ANSWER_WITHIN_S for x in latency),
        "answers_not_audible": len(mute), "answers_with_stale_price": len(stale),
        "answer_latency_s_p50_p95_max": np.percentile(latency, [50, 95, 100]).round(2).tolist() if latency else None,
        "edits_made": len(soak.edits), "edits_present": len({(e["sku"], e["field"]) for e in soak.edits}) - len(lost),
        "edits_lost": len(lost), "speech_restarts": soak.speech.restarts(), "render_restarts": show.stage.restarts,
        "stage_restarts_in_metrics": dict(m.stage_restarts), "rtmp_reconnects": m.rtmp_reconnects,
        "rss_mb_start_end": [round(rss[0] / 2**20, 1), round(rss[1] / 2**20, 1)], "errors_logged": len(errors),
        "rss_growth_mb_per_show_hour": round((rss[1] - rss[0]) / 2**20 * 3600 / show_s, 1),
        "details": {"dead_air": [{"t": round(i / FPS, 1), "s": round(n / FPS, 2), "faults": [
                        f["fault"] for f in soak.faults if f["t"] - 1 <= i / FPS <= f.get("t_end", 1e9) + 30]}
                                 for i, n in quiet],
                    "unanswered": [r for r in soak.questions if r["t_on_air"] is None], "not_audible": mute,
                    "stale_price": stale, "edits_lost": lost, "faults": soak.faults, "edits": soak.edits,
                    "error_lines": errors[:40], "questions": soak.questions}}


def print_figures(f: dict) -> None:
    for key, value in list(f.items())[:-1]:  # all but the details
        print(f"  {key:30s} {value!s:44s} {'target ' + str(TARGETS[key]) if key in TARGETS else ''}")
    for gap in f["details"]["dead_air"]:
        print(f"    dead air at t={gap['t']} s: {gap['s']} s (faults: {gap['faults']})")


def build_show(args, work: Path, nginx: NginxRtmp, speech: SpeechFaults) -> tuple[LiveShow, list]:
    """The show `livehost run --catalog <a copy of examples/catalog.yaml>` puts on air, with the soak's voices."""
    shutil.copy(ROOT / "examples" / "catalog.yaml", work / "catalog.yaml")
    run_args, producers = build_parser().parse_args(["run", "--catalog", str(work / "catalog.yaml")]), []

    def build(old=None):  # and as `livehost run` replaces a stuck stage (never from the file: it may be broken)
        producers.append(replacement_producer(run_args, speech.engine_for, old) if old is not None else
                         _producer(run_args, speech.engine_for, live=True))
        producers[-1].add_line_listener(lambda line, *_: line.startswith("filler-") and "-ack-" not in line
                                        and speech.fillers.append(line))  # a restart's filler, not a cover
        if not args.real_time:  # the fake clock saturates the CPUs on purpose: no shedding for its own speed
            producers[-1]._machine_load = None
        return producers[-1]

    config = LiveConfig(outputs=[OutputSpec("rtmp", f"{nginx.url}/faultsoak", "flv"),
                                 OutputSpec("file", str(work / "show.mp4"), "mp4")],
                        chat_port=0, live_view=False, console=True, console_port=0, state_dir=str(work),
                        console_token_file=str(work / "console.token"), catalog_path=str(work / "catalog.yaml"),
                        max_seconds=args.minutes * 60 + 3600)  # the soak stops it; this is the backstop
    show = LiveShow(build(), config, clock=RealClock() if args.real_time else FrameClock(), rebuild=build,
                    make_engine=speech.engine_for)
    freeze_startup_objects()  # as `livehost run` does
    return show, producers


async def run_soak(args, work: Path, nginx: NginxRtmp, log_path: Path) -> dict:
    show, producers = build_show(args, work, nginx, speech := SpeechFaults())
    loud, task = tap_air(show), asyncio.create_task(show.run())
    await asyncio.wait({task, asyncio.create_task(show.ready.wait())}, timeout=300, return_when="FIRST_COMPLETED")
    if not show.ready.is_set():
        raise SystemExit(f"the show did not start: {task.exception() if task.done() else 'timeout'}")
    soak = FaultSoak(args, show, task, nginx, speech, work / "catalog.yaml")
    ended, lost, rss_start, wall0 = "completed", [], rss_bytes(), time.monotonic()
    try:
        await soak.run()
    except Exception as exc:  # noqa: BLE001 - the figures so far are still reported
        logging.getLogger("fault_soak").exception("soak aborted")
        ended = f"aborted: {exc!r}"
    if not task.done():
        lost = await soak.lost_edits()
    rss, wall_s = (rss_start, rss_bytes()), time.monotonic() - wall0
    speech.release.set()
    show.stop()
    try:
        await asyncio.wait_for(task, 120)
    except Exception as exc:  # noqa: BLE001 - the show's crash or hang, reported
        ended += f"; the show ended with {exc!r}"
    for producer in producers:
        producer.close()
    return {"ended": ended, **figures(soak, loud, lost, rss, wall_s, log_path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=120.0, help="minutes of show time")
    parser.add_argument("--real-time", action="store_true", help="the real clock (default: fake, accelerated)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "fault_soak.json"))
    args = parser.parse_args()
    args.wall_deadline = time.monotonic() + args.minutes * 60 * (1.5 if args.real_time else 3) + 900
    limit_malloc_arenas()  # as `livehost run` does
    fix_mmap_threshold()
    out, work = Path(args.out), Path(tempfile.mkdtemp(prefix="fault-soak-"))
    out.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, filename=str(out.with_suffix(".log")), filemode="w",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    (nginx := NginxRtmp(work / "nginx")).start()
    try:
        result = asyncio.run(run_soak(args, work, nginx, out.with_suffix(".log")))
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)  # a 2-hour show leaves gigabytes of recordings
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_figures(result)
    print(f"  (details: {out}; log: {out.with_suffix('.log')})", flush=True)
    os._exit(0)  # abandoned threads (a hung synthesis, a stuck stage) must not keep the process alive


if __name__ == "__main__":
    main()
