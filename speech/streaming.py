"""The streaming form of any engine: one utterance per sentence, so the first sentence can play
while the rest of an answer is still being synthesized."""
from __future__ import annotations

import re
from typing import Iterator

from .types import SpeechEngine, Utterance

_SENTENCE = re.compile(r"[^。！？!?；;…\n]+[。！？!?；;…\n]*")


def split_sentences(text: str) -> list[str]:
    """Sentences with their closing punctuation; a decimal point (59.9) never ends a sentence."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def synthesize_stream(engine: SpeechEngine, text: str) -> Iterator[Utterance]:
    for sentence in split_sentences(text):
        yield engine.synthesize(sentence)
