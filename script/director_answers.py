"""The director's answer desk: a viewer's question becomes a checked answer line, merged with the
same answer already waiting, queued (at most a few) or proposed to the operator; an answer on air
gives way to a new viewer's when it still has long to run. A mixin of `Director`: it uses the
director's state and helpers (`_check`, `_submit`, `_queue`, `_viewers`...)."""
from __future__ import annotations

from .answers import Answer
from .chat import ChatEvent
from .chat_understanding import ChatReading
from .director_messages import DirectorAction, LineDropped, ProposeReply, Reply
from .lines import Line, LineKind, Priority


class AnswerDesk:
    def _answer(self, event: ChatEvent, reading: ChatReading) -> list[DirectorAction]:
        found = self._answer_for(event, reading)
        if found is None:
            return [Reply(event, None)]
        answer, key = found
        same = self._pending_answer(key)
        if same is not None:  # ten viewers asking the price, however worded, get one answer
            return [Reply(event, same)]
        actions: list[DirectorAction] = []
        if self._mode == "auto":
            joined = self._join_waiting_answer(answer, key, actions)
            if joined is not None:
                return [*actions, Reply(event, joined)]
        prefix = self._prefix(event) if answer.sources else ""
        line = Line(self._new_id("answer-"), Priority.ANSWER, answer.spoken(prefix), answer.sku, answer.cited,
                    kind=LineKind.ANSWER, derived=answer.derived)
        line = self._checked(line, actions, fallback=self._unknown_answer)
        self._answer_events[line.line_id] = event
        self._answer_keys[line.line_id] = {key}
        if self._mode != "auto":
            return actions + self._propose(event, line)
        queued = [q for q in self._queue if q.priority == Priority.ANSWER]
        if len(queued) >= self._config.max_queued_answers:
            stale = queued[0]  # the oldest question has waited longest: it is stale
            self._queue.remove(stale)
            self._forget(stale.line_id)
            actions.append(LineDropped(stale.line_id))
        return [*actions, Reply(event, line), *self._submit(line)]

    def _answer_for(self, event: ChatEvent, reading: ChatReading) -> tuple[Answer, tuple] | None:
        """The answer to say and what makes two answers the same (for merging duplicates)."""
        style = self._style
        if "asks_if_human" in reading.flags:
            return Answer((f"我是AI数字人主播{style.display_name}，不是真人。",
                           "有需要人工帮忙的，可以联系店铺客服。"), None, ()), ("human",)
        context = self._viewers.context(event.user, self._shown_sku, self._now)
        text = reading.plain_text or event.text
        answer = self._answerer.answer(text, self._shown_sku, self.wall_time(self._now), context)
        self._viewers.remember(event.user, answer.about or ((answer.sku,) if answer.sku else ()), text, self._now,
                               answer.sources)
        if answer is None:
            return None
        if answer.not_sold:
            return Answer((self._pick(style.not_sold, event),), None, ()), ("not_sold",)
        if not answer.sentences:
            return Answer((self._pick(style.unknown_answers, event),), answer.sku, ()), ("unknown", answer.sku)
        key = ("facts", answer.sku, answer.sources, answer.derived) if answer.sources else ("said", answer.sentences)
        return answer, key

    def _prefix(self, event: ChatEvent) -> str:
        return self._pick(self._style.answer_prefixes, event)

    @staticmethod
    def _pick(options: tuple[str, ...], event: ChatEvent) -> str:
        # Keyed on the question, not on order, so merged duplicates read the same.
        return options[sum(map(ord, event.text)) % len(options)]

    def _unknown_answer(self, line: Line) -> Line:
        text = self._style.unknown_answers[self._line_counter % len(self._style.unknown_answers)]
        return Line(line.line_id, line.priority, (text,), line.sku, (), kind=line.kind)

    def _pending_answer(self, key: tuple) -> Line | None:
        candidates = [self._on_air] if self._on_air is not None else []
        candidates += [q for q in self._queue if q.priority == Priority.ANSWER]
        candidates += [p.line for p in self._proposals.values()]
        return next((c for c in candidates if c.priority == Priority.ANSWER
                     and key in self._answer_keys.get(c.line_id, ())), None)

    def _join_waiting_answer(self, answer: Answer, key: tuple, actions: list[DirectorAction]) -> Line | None:
        """Fold a new answer about a product into an answer about it that is still waiting, so a
        burst of questions about the product on screen is answered in one line, not a queue."""
        if answer.sku is None or not answer.sources:
            return None
        for index, waiting in enumerate(self._queue):
            if waiting.priority != Priority.ANSWER or waiting.sku != answer.sku or len(waiting.sentences) >= 4:
                continue
            if waiting.line_id not in self._answer_events or not waiting.sources:
                continue
            joined = Line(waiting.line_id, Priority.ANSWER, waiting.sentences + answer.sentences, waiting.sku,
                          tuple(dict.fromkeys(waiting.sources + answer.cited)), kind=LineKind.ANSWER,
                          derived=tuple(dict.fromkeys(waiting.derived + answer.derived)))
            verdict = self._check(joined, self._products_for(joined), self.wall_time(self._now))
            if verdict.blocked_by:
                return None
            self._queue[index] = verdict.line
            self._lines[waiting.line_id] = verdict.line
            self._answer_keys.setdefault(waiting.line_id, set()).add(key)
            return verdict.line
        return None

    def _propose(self, event: ChatEvent, line: Line) -> list[DirectorAction]:
        actions: list[DirectorAction] = []
        if len(self._proposals) >= self._config.max_proposals:
            oldest = next(iter(self._proposals))
            del self._proposals[oldest]
            self._answer_events.pop(oldest, None)
            actions.append(LineDropped(oldest))
        proposal = ProposeReply(event, line)
        self._proposals[line.line_id] = proposal
        return actions + [proposal]

    def _long_answer_yields(self, line: Line) -> bool:
        """A new viewer's answer does not wait more than `max_answer_wait_s` behind another answer: one
        with longer left (by its length at the persona's pace) is cut and its rest said after."""
        on_air = self._on_air
        if line.priority != Priority.ANSWER or on_air.priority != Priority.ANSWER:
            return False
        rate = self._config.speech_chars_per_s * self._style.pace
        aired = self._now - self._on_air_at
        # One that has only just started is let on air (a burst must not cut every answer in turn).
        return aired >= self._config.min_answer_airtime_s and len(on_air.text) / rate - aired > self._config.max_answer_wait_s
