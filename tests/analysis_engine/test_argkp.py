"""ArgKP in the evaluation module: the loader, the split guard and the strict metric (no model: the
vectors below are built from the gold labels, so the expected figures follow from the rules)."""

import numpy as np
import pytest

from policycycle.analysis import argkp, evaluation


def test_the_dev_split_loads_every_argument_with_its_gold_key_points():
    topics = argkp.load_split("dev")
    assert len(topics) == 4
    assert sum(len(t.arguments) for t in topics) == 932
    assert sum(len(t.key_points) for t in topics) == 36
    assert sum(len(g) for t in topics for g in t.labels.values()) == 738  # pairs labelled 1
    uniform = next(t for t in topics if "school uniform" in t.topic)
    # An argument with no matching key point is kept, with no gold tags ("none of these").
    assert any(not g for g in uniform.labels.values())
    assert set(uniform.stance.values()) == {"agree", "disagree"}
    assert all(set(g) <= set(uniform.key_points) for g in uniform.labels.values())
    # Which pairs the annotators labelled at all (0 or 1), for the other scorings: every 1 is among them,
    # and each argument was judged only against its own stance's key points; the rest of those were
    # pairs the annotators were divided on.
    assert sum(len(j) for t in topics for j in t.judged.values()) == 738 + 2720
    assert all(t.labels[a] <= t.judged[a] for t in topics for a in t.arguments)
    for a in uniform.arguments:
        own = {k for k, (_, st) in uniform.key_points.items() if st == uniform.stance[a]}
        assert uniform.judged[a] | uniform.undecided(a) == own
    assert all(not uniform.judged[a] & uniform.undecided(a) for a in uniform.arguments)
    assert sum(len(t.undecided(a)) for t in topics for a in t.arguments) == 753


@pytest.mark.parametrize("split", ["test", "Test", "all", ""])
def test_the_test_split_and_anything_else_is_refused(split):
    with pytest.raises(ValueError, match="test split is kept apart"):
        argkp.load_split(split)
    with pytest.raises(ValueError, match="test split is kept apart"):
        evaluation.evaluate_argkp(split, ks=(0,), draws=1)


def _oracle(topic_of, noise=0.0):
    """Vectors that encode the gold: an argument is the normalised sum of its key points' one-hot
    vectors (a dimension of its own when it has none)."""

    def vectorise(texts):
        topic = topic_of(texts)
        kps = sorted(topic.key_points)
        dim = len(kps) + 1
        by_text = {}
        for arg_id, text in topic.arguments.items():
            v = np.zeros(dim)
            for kp in topic.labels[arg_id]:
                v[kps.index(kp)] = 1
            if not topic.labels[arg_id]:
                v[-1] = 1
            by_text.setdefault(text, v)
        for i, kp in enumerate(kps):
            v = np.zeros(dim)
            v[i] = 1
            by_text[topic.key_points[kp][0]] = v
        out = np.array([by_text[t] for t in texts], dtype=float)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return vectorise


def _topic_of_texts():
    topics = argkp.load_split("dev")

    def find(texts):
        return next(t for t in topics if texts[0] in t.arguments.values())

    return find


def test_vectors_that_encode_the_gold_score_exactly_what_the_strict_rules_say():
    """Zero-shot on vectors built from the gold: an argument with one key point matches it exactly
    (cosine 1), one with two sits at 0.71 from each (below the 0.8 threshold, so only its top one is kept),
    one with none is orthogonal to every key point (no tag, and none expected)."""
    topics = argkp.load_split("dev")
    vec = _oracle(_topic_of_texts())
    result = evaluation.evaluate_argkp("dev", ks=(0,), draws=1, vectorise=vec)
    per_topic = result["tagging"]["K=0"]["tagger"]["per_topic"]
    assert evaluation.ZERO_SHOT_THRESHOLD > 0.71
    for t in topics:
        with_gold = sum(1 for g in t.labels.values() if g)
        gold_pairs = sum(len(g) for g in t.labels.values())
        # Duplicated argument texts with different gold would cost precision; ArgKP dev has none that matter.
        assert per_topic[t.topic]["precision"]["mean"] == pytest.approx(1.0, abs=0.01)
        assert per_topic[t.topic]["recall"]["mean"] == pytest.approx(with_gold / gold_pairs, abs=0.01)


