"""Optional rewriting of selling sentences by a local causal LM (transformers), kept on a short leash.

The model only ever proposes. A proposal replaces a sentence only when the caller's `accept`
(the compliance and fact guard) passes it and every number in it already appears in the original
sentence; anything else — a rejection, a new number, an empty or runaway output, an error, a
blown time budget — keeps the original. Loading reads only a local directory: hub access is off.
Decoding is greedy (beam search for several candidates), so a line rewrites the same every time.
"""
from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from script.textmatch import normalize

log = logging.getLogger(__name__)

DEFAULT_PROMPT = ("把下面这句直播带货的话改写得更自然、更口语，风格：{style}。"
                  "不要添加任何新的数字、价格、功效或承诺，只输出改写后的一句话。\n原句：{sentence}\n改写：")


class RewriterLoadError(RuntimeError):
    """The model directory is missing or cannot be loaded; the message names the path."""


@dataclass(frozen=True)
class RewriterConfig:
    model_path: str  # a local directory saved with save_pretrained (config, weights, tokenizer)
    max_new_tokens: int = 64
    time_budget_s: float = 3.0  # for one whole line; sentences past it keep their original
    num_candidates: int = 1  # >1 uses beam search (still deterministic)
    seed: int = 0
    threads: int = 1  # torch threads: the show renders and encodes on the same cores
    max_growth: float = 2.0  # a candidate longer than this times the original (+10 chars) is a runaway
    prompt: str = DEFAULT_PROMPT


@dataclass(frozen=True)
class Rewrite:
    original: str
    candidates: tuple[str, ...]  # cleaned model proposals, best first (empty on error or timeout)
    text: str  # what to say: the first acceptable candidate, else the original
    reason: str  # accepted | unchanged | guard_rejected | new_number | empty | too_long | timeout | error


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[str]:
    """Numbers a sentence states, Chinese numerals included (八十九元 -> 89); 89.0 and 89 are one."""
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(normalize(text))}


def introduces_numbers(candidate: str, original: str) -> bool:
    return not numbers_in(candidate) <= numbers_in(original)


def _clean(generated: str) -> str:
    text = generated.strip().split("\n", 1)[0].strip()
    for prefix in ("改写：", "改写:", "改写后：", "改写后:"):
        text = text.removeprefix(prefix).strip()
    return text.strip("\"'“”「」 ")


def _judge(candidate: str, original: str, accept: Callable[[str], bool], max_growth: float) -> str:
    if not candidate:
        return "empty"
    if candidate == original:
        return "unchanged"
    if len(candidate) > max_growth * len(original) + 10:
        return "too_long"
    if introduces_numbers(candidate, original):
        return "new_number"
    try:
        if not accept(candidate):
            return "guard_rejected"
    except Exception as exc:  # a guard that fails must not put an unchecked sentence on air
        log.warning("rewrite guard raised %s: %s; keeping the original", type(exc).__name__, exc)
        return "guard_rejected"
    return "accepted"


class LlmRewriter:
    """A loaded model and tokenizer; `rewrite_line` never raises."""

    def __init__(self, config: RewriterConfig, model: Any, tokenizer: Any, clock: Callable[[], float]) -> None:
        self.config = config
        self._model = model
        self._tokenizer = tokenizer
        self._clock = clock

    @classmethod
    def load(cls, config: RewriterConfig, clock: Callable[[], float] = time.monotonic) -> "LlmRewriter":
        """Load from `config.model_path` only (never a hub); RewriterLoadError names the path."""
        path = Path(config.model_path).expanduser()
        if not path.is_dir():
            raise RewriterLoadError(f"LLM rewriter model directory not found: {path}")
        os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces with local_files_only below
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            torch.set_num_threads(max(1, config.threads))
            tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True)
            model.eval()
        except Exception as exc:
            raise RewriterLoadError(f"LLM rewriter model at {path} could not be loaded: "
                                    f"{type(exc).__name__}: {exc}") from exc
        return cls(config, model, tokenizer, clock)

    def _prompt_ids(self, sentence: str, style: str) -> Any:
        prompt = self.config.prompt.format(style=style or "自然亲切", sentence=sentence)
        if getattr(self._tokenizer, "chat_template", None):
            return self._tokenizer.apply_chat_template([{"role": "user", "content": prompt}],
                                                       add_generation_prompt=True, return_tensors="pt",
                                                       return_dict=True)
        return self._tokenizer(prompt, return_tensors="pt")

    def propose(self, sentence: str, style: str, max_time: float) -> tuple[str, ...]:
        """Cleaned candidates for one sentence, best first. May raise; `rewrite_line` catches."""
        import torch

        torch.manual_seed(self.config.seed)
        inputs = self._prompt_ids(sentence, style)
        n = max(1, self.config.num_candidates)
        pad = self._tokenizer.pad_token_id
        if pad is None:
            pad = self._tokenizer.eos_token_id
        with torch.no_grad():
            output = self._model.generate(
                **inputs, max_new_tokens=self.config.max_new_tokens, do_sample=False, num_beams=n,
                num_return_sequences=n, max_time=max(0.01, max_time), pad_token_id=pad)
        start = inputs["input_ids"].shape[1]
        texts = [_clean(self._tokenizer.decode(row[start:], skip_special_tokens=True)) for row in output]
        return tuple(dict.fromkeys(texts))

    def rewrite_line(self, sentences: Sequence[str], style: str, accept: Callable[[str], bool]) -> list[Rewrite]:
        """One Rewrite per sentence, in order; `text` is always safe to say (rewrite or original)."""
        deadline = self._clock() + self.config.time_budget_s
        results = []
        for sentence in sentences:
            remaining = deadline - self._clock()
            if remaining <= 0:
                results.append(Rewrite(sentence, (), sentence, "timeout"))
                continue
            try:
                candidates = self.propose(sentence, style, remaining)
            except Exception as exc:
                log.warning("LLM rewrite failed for %r (%s: %s); keeping the original",
                            sentence, type(exc).__name__, exc)
                results.append(Rewrite(sentence, (), sentence, "error"))
                continue
            if self._clock() > deadline:  # cut short by max_time: a half sentence is not a rewrite
                results.append(Rewrite(sentence, candidates, sentence, "timeout"))
                continue
            reasons = [_judge(c, sentence, accept, self.config.max_growth) for c in candidates]
            chosen = next((c for c, r in zip(candidates, reasons) if r == "accepted"), None)
            if chosen is not None:
                results.append(Rewrite(sentence, candidates, chosen, "accepted"))
            else:
                results.append(Rewrite(sentence, candidates, sentence, reasons[0] if reasons else "empty"))
        return results


def load_rewriter(config: RewriterConfig | None) -> LlmRewriter | None:
    """The rewriter for a show, or None (logged) when none is configured or it fails to load."""
    if config is None:
        return None
    try:
        rewriter = LlmRewriter.load(config)
    except RewriterLoadError as exc:
        log.warning("selling lines are not rewritten: %s", exc)
        return None
    log.info("selling lines rewritten by the local model at %s", config.model_path)
    return rewriter
