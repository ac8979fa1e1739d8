"""LLM rewriting of selling sentences, through a tiny GPT-2 built offline in tmp_path.

The tiny model's final layer norm is pinned so it always emits one chosen token: that makes its
output known in advance, so each guard in the pipeline can be shown to bite.
"""
from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pytest

import torch  # noqa: E402  (test dependencies: these tests always run)
import transformers  # noqa: E402
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers  # noqa: E402

from stream.llm_rewriter import (DEFAULT_PROMPT, LlmRewriter, RewriterConfig, RewriterLoadError,  # noqa: E402
                                 introduces_numbers, load_rewriter, numbers_in)

TRAINING_TEXT = DEFAULT_PROMPT + "高山乌龙茶现在只要89元，家人们冲呀好香好喝0123456789自然亲切热情"


def build_tiny_model(directory: Path, always: str) -> Path:
    """A character-level tokenizer and a 1-layer GPT-2 that always says `always` (a character or [EOS])."""
    vocab = {"[PAD]": 0, "[UNK]": 1, "[EOS]": 2}
    for ch in sorted(set(TRAINING_TEXT)):
        vocab.setdefault(ch, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tokenizer.decoder = decoders.Fuse()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]",
                                                pad_token="[PAD]", eos_token="[EOS]")
    fast.save_pretrained(directory)
    config = transformers.GPT2Config(vocab_size=len(vocab), n_positions=512, n_embd=16, n_layer=1, n_head=2,
                                     bos_token_id=2, eos_token_id=2, pad_token_id=0, tie_word_embeddings=False)
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(config)
    with torch.no_grad():  # every position's hidden state becomes all ones; only `always` scores
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.fill_(1.0)
        model.lm_head.weight.zero_()
        model.lm_head.weight[vocab[always]] = 1.0
    model.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny_llm")
    return {name: build_tiny_model(root / name, token)
            for name, token in (("hao", "好"), ("nine", "9"), ("eos", "[EOS]"))}


def rewriter(path: Path, **overrides) -> LlmRewriter:
    return LlmRewriter.load(RewriterConfig(model_path=str(path), max_new_tokens=4, **overrides))


LINE = ("高山乌龙茶现在只要89元。", "家人们冲呀！")


def test_an_accepted_rewrite_replaces_each_sentence_deterministically(models_dir):
    hao = rewriter(models_dir["hao"])
    first = hao.rewrite_line(LINE, "热情", accept=lambda s: True)
    assert [r.text for r in first] == ["好好好好", "好好好好"]
    assert [r.reason for r in first] == ["accepted", "accepted"]
    assert [r.original for r in first] == list(LINE)
    assert hao.rewrite_line(LINE, "热情", accept=lambda s: True) == first


def test_a_rewrite_the_guard_rejects_keeps_the_original(models_dir):
    seen: list[str] = []

    def reject(candidate: str) -> bool:
        seen.append(candidate)
        return False

    results = rewriter(models_dir["hao"]).rewrite_line(LINE, "热情", accept=reject)
    assert [r.text for r in results] == list(LINE)
    assert [r.reason for r in results] == ["guard_rejected", "guard_rejected"]
    assert seen == ["好好好好", "好好好好"]  # the guard saw each candidate


def test_a_guard_that_raises_counts_as_a_rejection(models_dir):
    def broken(candidate: str) -> bool:
        raise ValueError("guard down")

    [result] = rewriter(models_dir["hao"]).rewrite_line(LINE[:1], "热情", accept=broken)
    assert (result.text, result.reason) == (LINE[0], "guard_rejected")


def test_a_rewrite_with_a_number_not_in_the_original_is_refused_even_if_the_guard_passes_it(models_dir):
    [result] = rewriter(models_dir["nine"]).rewrite_line(["现在下单就发货。"], "热情", accept=lambda s: True)
    assert result.candidates == ("9999",)
    assert (result.text, result.reason) == ("现在下单就发货。", "new_number")


def test_an_empty_generation_keeps_the_original(models_dir):
    [result] = rewriter(models_dir["eos"]).rewrite_line(LINE[:1], "热情", accept=lambda s: True)
    assert (result.text, result.reason) == (LINE[0], "empty")


def test_several_candidates_come_from_beam_search(models_dir):
    many = rewriter(models_dir["hao"], num_candidates=2)
    [result] = many.rewrite_line(LINE[:1], "热情", accept=lambda s: True)
    assert result.text == "好好好好" and 1 <= len(result.candidates) <= 2


def test_errors_inside_generation_never_propagate(models_dir, caplog):
    broken_prompt = rewriter(models_dir["hao"], prompt="{no_such_placeholder}{sentence}")
    with caplog.at_level(logging.WARNING, logger="stream.llm_rewriter"):
        results = broken_prompt.rewrite_line(LINE, "热情", accept=lambda s: True)
    assert [(r.text, r.reason) for r in results] == [(s, "error") for s in LINE]
    assert "keeping the original" in caplog.text


def test_sentences_past_the_time_budget_keep_their_original(models_dir):
    ticks = itertools.count(0.0, 1.0)  # every look at the clock finds one more second gone
    config = RewriterConfig(model_path=str(models_dir["hao"]), max_new_tokens=4, time_budget_s=3.5)
    slow = LlmRewriter.load(config, clock=lambda: next(ticks))
    results = slow.rewrite_line(LINE + ("第三句。",), "热情", accept=lambda s: True)
    # 1st: generated by t=2, within 3.5. 2nd: started at t=3, done at t=4: cut short, not used.
    # 3rd: t=5, the budget is spent before it starts.
    assert [r.reason for r in results] == ["accepted", "timeout", "timeout"]
    assert [r.text for r in results][1:] == [LINE[1], "第三句。"]
    assert results[1].candidates and not results[2].candidates


def test_a_missing_model_directory_is_named_in_the_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(RewriterLoadError, match=str(missing)):
        LlmRewriter.load(RewriterConfig(model_path=str(missing)))


def test_a_broken_model_directory_is_named_in_the_error_and_never_reaches_a_hub(tmp_path, monkeypatch):
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(RewriterLoadError, match=str(broken)):
        LlmRewriter.load(RewriterConfig(model_path=str(broken)))
    import os
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_load_rewriter_logs_and_returns_none_when_the_model_cannot_load(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="stream.llm_rewriter"):
        assert load_rewriter(RewriterConfig(model_path=str(tmp_path / "gone"))) is None
    assert str(tmp_path / "gone") in caplog.text
    assert load_rewriter(None) is None


@pytest.mark.parametrize("candidate, original, new", [
    ("现在只要89元", "到手价89元", False),
    ("现在只要八十九元", "到手价89元", False),
    ("现在只要89.0元", "到手价89元", False),
    ("现在只要99元", "到手价89元", True),
    ("满两百减三十", "满199减30", True),
    ("七天无理由", "支持7天无理由退货", False),
])
def test_number_check(candidate, original, new):
    assert introduces_numbers(candidate, original) is new


def test_numbers_in_reads_chinese_numerals():
    assert numbers_in("两万毫安，八十九元") == {"20000", "89"}