def test_tagging_everything_scores_the_strict_precision_of_the_gold():
    """Every key point on every argument: recall 1 and precision = gold pairs / all pairs, per topic."""
    topics = argkp.load_split("dev")
    find = _topic_of_texts()

    def flat(texts):
        return np.ones((len(texts), 3)) / np.sqrt(3)

    result = evaluation.evaluate_argkp("dev", ks=(0,), draws=1, vectorise=flat)
    per_topic = result["tagging"]["K=0"]["tagger"]["per_topic"]
    for t in topics:
        expected = sum(len(g) for g in t.labels.values()) / (len(t.arguments) * len(t.key_points))
        assert per_topic[t.topic]["precision"]["mean"] == pytest.approx(expected, abs=1e-4)
        assert per_topic[t.topic]["recall"]["mean"] == 1.0
    assert find  # the helper is shared with the oracle test
    # The same predictions under the other scorings: a tag on a pair the annotators were divided on is
    # not counted (one on the other stance's key points still is); then a tag on an argument that makes no
    # key point is not counted. Recall is the strict recall.
    other = result["other_scorings"]
    assert set(other) == set(evaluation.ARGKP_OTHER_SCORINGS)
    decided = other["undecided pairs left out"]["tagging"]["K=0"]["tagger"]["per_topic"]
    some = other["only arguments with a key point"]["tagging"]["K=0"]["tagger"]["per_topic"]
    for t in topics:
        gold_pairs = sum(len(g) for g in t.labels.values())
        divided = sum(len(t.undecided(a)) for a in t.arguments)
        counted = len(t.arguments) * len(t.key_points) - divided
        making = sum(1 for g in t.labels.values() if g)
        assert decided[t.topic]["precision"]["mean"] == pytest.approx(gold_pairs / counted, abs=1e-4)
        assert some[t.topic]["precision"]["mean"] == pytest.approx(
            gold_pairs / (making * len(t.key_points)), abs=1e-4
        )
        assert decided[t.topic]["recall"]["mean"] == some[t.topic]["recall"]["mean"] == 1.0


def test_draws_confirm_k_arguments_per_theme_with_all_their_themes():
    import random

    gold = [{"a"}, {"a", "b"}, {"b"}, set(), {"a"}, {"c"}]
    ex = evaluation.draw_examples(gold, ["a", "b", "c"], 1, random.Random(0))
    rows = {i for v in ex.values() for i in v}
    assert all({t for t, v in ex.items() if i in v} == gold[i] for i in rows)
    assert ex["c"] == [5] and ex["a"] and ex["b"]
    assert 3 not in rows


def test_stance_is_scored_against_the_gold_pro_and_con_per_topic():
    result = evaluation.evaluate_argkp(
        "dev", ks=(0,), draws=1, vectorise=lambda texts: np.ones((len(texts), 2))
    )
    stance = result["stance"]
    assert set(stance["per_topic"]) == set(result["topics"])
    for v in stance["per_topic"].values():
        assert 0 <= v["accuracy"] <= 1 - v["unclear"] + 1e-9  # an "unclear" answer is never right
    mean = np.mean([v["accuracy"] for v in stance["per_topic"].values()])
    assert stance["accuracy"]["mean"] == pytest.approx(mean, abs=1e-4)


