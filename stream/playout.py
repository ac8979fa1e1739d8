"""Playout: turns queued lines into a continuous sample stream, one frame's worth at a time.

It synthesises sentence by sentence just ahead of need, cuts a line at the next word boundary
when asked, and reports what was actually played so the director can resume correctly.
"""
from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from avatar.visemes import MouthShape, VisemeTrack
from speech.priority import URGENT, SynthesisInterrupted, speech_priority
from speech.types import Utterance

from .covers import MAX_COVERS_PER_SENTENCE, STALLED_COVER_FRAMES, Covers
from .media import SAMPLE_RATE, SAMPLES_PER_FRAME
from .speech_ahead import spoken_parts

log = logging.getLogger("livehost.playout")
_SILENCE_ON_FAILURE = SAMPLE_RATE // 2  # a sentence the voice cannot make becomes a short quiet
SYNTHESIS_ATTEMPTS = 3  # a failed sentence is asked for again: the supervisor restarts the engine after 2 failures
HEDGE_AFTER_FRAMES = 8  # a due sentence not made within 0.32 s is asked for on the other worker too
# A cut waits for the next word boundary only this long; a word still going on after that fades
# out instead (a barge-in must take the old line off the air within 0.2 s, words last up to 1 s).
# Up to 95 ms of frames are already out when a question lands (the encoder's lead, the frame
# on air and one due too soon to render again), so waiting longer than 40 ms, plus the fade and
# the stage's reaction, puts the tail past 0.2 s (an 80 ms wait gave a soak p95 of 0.232 s,
# 50 ms one of 0.224 s).
MAX_CUT_WAIT = SAMPLE_RATE * 4 // 100
CUT_FADE = SAMPLE_RATE * 3 // 100  # 30 ms: short enough to feel immediate, long enough not to click
URGENT_LOOKAHEAD = 6  # urgent parts started together so the urgent worker never idles between them
COVER_AFTER_FRAMES = 5  # an answer not ready 200 ms after it is due gets an acknowledgement first
OPENING_WAIT_S = 5.0  # a live show waits up to this long before frame 0 for its opening's first clause


def cut_end(utterance: Utterance, position: int) -> tuple[int, int | None]:
    """Where a line cut at `position` stops: (end sample, sample where a fade-out starts or None)."""
    boundary = next((b for b in utterance.word_boundaries() if b >= position), utterance.num_samples)
    if boundary - position <= MAX_CUT_WAIT:
        return boundary, None
    return min(utterance.num_samples, position + CUT_FADE), position


@dataclass(frozen=True)
class LineFinished:
    line_id: str
    resume_from: int  # first sentence not fully spoken
    interrupted: bool
    at_sample: int = field(default=0, compare=False)  # where in its frame the line's last sample ended
    voice_failed: bool = False  # a sentence of it aired as silence: the voice could not make it


@dataclass(frozen=True)
class FrameAudio:
    pcm: np.ndarray  # SAMPLES_PER_FRAME int16
    mouth_open: float
    subtitle: str
    speaking: bool
    started: tuple[str, ...]  # line ids whose first sample is in this frame
    finished: tuple[LineFinished, ...]
    mouth_shape: MouthShape | None = None
    pointing: bool = False  # the sentence on air is a call to action: the host points at the card
    start_samples: tuple[int, ...] = ()  # where in the frame each of `started` begins


@dataclass
class _Sentence:
    line_id: str
    index: int
    count: int  # sentences in the line
    text: str
    utterance: Utterance | None = None
    track: VisemeTrack | None = None
    position: int = 0  # samples already played
    end: int = 0  # play up to here (lowered by a cut)
    cut: bool = False
    pointing: bool = False
    pending: Future | None = None  # background synthesis in flight
    pending_urgent: bool = False  # `pending` runs on the urgent worker
    next_voice: Future | None = None  # made in the voice a persona switch brings, before it takes over
    hedge: Future | None = None  # the same sentence asked again on the other worker
    failures: int = 0  # synthesis attempts that failed
    urgent: bool = False  # the room is waiting for this line (an answer): synthesized before anything else
    waited_frames: int = 0  # frames this sentence has held up while due
    covers: int = 0  # covers said while it was being synthesized
    fade_from: int | None = None  # a cut mid-word fades out from here to `end`
    part: int = 0  # an urgent line's first sentence is spoken clause by clause, so it starts sooner
    parts: int = 1

    @property
    def opens_line(self) -> bool:
        return self.index == 0 and self.part == 0

    @property
    def last_part(self) -> bool:
        return self.part == self.parts - 1


