import json

import pytest

from policycycle.analysis import evaluation


def test_a_directory_without_the_layout_is_refused_with_the_missing_files(tmp_path):
    (tmp_path / "question.json").write_text("{}")
    with pytest.raises(FileNotFoundError, match="responses.jsonl, themes.json, mapping.jsonl"):
        evaluation.read_labelled_set(tmp_path)


def test_evaluation_reports_every_metric_and_null_for_absent_files(polis_set):
    result = evaluation.evaluate(polis_set, engine="basic")
    assert result["gold_themes"] == 9
    assert 1 <= result["discovered_themes"] <= 9
    assert 0.3 <= result["tagging_f1"] <= 1
    assert result["stance_accuracy"] is None and result["evidence_f1"] is None
    json.dumps(result)


def test_stance_and_evidence_files_are_scored_when_present(tmp_path):
    path = evaluation.build_regulation_room_set(tmp_path / "rr", limit=120)
    with open(path / "sentiment.jsonl", "w") as fh:
        for line in (path / "responses.jsonl").read_text().splitlines()[:10]:
            fh.write(
                json.dumps({"response_id": json.loads(line)["response_id"], "position": "unclear"}) + "\n"
            )
    result = evaluation.evaluate(path, engine="basic", seed_per_theme=5)
    assert result["gold_themes"] == 2
    assert result["evidence_f1"] is not None and result["evidence_f1"] >= 0.6
    assert result["stance_accuracy"] is not None and 0 <= result["stance_accuracy"] <= 1


def test_positions_written_as_agreement_or_disagreement_are_read_as_stances(tmp_path):
    path = evaluation.build_regulation_room_set(tmp_path / "rr", limit=12)
    ids = [json.loads(line)["response_id"] for line in (path / "responses.jsonl").read_text().splitlines()]
    positions = ["AGREEMENT", "Disagreement", "unclear", "mixed"]
    with open(path / "sentiment.jsonl", "w") as fh:
        for rid, pos in zip(ids, positions, strict=False):
            fh.write(json.dumps({"response_id": rid, "position": pos}) + "\n")
    ls = evaluation.read_labelled_set(path)
    assert [ls.stance[r] for r in ids[:4]] == ["agree", "disagree", "unclear", "mixed"]


def test_the_recommended_engine_is_embeddings_until_runs_get_very_large():
    from policycycle.analysis import recommended_engine

    assert recommended_engine(1_000) == "embeddings"
    assert recommended_engine(100_000) == "basic"