def test_setfit_is_left_out_with_a_reason_when_it_cannot_run(monkeypatch):
    """SetFit tunes the sentence model, so given vectors leave it out, and so does a machine without the
    bench extra; either way the figures say why, and the other methods are still measured."""
    import sys

    flat = lambda texts: np.ones((len(texts), 3)) / np.sqrt(3)  # noqa: E731
    result = evaluation.evaluate_argkp("dev", ks=(1,), draws=1, vectorise=flat)
    assert "vectors were given" in result["skipped"]["setfit"]
    assert set(result["tagging"]["K=1"]) == {"tagger", "heads", "logreg"}
    monkeypatch.setitem(sys.modules, "setfit", None)  # import setfit now raises ImportError
    assert "make bench" in evaluation.setfit_unavailable()
    assert evaluation.evaluate_argkp("dev", ks=(0,), draws=1, vectorise=flat)["skipped"] == {
        "llm": evaluation.LLM_NOT_CONFIGURED
    }


def test_the_pair_scorer_is_fitted_on_train_topics_and_chosen_on_topics_it_did_not_learn_from():
    """fit_pair_model on two train topics with vectors that encode the gold: one topic's model scores the
    other (leave-topics-out); it learns to tag what the gold says, above the heads alone."""
    from policycycle.analysis.tagging import PAIR_FEATURES

    topics = argkp.load_split("train")[:2]

    def find(texts):
        return next(t for t in topics if texts[0] in t.arguments.values())

    out = evaluation.fit_pair_model(
        topics, settings={"ks": (5,), "folds": 2}, vectorise=_oracle(find), log=None
    )
    assert len(out["coef"]) == len(PAIR_FEATURES)
    assert out["threshold"] in evaluation.PAIR_FIT["thresholds"]
    assert out["keep_top"] in evaluation.PAIR_FIT["keep_tops"]
    assert out["cv_f1"]["K=5"] >= 0.9
    assert out["cv_f1"]["K=5"] > out["cv_f1_heads_alone"]["K=5"]


def test_the_second_stage_is_fitted_on_the_pair_scorers_and_the_neighbours_features():
    """fit_pair_model(neighbours=True): the features are the pair scorer's and NEIGHBOUR_FEATURES, and on
    vectors that encode the gold it learns to tag what the gold says, above the heads alone."""
    from policycycle.analysis.tagging import NEIGHBOUR_FEATURES, PAIR_FEATURES

    topics = argkp.load_split("train")[:2]

    def find(texts):
        return next(t for t in topics if texts[0] in t.arguments.values())

    rows = evaluation.pair_examples(topics, ks=(5,), vectorise=_oracle(find), neighbours=True)
    assert all(f.shape[-1] == len(PAIR_FEATURES) + len(NEIGHBOUR_FEATURES) for _, _, f, _, _ in rows)
    out = evaluation.fit_pair_model(
        topics,
        settings={"ks": (5,), "folds": 2},
        vectorise=_oracle(find),
        neighbours=True,
        log=None,
    )
    assert len(out["coef"]) == len(PAIR_FEATURES) + len(NEIGHBOUR_FEATURES)
    assert out["cv_f1"]["K=5"] > out["cv_f1_heads_alone"]["K=5"]


class _SideOracle:
    """A stance model that reads each argument's gold side (logit +-3), for the tests."""

    def __init__(self):
        self.side = {t.arguments[i]: t.stance[i] for t in argkp.load_split("dev") for i in t.arguments}

    def logits(self, proposals, texts, **kw):
        return np.array([3.0 if self.side[t] == "agree" else -3.0 for t in texts])


