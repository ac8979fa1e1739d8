"""LLM polish in the show: rewrites come from a worker, are cached, and pass the guard first."""
import dataclasses

import transformers  # noqa: F401  (a test dependency: the polish path is always tested)

from script.director import Director, DirectorConfig, PlaybackFinished, Say, ShowStarted
from script.lines import Line, Priority
from stream.catalog_file import load_catalog_file
from stream.llm_rewriter import LlmRewriter, RewriterConfig
from stream.persona_bundle import load_persona
from stream.polish import BackgroundPolisher
from tests.test_llm_rewriter import build_tiny_model

CATALOG = load_catalog_file("tests/data/three_products.yaml")


def polisher(tmp_path, token):
    model = build_tiny_model(tmp_path / token, token)
    return BackgroundPolisher(LlmRewriter.load(RewriterConfig(model_path=str(model), max_new_tokens=3)), "热情")


def test_first_visit_says_the_original_and_later_visits_the_cached_rewrite(tmp_path):
    polish = polisher(tmp_path, "好")
    line = Line("l1", Priority.RUNDOWN, ("高山茶园，可冲泡7次。", "家人们看过来！"), "A1001")
    assert polish(line) is line  # not ready yet: the show never waits
    assert polish.wait_idle(timeout=60)
    rewritten = polish(line)
    assert rewritten.sentences != line.sentences and all("好" in s for s in rewritten.sentences)
    assert dataclasses.replace(rewritten, sentences=line.sentences) == line
    polish.close()


def test_a_rewrite_that_adds_a_number_is_never_used(tmp_path):
    polish = polisher(tmp_path, "9")
    line = Line("l1", Priority.RUNDOWN, ("直播间到手价89元。",), "A1001")
    polish(line)
    assert polish.wait_idle(timeout=60)
    assert polish(line).sentences == line.sentences
    polish.close()


def test_the_director_uses_cached_rewrites_and_the_show_goes_on_meanwhile(tmp_path):
    polish = polisher(tmp_path, "好")
    style = load_persona("default").style
    director = Director(CATALOG, style, polisher=polish, config=DirectorConfig(disclosure_every_s=10_000))
    line = [a.line for a in director.feed(ShowStarted(), 0.0) if isinstance(a, Say)][0]
    said = []
    t = 1.0
    for _ in range(30):
        line = [a.line for a in director.feed(PlaybackFinished(line.line_id, len(line.sentences), False), t)
                if isinstance(a, Say)][0]
        said.append(line)
        t += 5.0
    assert polish.wait_idle(timeout=60) and polish.rewritten > 0
    polish.close()


def test_the_demo_command_runs_with_a_local_model_and_refuses_a_missing_one(tmp_path, caplog):
    from stream.cli import main
    model = build_tiny_model(tmp_path / "hao", "好")
    assert main(["demo", "--seconds", "2", "--out", str(tmp_path / "a.mp4"), "--no-embeddings",
                 "--llm-model", str(model)]) == 0
    assert main(["demo", "--seconds", "1", "--out", str(tmp_path / "b.mp4"), "--no-embeddings",
                 "--llm-model", str(tmp_path / "missing")]) == 0  # the show goes on without rewrites
    assert any(str(tmp_path / "missing") in r.getMessage() for r in caplog.records)
