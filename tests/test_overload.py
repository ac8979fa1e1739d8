"""A machine busy with other work: the show keeps answering, and slow speech is not mistaken for
a hung engine (no speech restart, which would lose the sentences in flight)."""
import asyncio
import json
import subprocess
import sys
import time

from websockets.asyncio.client import connect

from live_show import espeak_engine
from stream.catalog_file import default_catalog
from stream.live import LiveConfig, LiveShow
from stream.persona_bundle import load_persona
from stream.show import ShowProducer
from stream.supervisor import SupervisedSpeech

class HeavyModel:
    """A stand-in for a neural voice: espeak's audio after CPU work in proportion to the text, so a
    busy machine slows it the way it slows Kokoro (measured in this thread's CPU time, not wall time)."""

    CPU_S_PER_CHAR = 0.02

    def __init__(self, voice) -> None:
        self._inner = espeak_engine(voice)

    def load(self) -> None:
        pass

    def synthesize(self, text: str):
        until = time.thread_time() + self.CPU_S_PER_CHAR * len(text)
        while time.thread_time() < until:
            pass
        return self._inner.synthesize(text)


HOGS = 4  # two busy processes per core on the 2-core target machine
QUESTIONS = ("这个茶多少钱?", "充电宝有多重?")


def test_answers_air_beside_a_cpu_hog_without_a_speech_restart():
    persona = load_persona("default")
    speech = SupervisedSpeech(lambda: HeavyModel(persona.voice), timeout_s=0.5)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
    try:
        async def scenario() -> list[dict]:
            producer = ShowProducer(default_catalog(), persona, speech, synthesize_in_background=True)
            show = LiveShow(producer, LiveConfig(chat_port=0, live_view=False, max_seconds=240))
            task = asyncio.create_task(show.run())
            await asyncio.wait_for(show.ready.wait(), timeout=60)
            replies = []
            try:
                async with connect(show.chat.url) as ws:
                    for i, question in enumerate(QUESTIONS):
                        await ws.send(json.dumps({"type": "comment", "user": f"u{i}", "text": question},
                                                 ensure_ascii=False))
                        for _ in range(500):
                            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                            if message.get("type") == "reply" and message.get("user") == f"u{i}":
                                replies.append(message)
                                break
            finally:
                show.stop()
                await asyncio.wait_for(task, timeout=60)
            measured.update(tts=show.metrics.tts_seconds.count, slowdown=show.metrics.cpu_slowdown)
            return replies
        measured: dict = {}
        replies = asyncio.run(scenario())
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert len(replies) == len(QUESTIONS) and all(r["t_on_air"] is not None for r in replies)
    assert "89元" in replies[0]["text"]
    assert speech.restarts == 0
    assert measured["tts"] > 0 and measured["slowdown"] >= 1.5  # the voice reports to the show's /metrics
