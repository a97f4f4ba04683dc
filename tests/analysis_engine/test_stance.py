"""The learned stance's interface: proposals turned round for training, the decision with its "unclear"
band, the per-consultation head on officials' labels, and the fallback to the rule-based cues."""

from __future__ import annotations

import numpy as np
import pytest

from policycycle.analysis import enrich, stance


def test_a_proposal_is_turned_round_at_its_first_modal_and_back():
    assert stance.negate("We should ban human cloning") == "We should not ban human cloning"
    assert stance.negate("We should not ban human cloning") == "We should ban human cloning"
    assert (
        stance.negate("The vow of celibacy should be abandoned")
        == "The vow of celibacy should not be abandoned"
    )
    assert stance.negate("Cheaper buses for everyone") is None


def test_training_examples_pair_each_argument_with_its_topic_and_the_flip_turns_the_label_round():
    from policycycle.analysis.argkp import Topic

    topic = Topic(
        "We should ban cars",
        {"a1": "Cars pollute.", "a2": "People need to get to work."},
        {"a1": "agree", "a2": "disagree"},
        {},
    )
    examples = stance.training_examples([topic])
    assert examples == [
        ("We should ban cars", "Cars pollute.", 1.0),
        ("We should ban cars", "People need to get to work.", 0.0),
    ]
    assert stance._flipped(examples) == [
        ("We should not ban cars", "Cars pollute.", 0.0),
        ("We should not ban cars", "People need to get to work.", 1.0),
    ]


def test_decide_answers_unclear_inside_the_band_and_label_keeps_explicit_mixed():
    band = (0.35, 0.65)
    assert stance.decide(0.7, band=band) == "agree"
    assert stance.decide(0.3, band=band) == "disagree"
    assert stance.decide(0.5, band=band) == "unclear"
    # The default answers one way or the other, as measured.
    assert stance.decide(0.51) == "agree" and stance.decide(0.49) == "disagree"
    assert stance.label(0.5, "mixed") in ("agree", "disagree")


def test_adapt_keeps_the_general_model_until_there_are_enough_labels_of_both_stances():
    logits = np.array([2.0, 1.0, -1.0, 0.5])
    p = stance.adapt(logits, np.zeros((4, 0)), {0: "agree"})
    assert p[0] == 1.0
    assert np.allclose(p[1:], stance.probability(logits[1:]))
    few_kinds = dict.fromkeys(range(4), "agree")
    assert np.all(stance.adapt(logits, np.zeros((4, 0)), few_kinds) == 1.0)


def test_adapt_learns_a_consultation_where_the_general_model_is_wrong_way_round():
    # The general model says the opposite of what this consultation's officials say: its head learns it.
    rng = np.random.default_rng(0)
    truth = rng.random(60) < 0.5
    logits = np.where(truth, -2.0, 2.0) + rng.normal(0, 0.5, 60)
    labelled = {i: ("agree" if truth[i] else "disagree") for i in range(12)}
    assert len(set(labelled.values())) == 2
    p = stance.adapt(logits, np.zeros((60, 0)), labelled)
    before = np.mean((stance.probability(logits[12:]) > 0.5) == truth[12:])
    after = np.mean((p[12:] > 0.5) == truth[12:])
    assert before < 0.2 and after > 0.8
    assert all(p[i] == (1.0 if truth[i] else 0.0) for i in range(12))


def test_adapt_learns_what_each_side_talks_about_from_the_vectors_and_the_nearest_labelled_rows():
    # Four tight groups of responses (two arguments per side, XOR-like: no straight line parts the sides)
    # and a general model that knows nothing here (logit 0): the nearest labelled rows decide.
    rng = np.random.default_rng(1)
    centres = np.array([[1, 1, 0, 0], [-1, -1, 0, 0], [1, -1, 0, 0], [-1, 1, 0, 0]], dtype=float)
    side = np.array([True, True, False, False])
    group = np.repeat(np.arange(4), 20)
    vectors = centres[group] + rng.normal(0, 0.1, (80, 4))
    truth = side[group]
    labelled = {i: ("agree" if truth[i] else "disagree") for g in range(4) for i in range(g * 20, g * 20 + 3)}
    rest = [i for i in range(80) if i not in labelled]
    logits = np.zeros(80)
    p = stance.adapt(logits, vectors, labelled)
    assert np.mean((p[rest] > 0.5) == truth[rest]) == 1.0
    linear_only = stance.adapt(logits, vectors, labelled, settings={"knn_weight": 0.0})
    assert np.mean((linear_only[rest] > 0.5) == truth[rest]) < 0.9


def test_without_a_built_model_enrichment_uses_the_rules_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("DHD_STANCE", raising=False)
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    assert stance.stance_path() is None and stance.StanceModel.load() is None
    e = enrich.enrich("I strongly support this clause.", clause_text="Buses should be free")
    assert (e.stance, e.stance_logit) == ("agree", None)
    assert stance.stance_method() == "rules"
    assert "17 to 22 %" in stance.stance_caveat()
    assert "corrections here teach it" not in stance.stance_caveat()  # the rules learn nothing


