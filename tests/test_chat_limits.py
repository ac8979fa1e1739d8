"""A chat flood over real websockets against a live show on the fake clock: the flooders get their
rate and no more, a viewer's question is still answered at once, and /metrics counts it all."""
import asyncio
import json

from websockets.asyncio.client import connect

from speech.voice import make_engine
from stream.catalog_file import default_catalog
from stream.clock import FakeClock
from stream.live import LiveConfig, LiveShow
from stream.persona_bundle import load_persona
from stream.show import ShowProducer

FLOODERS = 20
FRAMES_EACH = 200  # 4,000 messages in all, sent as fast as the sockets take them


def producer():
    persona = load_persona("default")
    return ShowProducer(default_catalog(), persona, make_engine(persona.voice.with_engine("espeak")))


async def acks(ws, count, wait_s=30):
    """The next `count` answers to frames this client sent (broadcast replies skipped)."""
    got = []
    for _ in range(count * 20):  # bounded: broadcasts interleave with the acks
        if len(got) == count:
            break
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=wait_s))
        if "ok" in message:
            got.append(message)
    assert len(got) == count
    return got


async def flood(url, n):
    async with connect(url) as ws:
        for i in range(FRAMES_EACH):
            await ws.send(json.dumps({"type": "comment", "user": f"bot{n}", "text": f"666 {i}"}))
        return await acks(ws, FRAMES_EACH)


def test_a_flooding_connection_is_rate_limited_and_another_viewers_question_is_answered_at_once():
    clock = FakeClock()
    limits = LiveConfig().chat_limits

    async def scenario():
        show = LiveShow(producer(), LiveConfig(chat_port=0, live_view=False), clock=clock)
        task = asyncio.create_task(show.run())
        await asyncio.wait_for(show.ready.wait(), timeout=20)
        try:
            started = clock.now()
            floods = [asyncio.create_task(flood(show.chat.url, n)) for n in range(FLOODERS)]
            await asyncio.sleep(0)  # the floods are on their way
            async with connect(show.chat.url) as viewer:
                await viewer.send(json.dumps({"type": "comment", "user": "viewer", "text": "这个茶多少钱?"},
                                             ensure_ascii=False))
                ack = (await acks(viewer, 1))[0]
                replies = []
                for _ in range(2000):  # bounded; the broadcast of every reply reaches every client
                    message = json.loads(await asyncio.wait_for(viewer.recv(), timeout=60))
                    if message.get("type") == "reply" and message["user"] == "viewer":
                        replies.append(message)
                        break
            answers = await asyncio.wait_for(asyncio.gather(*floods), timeout=120)
            elapsed = clock.now() - started
            metrics = show.metrics.render()
            return ack, replies, answers, elapsed, metrics, show
        finally:
            show.stop()
            await asyncio.wait_for(task, timeout=30)

    ack, replies, answers, elapsed, metrics, show = asyncio.run(scenario())
    assert ack["ok"] is True  # the viewer's own connection is not held back by the flood
    assert replies and "89元" in replies[0]["text"]
    latency = replies[0]["t_on_air"] - replies[0]["t_asked"]
    assert latency < 3.0, f"the fresh question waited {latency:.1f} s of show time"
    refused = 0
    for flooder in answers:
        accepted = sum(a["ok"] for a in flooder)
        assert accepted <= limits.client_burst + limits.client_rate * elapsed + 1
        for a in flooder:
            if not a["ok"]:
                assert a["error"].startswith("rate limited") and a["retry_after_s"] > 0
                refused += 1
    assert refused > FLOODERS * FRAMES_EACH / 2
    assert show.chat.admission.refused["client"] + show.chat.admission.refused["room"] == refused
    counted = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
               if line.startswith("livehost_chat_")}
    assert counted['livehost_chat_rate_limited_total{scope="client"}'] + \
        counted['livehost_chat_rate_limited_total{scope="room"}'] == refused
    assert counted["livehost_chat_messages_total"] == FLOODERS * FRAMES_EACH - refused + 1