def test_with_a_stance_model_the_tagger_is_measured_with_and_without_the_sides():
    """The tagger given each argument's side (the consultation's head on the drawn arguments' stance),
    beside the same tagger without stance and with the general model's sides alone, on the same draws.
    The vectors encode the gold, except that the n-th key point of each side shares one dimension: only
    the side tells them apart, so knowing it keeps the other side's key point off."""
    find = _topic_of_texts()

    def sided(texts):
        topic = find(texts)
        dim = {}
        for side in ("agree", "disagree"):
            kps = sorted(k for k, (_, st) in topic.key_points.items() if st == side)
            dim.update({k: n for n, k in enumerate(kps)})
        width = max(dim.values()) + 2
        by_text = {}
        for arg_id, text in topic.arguments.items():
            v = np.zeros(width)
            for kp in topic.labels[arg_id]:
                v[dim[kp]] = 1
            if not topic.labels[arg_id]:
                v[-1] = 1
            by_text.setdefault(text, v)
        for kp, (text, _) in topic.key_points.items():
            by_text[text] = np.eye(width)[dim[kp]]
        out = np.array([by_text[t] for t in texts], dtype=float)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    # without the second stage, which these vectors (identical for every argument of the same key points,
    # both sides alike) do not suit: the sides' effect alone
    result = evaluation.evaluate_argkp(
        "dev",
        ks=(3,),
        draws=1,
        vectorise=sided,
        setfit=False,
        stance_model=_SideOracle(),
        tagger_options={"neighbours": False},
    )
    methods = result["tagging"]["K=3"]
    assert set(methods) == {"tagger", "tagger (no stance)", "tagger (machine stance)", "heads", "logreg"}
    assert methods["tagger"]["precision"]["mean"] > methods["tagger (no stance)"]["precision"]["mean"] + 0.02
    assert methods["tagger"]["f1"]["mean"] > methods["tagger (no stance)"]["f1"]["mean"]
    assert result["stance"]["methods"]["learned K=0"]["accuracy"]["mean"] == 1.0


def test_with_stance_and_neighbours_every_variant_of_the_tagger_is_measured_on_the_same_draws():
    """The product's tagger (sides and second stage) beside it without the second stage, without stance
    and with the general model's sides; without neighbours (given vectors, the packaged model's, or
    asked for), "tagger" is already that."""
    topic = argkp.load_split("dev")[:1]
    flat = _oracle(lambda texts: topic[0])
    logits = {topic[0].topic: np.zeros(len(topic[0].arguments))}
    runs = evaluation._argkp_runs(topic, (1,), 1, False, {"neighbours": True}, flat, None, None, logits)
    assert set(runs["K=1"]) == {
        "tagger",
        "tagger (no neighbours)",
        "tagger (no stance)",
        "tagger (machine stance)",
        "heads",
        "logreg",
    }
    lone = evaluation._argkp_runs(topic, (1,), 1, False, None, flat, None, None, logits)
    assert "tagger (no neighbours)" not in lone["K=1"]
    assert lone["K=1"]["tagger"] == runs["K=1"]["tagger (no neighbours)"]


def test_the_review_screen_offers_a_themes_least_sure_machine_tags_that_nobody_answered():
    """As insights.selectors.least_sure_tags orders them: the theme's machine tags (not the rows below its
    threshold), confidence nearest 0.5 first, none already answered, at most REVIEW_BATCH."""
    import random

    from insights.selectors import CHECK_NEXT

    assert evaluation.REVIEW_BATCH == CHECK_NEXT
    probs = np.array([[0.9], [0.55], [0.44], [0.7], [0.52], [0.6], [0.65], [0.8]])
    chosen = probs >= 0.5
    decided = {4}
    offer = evaluation._offered
    assert offer(probs, chosen, 0, decided, "least sure", None) == [1, 5, 6, 3, 7]
    assert offer(probs, chosen, 0, decided, "either side", None) == [1, 2, 5, 6, 3]
    assert offer(probs, chosen, 0, decided, "most likely", None) == [0, 7, 3, 6, 5]
    rows = offer(probs, chosen, 0, decided, "random", random.Random(0))
    assert len(rows) == 5 and set(rows) <= {0, 1, 3, 5, 6, 7}
    with pytest.raises(ValueError, match="unknown order"):
        offer(probs, chosen, 0, decided, "best", None)


def _near_miss(topic_of):
    """The gold vectors, except that an argument with no key point leans on one of its topic's key points
    (0.9 of it, 0.44 of a dimension of its own): the tagger tags it, and only a rejection shows it wrong."""
    gold = _oracle(topic_of)

    def vectorise(texts):
        topic = topic_of(texts)
        out = gold(texts)
        kps = sorted(topic.key_points)
        none = {t for a, t in topic.arguments.items() if not topic.labels[a]}
        for n, text in enumerate(texts):
            if text in none:
                out[n] = 0.0
                out[n, n % len(kps)], out[n, -1] = 0.9, 0.44
        return out

    return vectorise


