"""The analyse and evaluate_analysis commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights.models import AnalysisRun, Theme

pytestmark = pytest.mark.django_db


def test_analyse_runs_synchronously_with_a_text_progress_bar(consultation, real_comments):
    out = StringIO()
    call_command("analyse", consultation.slug, "--engine", "basic", stdout=out)
    text = out.getvalue()
    run = AnalysisRun.objects.get()
    assert run.state == "done" and Theme.objects.filter(run=run).exists()
    assert "[" in text and "100%" in text and f"Run {run.pk} (basic) done" in text
    assert f"{len(real_comments)} responses" in text


def test_analyse_refuses_an_unknown_consultation_or_scope(consultation):
    with pytest.raises(CommandError, match="No consultation"):
        call_command("analyse", "no-such-thing")
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("analyse", consultation.slug, "--scope", "clause:missing")
    assert not AnalysisRun.objects.exists()


def test_analyse_queue_hands_the_run_to_the_worker(
    consultation, real_comments, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("analyse", consultation.slug, "--queue", stdout=out)
    run = AnalysisRun.objects.get()
    assert f"Run {run.pk} ({run.engine}) queued" in out.getvalue()
    assert run.state == "done"  # in-process here; a real worker in CI (test_worker.py)


def test_evaluate_analysis_prints_one_json_object_with_the_figures(tmp_path):
    from policycycle.analysis.evaluation import build_polis_topics_set

    directory = build_polis_topics_set(tmp_path / "set", per_theme=15)
    out = StringIO()
    call_command(
        "evaluate_analysis", str(directory), "--engine", "basic", "--seed-per-theme", "3", stdout=out
    )
    figures = json.loads(out.getvalue())
    for key in (
        "gold_themes",
        "discovered_themes",
        "tagging_precision",
        "tagging_recall",
        "tagging_f1",
        "stance_accuracy",
        "evidence_f1",
    ):
        assert key in figures
    assert figures["gold_themes"] >= 2 and 0 <= figures["tagging_f1"] <= 1
    assert figures["stance_accuracy"] is None  # no sentiment.jsonl in this set


def test_evaluate_analysis_refuses_a_directory_that_is_not_a_labelled_set(tmp_path):
    with pytest.raises(CommandError, match="not a labelled set"):
        call_command("evaluate_analysis", str(tmp_path))


def test_evaluate_analysis_names_the_missing_required_files(tmp_path):
    from policycycle.analysis.evaluation import build_polis_topics_set

    directory = build_polis_topics_set(tmp_path / "set", per_theme=5)
    (directory / "question.json").unlink()
    (directory / "mapping.jsonl").unlink()
    with pytest.raises(CommandError, match="missing question.json, mapping.jsonl"):
        call_command("evaluate_analysis", str(directory), "--engine", "basic")


def test_evaluate_analysis_refuses_a_broken_line_with_a_message(tmp_path):
    from policycycle.analysis.evaluation import build_polis_topics_set

    directory = build_polis_topics_set(tmp_path / "set", per_theme=5)
    with open(directory / "responses.jsonl", "a") as fh:
        fh.write("{not json\n")
    with pytest.raises(CommandError, match="Could not evaluate"):
        call_command("evaluate_analysis", str(directory), "--engine", "basic")


def test_evaluate_analysis_with_llm_needs_an_endpoint(settings, tmp_path):
    settings.LLM_BASE_URL = ""
    with pytest.raises(CommandError, match="needs an endpoint"):
        call_command("evaluate_analysis", str(tmp_path), "--engine", "llm")


@pytest.mark.parametrize("split", ["test", "validation"])
def test_evaluate_analysis_refuses_argkp_splits_other_than_train_and_dev(split):
    with pytest.raises(CommandError, match="test split is kept apart"):
        call_command("evaluate_analysis", "--argkp", split)


def test_evaluate_analysis_argkp_table_names_every_topic_and_the_spread():
    from insights.management.commands.evaluate_analysis import argkp_table

    v = {"mean": 0.5, "sd": 0.02}
    figures = {
        "split": "dev",
        "topics": ["t1", "t2"],
        "arguments": 10,
        "draws": 5,
        "vectors": "packaged MiniLM",
        "scoring": "strict",
        "tagging": {
            "K=5": {
                m: {"precision": v, "recall": v, "f1": v, "per_topic": {"t1": {"f1": v}, "t2": {"f1": v}}}
                for m in ("tagger", "logreg")
            }
        },
    }
    text = "\n".join(argkp_table(figures))
    assert "0.500 ± 0.020" in text and "logreg" in text and "t1" in text and "t2" in text
    assert "undecided pairs" not in text
    w = {"mean": 0.71, "sd": 0.03}
    figures["other_scorings"] = {
        "undecided pairs left out": {
            "what": "a pair the annotators were divided on is neither right nor wrong",
            "tagging": {"K=5": {"tagger": {"precision": w, "recall": v, "f1": w}}},
        }
    }
    text = "\n".join(argkp_table(figures))
    other = text[text.index("tagging scored with undecided pairs left out") :]
    assert "the annotators were divided on is neither" in other and "0.710 ± 0.030" in other
    assert "0.710 ± 0.030" not in text[: text.index("tagging scored with undecided pairs left out")]


def test_evaluate_analysis_discovery_table_prints_each_method_beside_the_other_or_why_it_did_not_run():
    from insights.management.commands.evaluate_analysis import discovery_table

    figures = {
        "split": "dev",
        "topics": ["t1"],
        "vectors": "packaged MiniLM",
        "gold_themes": 9,
        "seeds": 5,
        "scoring": "best match",
        "methods": {
            "engine": {
                "best_match_f1": {"mean": 0.31, "sd": 0.01},
                "theme_f1": {"mean": 0.33, "sd": 0.02},
                "themes": 7.8,
                "per_topic": {"t1": {"mean": 0.31, "sd": 0.01}},
            },
            "bertopic": {"unavailable": "No module named 'bertopic' (pip install '.[bench]')"},
        },
    }
    text = "\n".join(discovery_table(figures))
    assert "best-match F1" in text and "0.310 ± 0.010" in text and "7.8 themes" in text
    assert "theme F1 0.330 ± 0.020" in text
    assert "bertopic  not run: No module named 'bertopic'" in text and "t1" in text


def test_evaluate_analysis_argkp_prints_every_baseline_or_why_it_was_not_run():
    from insights.management.commands.evaluate_analysis import argkp_table

    v = {"mean": 0.5, "sd": 0.02}
    row = {"precision": v, "recall": v, "f1": v, "per_topic": {"t1": {"f1": v}}}
    figures = {
        "split": "dev",
        "topics": ["t1"],
        "arguments": 10,
        "draws": 5,
        "vectors": "packaged MiniLM",
        "scoring": "strict",
        "tagging": {"K=5": {"tagger": row, "logreg": row, "setfit": row}},
        "skipped": {},
        "setfit_settings": {"num_iterations": 5},
    }
    text = "\n".join(argkp_table(figures))
    assert "setfit" in text and "num_iterations" in text and "not run" not in text
    del figures["tagging"]["K=5"]["setfit"]
    figures["skipped"] = {"setfit": "SetFit is not installed (setfit missing)"}
    text = "\n".join(argkp_table(figures))
    assert "setfit: not run: SetFit is not installed (setfit missing)" in text


def test_evaluate_analysis_review_table_prints_each_round_of_each_order_with_the_answers_given():
    from insights.management.commands.evaluate_analysis import review_table

    v = {"mean": 0.61, "sd": 0.01}

    def row(answers):
        return {
            "precision": v,
            "recall": v,
            "f1": v,
            "answers": answers,
            "rejections": answers / 2,
            "per_topic": {"t1": {"f1": v}},
        }

    figures = {
        "split": "dev",
        "k": 5,
        "rounds": 1,
        "draws": 5,
        "batch": 5,
        "scored_arguments": {"mean": 151.4, "sd": 9.0},
        "scoring": "same arguments",
        "tagging": {
            "round 0": {"least sure": row(0.0), "random": row(0.0)},
            "round 1": {"least sure": row(4.2), "random": row(4.1)},
        },
    }
    text = "\n".join(review_table(figures))
    assert "K = 5, then 1 rounds of 5 offered tags per theme" in text and "151 arguments" in text
    import re

    assert re.search(r"round 1 +least sure +4\.2 +2\.1 +0\.610", text) and re.search(
        r"round 1 +random +4\.1 ", text
    )
    assert "0.610 ± 0.010  t1" in text and "review scoring: same arguments" in text


def test_evaluate_analysis_refuses_a_negative_number_of_review_rounds():
    with pytest.raises(CommandError, match="--review takes a number of rounds"):
        call_command("evaluate_analysis", "--argkp", "dev", "--review", "-1")


def test_evaluate_analysis_json_is_one_json_object_whatever_the_libraries_print(monkeypatch, capsys):
    """SetFit's trainer prints a dict of its loss at each step: those lines go to stderr, and standard
    output holds only the JSON of the figures."""
    from policycycle.analysis import evaluation

    def noisy(split, **kwargs):
        print({"embedding_loss": "0.2434", "epoch": "0.1667"})  # what SetFit's trainer prints
        return {"split": split, "tagging": {}, "skipped": {}}

    monkeypatch.setattr(evaluation, "evaluate_argkp", noisy)
    call_command("evaluate_analysis", "--argkp", "dev", "--json", "--no-discovery", "--no-llm")
    out, err = capsys.readouterr()
    assert json.loads(out) == {"split": "dev", "tagging": {}, "skipped": {"llm": "left out (--no-llm)"}}
    assert "embedding_loss" in err