class Playout:
    """With background=True (the live show) synthesis runs on a worker thread: a sentence that is
    not ready yet costs quiet frames, never a stalled stream. Offline renders and tests keep the
    default, where the frame waits for the engine and output is deterministic."""

    def __init__(self, synthesize: Callable[[str], Utterance], background: bool = False) -> None:
        self._synthesize = synthesize
        self._queue: deque[_Sentence] = deque()
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="synth-ahead") if background else None
        # Urgent lines get their own worker, so they never queue behind synthesis done ahead.
        self._urgent_worker = ThreadPoolExecutor(1, thread_name_prefix="synth-urgent") if background else None
        self._next_synthesize: Callable[[str], Utterance] | None = None
        self._switch_worker: ThreadPoolExecutor | None = None
        self._covers = Covers()
        self._ahead: dict[str, Future] = {}  # made before it was said (the opening), by the text spoken
        self._voice_failed: deque[str] = deque(maxlen=64)  # lines with a sentence aired as silence
        self.voice_switched = False  # set by the frame in which a pending voice took over

    def close(self) -> None:
        """Drop queued background synthesis and wait for the one in progress."""
        for worker in (self._worker, self._urgent_worker, self._switch_worker):
            if worker is not None:
                worker.shutdown(wait=True, cancel_futures=True)

    def prepare_covers(self, acknowledgements: tuple[str, ...], fillers: tuple[str, ...] = ()) -> None:
        """Short phrases, synthesized now, said when the room would otherwise wait in silence:
        acknowledgements before a slow answer, fillers while the voice is late (background mode only)."""
        if self._worker is not None:
            self._covers.prepare(lambda text: self._worker.submit(self._synthesize, text), acknowledgements, fillers)

    def make_ahead(self, sentences: tuple[str, ...]) -> None:
        """Background mode: synthesise a line before it is said (the show's opening, before frame 0),
        its first sentence clause by clause, as say() will then speak it: audio starts with a clause."""
        if self._worker is not None:
            for i, text in enumerate(sentences):
                for part in spoken_parts(text, i, True):
                    self._ahead[part] = self._worker.submit(self._synthesize, part)
            if self._ahead:  # the show goes on air with its first words made (bounded: a stuck voice has covers)
                wait([next(iter(self._ahead.values()))], timeout=OPENING_WAIT_S)

    def settle_covers(self, timeout: float = 30.0) -> None:
        self._covers.settle(timeout)

    def switch_voice(self, synthesize: Callable[[str], Utterance]) -> None:
        """Use another voice from a sentence boundary on (at once when nothing is playing). In
        background mode the old voice goes on until the new one has the next sentence made, so the
        room hears no gap; sentences made ahead in the old voice are made again."""
        self._next_synthesize = synthesize
        if not self._queue or self._queue[0].position == 0:
            self._apply_voice_switch(now=True)

    def _make_in_next_voice(self) -> None:
        """On a worker of its own: the old voice's synthesis ahead must not queue behind the new one's."""
        waiting = next((s for s in self._queue if s.position == 0), None)
        if self._next_synthesize is not None and self._worker is not None and waiting is not None \
                and waiting.next_voice is None:
            if self._switch_worker is None:
                self._switch_worker = ThreadPoolExecutor(1, thread_name_prefix="synth-next-voice")
            waiting.next_voice = self._switch_worker.submit(self._next_synthesize, waiting.text)

    def _apply_voice_switch(self, now: bool = False) -> None:
        head = self._queue[0] if self._queue else None
        if self._next_synthesize is None or (self._worker is not None and not now and head is not None
                                             and not (head.next_voice and head.next_voice.done())):
            return  # the old voice says this sentence too, while the new one makes it
        self._synthesize, self._next_synthesize = self._next_synthesize, None
        self._ahead.clear()
        for sentence in self._queue:
            if sentence.position == 0:  # made in the new voice if it is ready, else made again in it
                sentence.utterance = sentence.track = sentence.hedge = None
                sentence.pending, sentence.pending_urgent, sentence.next_voice = sentence.next_voice, False, None
        self.voice_switched = True

    def insert_next(self, line_id: str, sentences: tuple[str, ...]) -> None:
        """Play this line right after the sentence now playing (fillers after a stage restart)."""
        head = [self._queue.popleft()] if self._queue and self._queue[0].position > 0 else []
        new = [_Sentence(line_id, i, len(sentences), text, urgent=True) for i, text in enumerate(sentences)]
        self._queue = deque(head + new + list(self._queue))

    def clear(self) -> list[LineFinished]:
        """Silence at once (emergency stop): every queued line ends, interrupted where it was."""
        finished: dict[str, LineFinished] = {}
        for sentence in self._queue:
            if sentence.line_id not in finished:
                finished[sentence.line_id] = LineFinished(sentence.line_id, sentence.index, True)
        self._queue.clear()
        return list(finished.values())

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def current_line(self) -> str | None:
        return self._queue[0].line_id if self._queue else None

    def say(self, line_id: str, sentences: tuple[str, ...], point_at_last: bool = False,
            urgent: bool = False) -> None:
        """`point_at_last`: the last sentence is a call to action, said while pointing at the card.
        `urgent`: the room is waiting for this line (an answer); in background mode its first
        sentence is spoken clause by clause so audio starts while the rest is synthesized."""
        for i, text in enumerate(sentences):
            last = i == len(sentences) - 1
            split = (urgent or (i == 0 and spoken_parts(text, 0, True)[0] in self._ahead)) and self._worker is not None
            parts = spoken_parts(text, i, split)
            for k, part in enumerate(parts):
                self._queue.append(_Sentence(line_id, i, len(sentences), part, pointing=point_at_last and last,
                                             urgent=urgent, part=k, parts=len(parts)))

    def cut(self, line_id: str) -> list[LineFinished]:
        """Cut `line_id` at its next word boundary, or fade it out if that is more than MAX_CUT_WAIT
        away. Returns finishes for lines that never started."""
        finished: list[LineFinished] = []
        head = self._queue[0] if self._queue else None
        if head is not None and head.line_id == line_id and head.position > 0:
            self._prepare(head)
            head.end, head.fade_from = cut_end(head.utterance, head.position)
            head.cut = True
            keep = [head]
        else:
            keep = []
            waiting = [s.index for s in self._queue if s.line_id == line_id]
            if waiting:
                finished.append(LineFinished(line_id, waiting[0], True))
        self._queue = deque(keep + [s for s in self._queue if s.line_id != line_id])
        return finished

    def rewindable_frames(self) -> int:
        """How many of the last frames can be played again: those since the head sentence began,
        the one it began in included (what ended before it there is the previous sentence's
        closing pause, dropped if that frame is withdrawn)."""
        head = self._queue[0] if self._queue else None
        if head is None or head.cut:
            return 0
        return -(-head.position // SAMPLES_PER_FRAME)

    def rewind(self, frames: int) -> None:
        """Un-play the last `frames` frames (frames rendered but withdrawn before air time)."""
        if not 0 <= frames <= self.rewindable_frames():
            raise ValueError(f"cannot rewind {frames} frames")
        if frames:
            self._queue[0].position = max(0, self._queue[0].position - frames * SAMPLES_PER_FRAME)

    def _prepare(self, sentence: _Sentence) -> None:
        if sentence.utterance is not None:
            return
        if sentence.pending is not None:
            self._adopt(sentence, sentence.pending.result)
            return
        self._adopt(sentence, lambda: self._synthesize(sentence.text))

    def _ready(self, sentence: _Sentence, waited_for: bool = False) -> bool:
        """Background mode: start synthesis if needed; True once the utterance can be played.
        `waited_for`: the sentence is due now, so it is synthesized as urgently as an answer."""
        if sentence.utterance is not None or self._worker is None:
            return True
        if sentence.pending is None and sentence.text in self._ahead:
            sentence.pending, sentence.pending_urgent = self._ahead.pop(sentence.text), False
        # Due and still queued behind synthesis done ahead (cancelled before it started): made urgently.
        if sentence.pending is None or (waited_for and not sentence.pending_urgent and sentence.pending.cancel()):
            urgent = sentence.urgent or waited_for
            sentence.pending, sentence.pending_urgent = self._submit(sentence.text, urgent), urgent
        elif waited_for and sentence.hedge is None and sentence.waited_frames >= HEDGE_AFTER_FRAMES \
                and not sentence.pending.done():
            # The air waits and the engine has not answered: a hung call (or synthesis left at
            # background priority) is asked again on the other worker; the first answer is taken.
            sentence.hedge = self._submit(sentence.text, not sentence.pending_urgent)
        calls = [f for f in (sentence.pending, sentence.hedge) if f is not None]
        made = next((f for f in calls if f.done() and f.exception() is None), None)
        if made is not None:
            self._adopt(sentence, made.result)
            return True
        if not all(f.done() for f in calls):
            return False
        error = calls[0].exception()
        sentence.pending = sentence.hedge = None
        if isinstance(error, SynthesisInterrupted):
            return False  # it made way for an urgent line: asked for again next frame
        sentence.failures += 1
        if sentence.failures < SYNTHESIS_ATTEMPTS:  # the supervisor may have a fresh engine by now
            log.warning("speech failed on line %s sentence %d (%s); asking again", sentence.line_id,
                        sentence.index, error)
            return False
        self._adopt(sentence, calls[0].result)
        return True

    def _submit(self, text: str, urgent: bool) -> Future:
        if urgent:
            return self._urgent_worker.submit(self._synthesize_urgently, text)
        return self._worker.submit(self._synthesize, text)

    def _synthesize_urgently(self, text: str) -> Utterance:
        with speech_priority(URGENT):
            return self._synthesize(text)

    def _adopt(self, sentence: _Sentence, make: Callable[[], Utterance]) -> None:
        try:
            utterance = make()
        except Exception as exc:  # a crashing engine must not take the show down
            log.error("speech engine failed on line %s sentence %d (%r): %s", sentence.line_id,
                      sentence.index, sentence.text[:40], exc)
            utterance = Utterance(sentence.text, "", np.zeros(_SILENCE_ON_FAILURE, dtype=np.int16), ())
            self._voice_failed.append(sentence.line_id)
        sentence.utterance = utterance
        sentence.track = VisemeTrack.from_utterance(utterance)
        sentence.end = utterance.num_samples

    @staticmethod
    def _samples(sentence: _Sentence, take: int) -> np.ndarray:
        start = sentence.position
        samples = sentence.utterance.pcm[start:start + take]
        if sentence.fade_from is None:
            return samples
        gain = np.clip((sentence.end - np.arange(start, start + take)) / (sentence.end - sentence.fade_from), 0.0, 1.0)
        return np.rint(samples * gain).astype(np.int16)

    def _cover(self, sentence: _Sentence) -> bool:
        """Put a ready cover in front of a sentence the air has waited for too long: an answer the
        room asked for gets an acknowledgement soon; any sentence a late voice holds up, fillers."""
        answer_opening = sentence.urgent and sentence.opens_line
        due = COVER_AFTER_FRAMES if answer_opening and not sentence.covers else STALLED_COVER_FRAMES
        if sentence.waited_frames <= due or sentence.covers >= MAX_COVERS_PER_SENTENCE:
            return False
        cover = self._covers.next(answer=sentence.urgent)
        if cover is None:
            return False
        number, utterance = cover
        sentence.covers += 1
        sentence.waited_frames = 0  # the next cover only after as long a wait again
        self._queue.appendleft(_Sentence(f"filler-ack-{number}", 0, 1, utterance.text, utterance=utterance,
                                         track=VisemeTrack.from_utterance(utterance), end=utterance.num_samples))
        return True

    def upcoming_texts(self, count: int = 2) -> list[str]:
        return [s.text for s in list(self._queue)[:count]]

    def prefetch(self) -> None:
        """Synthesise the next sentence ahead so a sentence change never waits on the engine; in
        background mode every part of an urgent line queued near the head is started at once."""
        self._make_in_next_voice()
        ahead = list(self._queue)[:URGENT_LOOKAHEAD]
        for i, sentence in enumerate(ahead):
            if self._worker is None:
                if i < 2:
                    self._prepare(sentence)
            elif i < 2 or sentence.urgent:
                self._ready(sentence)

    def next_frame(self) -> FrameAudio:
        pcm = np.zeros(SAMPLES_PER_FRAME, dtype=np.int16)
        filled = 0
        started: list[str] = []
        start_samples: list[int] = []
        finished: list[LineFinished] = []
        mouth, mouth_weight, subtitle, shape, pointing = 0.0, 0, "", None, False
        while filled < SAMPLES_PER_FRAME and self._queue:
            sentence = self._queue[0]
            if not self._ready(sentence, waited_for=True):
                sentence.waited_frames += 1
                if self._cover(sentence):
                    continue
                break  # still being synthesized: the rest of this frame is quiet
            self._prepare(sentence)
            if sentence.position == 0 and sentence.opens_line:
                started.append(sentence.line_id)
                start_samples.append(filled)
            take = min(SAMPLES_PER_FRAME - filled, sentence.end - sentence.position)
            if take > 0:
                pcm[filled:filled + take] = self._samples(sentence, take)
                if take > mouth_weight:
                    shape = sentence.track.shape_for_frame(sentence.position)
                    mouth = shape.open
                    mouth_weight = take
                    subtitle = sentence.text
                    pointing = sentence.pointing
                sentence.position += take
                filled += take
            if sentence.position >= sentence.end:
                self._queue.popleft()
                self._apply_voice_switch()
                if sentence.cut:
                    whole = sentence.end >= sentence.utterance.num_samples and sentence.last_part \
                        and sentence.fade_from is None
                    finished.append(LineFinished(sentence.line_id, sentence.index + (1 if whole else 0), True,
                                                 filled))
                elif sentence.index == sentence.count - 1 and sentence.last_part:
                    finished.append(LineFinished(sentence.line_id, sentence.count, False, filled,
                                                 voice_failed=sentence.line_id in self._voice_failed))
        return FrameAudio(pcm, mouth, subtitle, filled > 0, tuple(started), tuple(finished), shape, pointing,
                          tuple(start_samples))
