"""How the playout splits a line for speaking, and what is worth synthesizing before it is needed
(the live show warms its synthesis cache with it)."""
from __future__ import annotations

from speech.streaming import stream_chunks


def spoken_parts(sentence: str, index: int, urgent: bool) -> list[str]:
    """How the playout speaks sentence `index` of a line: an urgent line's first sentence clause by
    clause (so its audio starts sooner), everything else whole. Cache warming uses the same split."""
    return (stream_chunks(sentence) or [sentence]) if urgent and index == 0 else [sentence]


def likely_speech(style, answers) -> list[str]:
    """What to have synthesized before it is needed: the persona's fixed phrases, and `answers`
    (the ones viewers ask for most) as the playout will speak them, after each answer prefix."""
    fixed = [p for p in (*style.answer_prefixes, *style.fillers, *style.reassurances, *style.unknown_answers,
                         *style.not_sold) if "{" not in p]
    spoken: list[str] = []
    for answer in answers:
        for prefix in style.answer_prefixes or ("",):
            for i, sentence in enumerate(answer.spoken(prefix)):
                spoken += spoken_parts(sentence, i, urgent=True)
    return list(dict.fromkeys(fixed + spoken))