def test_a_built_model_is_found_unless_rules_are_asked_for(tmp_path, monkeypatch):
    monkeypatch.delenv("DHD_STANCE", raising=False)
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    target = stance.target_dir()
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"")
    assert stance.stance_path() == target
    monkeypatch.setenv("DHD_STANCE", "rules")
    assert stance.stance_path() is None


class _Fake:
    def __init__(self, logit):
        self.logit, self.seen = logit, []

    def logits(self, proposals, texts):
        self.seen.append((list(proposals), list(texts)))
        return np.array([self.logit] * len(texts))


@pytest.mark.parametrize(("logit", "expected"), [(3.0, "agree"), (-3.0, "disagree"), (-0.1, "disagree")])
def test_with_a_model_enrichment_asks_it_about_the_proposal(monkeypatch, logit, expected):
    fake = _Fake(logit)
    monkeypatch.setattr(stance.StanceModel, "load", classmethod(lambda cls, path=None: fake))
    e = enrich.enrich("Cars pollute the air we breathe.", clause_text="We should ban cars")
    assert (e.stance, e.stance_logit) == (expected, logit)
    assert fake.seen == [(["We should ban cars"], ["Cars pollute the air we breathe."])]
    # No proposal to take a stance toward: the rules, and the model is not asked.
    assert enrich.enrich("Cars pollute the air we breathe.").stance_logit is None
    assert len(fake.seen) == 1


def test_the_caveat_gives_the_consultations_own_check_once_officials_have_checked_enough():
    assert "have checked at least" in stance.stance_caveat(checked=5, agreed=5, method="rules")
    text = stance.stance_caveat(checked=40, agreed=30)
    assert "40 responses" in text and "75 %" in text


def test_argkp_stance_scores_the_learned_model_and_the_consultations_head_on_the_tagging_draws():
    from policycycle.analysis import argkp, evaluation

    topic = argkp.load_split("dev")[0]
    gold = {topic.arguments[i]: topic.stance[i] for i in topic.arguments}

    class WrongWayRound:  # a general model that reads every argument the wrong way round
        def logits(self, proposals, texts):
            assert set(proposals) == {topic.topic}
            return np.array([-2.0 if gold[x] == "agree" else 2.0 for x in texts])

    result = evaluation.argkp_stance(
        [topic], ks=(0, 5), draws=2, model=WrongWayRound(), vectorise=lambda t: np.ones((len(t), 3))
    )
    methods = result["methods"]
    assert result["method"].startswith("learned")
    assert methods["learned K=0"]["accuracy"]["mean"] == 0.0
    # Officials' K = 5 confirmed examples per key point teach the head that this model is wrong way round.
    adapted = methods["learned + consultation (logit) K=5"]
    assert adapted["accuracy"]["mean"] == 1.0 and adapted["per_topic"][topic.topic]["accuracy_sd"] == 0.0
    majority = max(list(gold.values()).count(s) for s in ("agree", "disagree")) / len(gold)
    assert methods["majority (reference)"]["accuracy"]["mean"] == pytest.approx(majority, abs=1e-4)
    assert 0 <= methods["rules"]["accuracy"]["mean"] < 0.5


def test_a_tuned_model_is_saved_loaded_and_read_by_enrichment(tmp_path, monkeypatch):
    # One step on four pairs: the real tuning, saving and loading path, not a useful model.
    monkeypatch.delenv("DHD_STANCE", raising=False)
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    examples = [
        ("We should ban cars", "Cars pollute the air.", 1.0),
        ("We should ban cars", "People need cars to get to work.", 0.0),
        ("We should subsidise buses", "Buses are cheaper for everyone.", 1.0),
        ("We should subsidise buses", "Subsidies waste taxpayers' money.", 0.0),
    ]
    model, tokenizer = stance.train_model(examples, {"batch_size": 4, "flip": True})
    path = stance.StanceModel(model, tokenizer).save(stance.target_dir())
    assert stance.stance_path() == path
    loaded = stance.StanceModel.load()
    assert loaded is stance.StanceModel.load()  # once per process
    logits = loaded.logits([e[0] for e in examples], [e[1] for e in examples])
    assert logits.shape == (4,) and np.isfinite(logits).all()
    # Read in batches, shortest first, the answers come back in the order asked, as one at a time.
    one_by_one = [loaded.logits([p], [t])[0] for p, t, _ in examples]
    assert np.allclose(
        loaded.logits([e[0] for e in examples], [e[1] for e in examples], batch_size=3), one_by_one, atol=1e-4
    )
    e = enrich.enrich("Cars pollute the air.", clause_text="We should ban cars")
    assert e.stance_logit == pytest.approx(logits[0], abs=1e-3)
    assert e.stance == ("agree" if logits[0] >= 0 else "disagree")
    assert stance.stance_method() == "learned" and "72 to 90 %" in stance.stance_caveat()
    assert "checked, it was right for 90 % (\u00b1 0.6 points" in stance.stance_caveat()
    with pytest.raises(ValueError):
        loaded.logits(["one"], ["two", "three"])
