"""The streaming form of any engine: one utterance per sentence, so the first sentence can play
while the rest of an answer is still being synthesized."""
from __future__ import annotations

import re
from typing import Iterator

from .types import SpeechEngine, Utterance

_SENTENCE = re.compile(r"[^。！？!?；;…\n]+[。！？!?；;…\n]*")
_CLAUSE = re.compile(r"[^，、,：:]+[，、,：:]*")
FIRST_CHUNK_CHARS = 8  # a longer first sentence is spoken clause by clause so audio starts sooner


def split_sentences(text: str) -> list[str]:
    """Sentences with their closing punctuation; a decimal point (59.9) never ends a sentence."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def stream_chunks(text: str, first_chunk_chars: int = FIRST_CHUNK_CHARS) -> list[str]:
    """Sentences, except that a long first sentence is split at its clause marks (，、：)."""
    sentences = split_sentences(text)
    if sentences and len(sentences[0]) > first_chunk_chars:
        clauses = [c.strip() for c in _CLAUSE.findall(sentences[0]) if c.strip()]
        sentences[:1] = clauses or sentences[:1]
    return sentences


def synthesize_stream(engine: SpeechEngine, text: str,
                      first_chunk_chars: int = FIRST_CHUNK_CHARS) -> Iterator[Utterance]:
    for chunk in stream_chunks(text, first_chunk_chars):
        yield engine.synthesize(chunk)
