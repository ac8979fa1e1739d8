"""espeak-ng through espeakng-loader: fast, exact word and phoneme timings, robotic Mandarin.

The test engine and last-resort fallback. espeak-ng keeps global state, so one process-wide
lock serialises synthesis.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np

from .normalize import normalize_for_speech
from .resample import rescale_sample, resample_to_show_rate
from .types import PhonemeTiming, SpeechEngineError, Utterance, WordTiming

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS = 0x0001
_CHARS_UTF8 = 1
_END_PAUSE = 0x1000
_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_PHONEME = 0, 1, 7
_PAUSE_PHONEMES = {"_", "_|", "_:", "_!", ""}
_VOWEL_LETTERS = set("aeiouyAEIOUY@&0V3")


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))
_lock = threading.Lock()
_library: tuple[ctypes.CDLL, int] | None = None


def _load_library() -> tuple[ctypes.CDLL, int]:
    global _library
    if _library is None:
        try:
            import espeakng_loader
            lib = ctypes.cdll.LoadLibrary(espeakng_loader.get_library_path())
            data_dir = espeakng_loader.get_data_path().rsplit("/espeak-ng-data", 1)[0]
        except (ImportError, OSError) as exc:
            raise SpeechEngineError(f"espeak-ng could not be loaded from the espeakng-loader package: {exc}") from exc
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_dir.encode(), _INIT_PHONEME_EVENTS)
        if rate <= 0:
            raise SpeechEngineError(f"espeak-ng failed to initialise with data in {data_dir}")
        _library = (lib, rate)
    return _library


class EspeakEngine:
    name = "espeak"

    def __init__(self, voice: str = "cmn", speed: float = 1.0) -> None:
        self.voice = voice
        self.speed = speed
        self._lib: ctypes.CDLL | None = None
        self._rate = 0

    def load(self) -> None:
        self._lib, self._rate = _load_library()

    def synthesize(self, text: str) -> Utterance:
        if self._lib is None:
            self.load()
        spoken = normalize_for_speech(text)
        if not spoken.strip():
            return Utterance(text, spoken, np.zeros(0, dtype=np.int16), (), (), self.voice)
        with _lock:
            pcm, words, phonemes = self._run(spoken)
        return Utterance(text, spoken, resample_to_show_rate(pcm, self._rate), words, phonemes, self.voice)

    def _run(self, spoken: str) -> tuple[np.ndarray, tuple[WordTiming, ...], tuple[PhonemeTiming, ...]]:
        lib = self._lib
        assert lib is not None
        chunks: list[bytes] = []
        raw_words: list[tuple[int, int, int]] = []  # (sample, text_position, length)
        raw_phonemes: list[tuple[int, str]] = []

        def on_audio(wav, count, events):  # called synchronously inside espeak_Synth
            if count > 0:
                chunks.append(ctypes.string_at(wav, count * 2))
            i = 0
            while events[i].type != _EVENT_LIST_TERMINATED:
                ev = events[i]
                if ev.type == _EVENT_WORD:
                    raw_words.append((ev.sample, ev.text_position, ev.length))
                elif ev.type == _EVENT_PHONEME:
                    raw_phonemes.append((ev.sample, bytes(ev.id).split(b"\0")[0].decode("utf-8", "replace")))
                i += 1
            return 0

        callback = _Callback(on_audio)
        lib.espeak_SetSynthCallback(callback)
        if lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
            raise SpeechEngineError(f"espeak-ng has no voice {self.voice!r}")
        lib.espeak_SetParameter(1, int(175 * self.speed), 0)  # espeakRATE, words per minute
        encoded = spoken.encode("utf-8")
        status = lib.espeak_Synth(encoded, len(encoded) + 1, 0, 0, 0, _CHARS_UTF8 | _END_PAUSE, None, None)
        if status != 0:
            raise SpeechEngineError(f"espeak-ng failed (status {status}) on {spoken[:40]!r}")
        pcm = np.frombuffer(b"".join(chunks), dtype=np.int16)
        return pcm, self._words(spoken, raw_words, len(pcm)), self._phonemes(raw_phonemes, len(pcm))

    def _words(self, spoken: str, raw: list[tuple[int, int, int]], total: int) -> tuple[WordTiming, ...]:
        chars = list(spoken)  # espeak counts text positions in characters, from 1
        words = []
        for i, (sample, position, length) in enumerate(raw):
            end = raw[i + 1][0] if i + 1 < len(raw) else total
            if end <= sample:
                continue
            text = "".join(chars[position - 1:position - 1 + max(1, length)])
            words.append(WordTiming(text, rescale_sample(sample, self._rate), rescale_sample(end, self._rate)))
        return tuple(words)

    def _phonemes(self, raw: list[tuple[int, str]], total: int) -> tuple[PhonemeTiming, ...]:
        phonemes = []
        for i, (sample, name) in enumerate(raw):
            end = raw[i + 1][0] if i + 1 < len(raw) else total
            if end <= sample:
                continue
            bare = name.strip("'\",%=")
            is_vowel = bare not in _PAUSE_PHONEMES and bare[:1] in _VOWEL_LETTERS
            phonemes.append(PhonemeTiming(bare, rescale_sample(sample, self._rate),
                                          rescale_sample(end, self._rate), is_vowel))
        return tuple(phonemes)


_PHONEME_MODE_IPA_TIED = 0x02 | 0x80 | (ord("^") << 8)  # IPA, "^" ties multi-letter phonemes (a^ɪ)


def espeak_ipa(text: str, voice: str = "en-us") -> str:
    """IPA for `text` in an espeak-ng voice (the Kokoro engine reads English words through it)."""
    lib, _ = _load_library()
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
    encoded = ctypes.c_char_p(text.encode("utf-8"))
    pointer = ctypes.pointer(encoded)
    pieces: list[str] = []
    with _lock:
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SpeechEngineError(f"espeak-ng has no voice {voice!r}")
        # espeak advances the pointer clause by clause and sets it to NULL at the end.
        for _ in range(len(text) + 1):
            if not ctypes.cast(pointer.contents, ctypes.c_void_p).value:
                break
            out = lib.espeak_TextToPhonemes(pointer, _CHARS_UTF8, _PHONEME_MODE_IPA_TIED)
            if out:
                pieces.append(out.decode("utf-8", "replace"))
    return " ".join(p.strip() for p in pieces if p.strip())