def test_review_answers_are_recorded_as_the_product_records_them(monkeypatch):
    """A confirmed offer is a confirmed example and a checked response (a negative of the other themes),
    a rejected one a negative of that theme only; answers follow the gold; the drawn rows are never
    offered; stance is set for the responses confirmed."""
    import random

    topic = argkp.load_split("dev")[0]
    ids = sorted(topic.arguments)
    texts = [topic.arguments[i] for i in ids] + [topic.key_points[k][0] for k in sorted(topic.key_points)]
    vecs = _near_miss(lambda _: topic)(texts)
    kps = sorted(topic.key_points)
    theme_vecs = dict(zip(kps, vecs[len(ids) :], strict=True))
    vectors = vecs[: len(ids)]
    gold = [topic.labels[i] for i in ids]
    examples = evaluation.draw_examples(gold, kps, 2, random.Random(0))
    drawn = {i for rows in examples.values() for i in rows}
    calls, stance_rows = [], []
    real = evaluation.train_tagger
    monkeypatch.setattr(evaluation, "train_tagger", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    per_round, decided, given = evaluation._review_rounds(
        vectors, theme_vecs, gold, examples, 2, "least sure", None, stances_for=stance_rows.append
    )
    answers = [a for a, _ in given]
    assert len(per_round) == len(calls) == 3 and answers[0] == 0 < answers[1] <= answers[2]
    assert answers[1] <= evaluation.REVIEW_BATCH
    rejected_pairs = sum(len(rows) for rows in calls[-1]["rejected"].values())
    assert given[2][1] * len(topic.key_points) == pytest.approx(rejected_pairs)
    last = calls[-1]
    confirmed = {(i, t) for t, rows in examples.items() for i in rows}
    new = set(last["checked"]) - drawn
    assert new and all(gold[i] for i in new)  # confirmed in review: each makes a key point
    assert any(last["rejected"].values())
    assert all(
        i not in gold_rows
        for t, rows in last["rejected"].items()
        for i in rows
        for gold_rows in [{j for j, g in enumerate(gold) if t in g}]
    )
    assert decided == set(last["checked"]) | {i for rows in last["rejected"].values() for i in rows}
    assert drawn <= decided and confirmed  # the drawn rows stay confirmed, and were not answered again
    assert stance_rows[0] == sorted(drawn) and set(stance_rows[-1]) == set(last["checked"])


def test_review_rounds_are_scored_for_both_orders_on_the_same_arguments():
    """Round 0 is the K draw's tagger, the same for both orders, and every round of both is scored on
    the same arguments; answers accumulate round by round."""
    vec = _near_miss(_topic_of_texts())
    out = evaluation.argkp_review("dev", rounds=2, draws=1, k=2, vectorise=vec, stance=False)
    rounds = out["tagging"]
    assert list(rounds) == ["round 0", "round 1", "round 2"]
    assert set(rounds["round 0"]) == set(evaluation.REVIEW_ORDERS)
    first = rounds["round 0"]
    assert first["least sure"]["f1"] == first["random"]["f1"] and first["least sure"]["answers"] == 0
    for order in evaluation.REVIEW_ORDERS:
        assert rounds["round 2"][order]["answers"] > rounds["round 1"][order]["answers"] > 0
        assert 0 < rounds["round 2"][order]["rejections"] <= rounds["round 2"][order]["answers"]
    assert out["scored_arguments"]["mean"] > 0
    with pytest.raises(ValueError, match="at least 1"):
        evaluation.argkp_review("dev", rounds=0, vectorise=vec, stance=False)
    with pytest.raises(ValueError, match="test split is kept apart"):
        evaluation.argkp_review("test", vectorise=vec, stance=False)
