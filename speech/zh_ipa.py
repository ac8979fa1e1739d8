"""Pinyin to the IPA with tone arrows Kokoro was trained on: misaki's ZHG2P.py2ipa and word2ipa
(misaki 0.9.4), over the same misaki.transcription table. Importing misaki.zh for them also
imports cn2an and its tables (0.13 s of `livehost say`'s start), which the voice never uses.
"""
from __future__ import annotations

from misaki.transcription import pinyin_to_ipa
from pypinyin import Style, lazy_pinyin


def _retone(phoneme: str) -> str:
    phoneme = phoneme.replace("˧˩˧", "↓").replace("˧˥", "↗").replace("˥˩", "↘").replace("˥", "→")
    phoneme = phoneme.replace(chr(635) + chr(809), "ɨ").replace(chr(633) + chr(809), "ɨ")
    if chr(809) in phoneme:
        raise ValueError(f"no IPA for the syllabic {phoneme!r}")
    return phoneme


def py2ipa(syllable: str) -> str:
    """One pinyin syllable with its tone number (hao3, ma5); raises for a syllable with no IPA."""
    return "".join(_retone(p) for p in pinyin_to_ipa(syllable)[0])


def word2ipa(word: str) -> str:
    return "".join(py2ipa(py) for py in lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))
