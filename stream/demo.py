"""Offline demo: render an N-second show as fast as the machine allows, with a scripted viewer
question answered on air."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from script.chat import ChatEvent

from .fanout import Fanout, OutputSpec
from .media import FPS
from .show import ShowProducer
from .show_messages import OnAirRecord


@dataclass
class DemoResult:
    frames: int
    replies: list[OnAirRecord] = field(default_factory=list)
    output_errors: list[str] = field(default_factory=list)


def scripted_question(seconds: float, text: str = "这个茶多少钱?") -> ChatEvent:
    return ChatEvent(t=round(seconds / 3, 2), type="comment", user="demo-viewer", nick="小鹿", text=text,
                     platform="demo")


def render_demo(producer: ShowProducer, seconds: float, out: Path, chat: list[ChatEvent]) -> DemoResult:
    result = DemoResult(frames=int(round(seconds * FPS)))
    producer.add_reply_listener(lambda record: result.replies.append(record))
    pending = sorted(chat, key=lambda e: e.t)
    fanout = Fanout([OutputSpec(f"file {out}", str(out), "mp4")], size=producer.frame_size)
    fanout.open()
    try:
        for k in range(result.frames):
            while pending and pending[0].t <= k / FPS:
                producer.submit_chat(pending.pop(0))
            fanout.put(producer.next_chunk())
    finally:
        fanout.close()
    result.output_errors = list(fanout.errors)
    return result
