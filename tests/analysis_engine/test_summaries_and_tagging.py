import numpy as np
import pytest

from policycycle.analysis import evaluation
from policycycle.analysis.engines import BasicEngine
from policycycle.analysis.moderation import _vader
from policycycle.analysis.summaries import extractive_summary
from policycycle.analysis.tagging import agreement, train_tagger


def test_every_summary_sentence_cites_responses_that_contain_it(polis_set):
    ls = evaluation.read_labelled_set(polis_set)
    items = list(ls.responses.items())
    sentiments = {rid: _vader().polarity_scores(t)["compound"] for rid, t in items}
    summary = extractive_summary(items, scope="question:1", sentiments=sentiments)
    assert len(summary.sentences) == 3
    for sentence in summary.sentences + ([summary.minority] if summary.minority else []):
        assert sentence.citations
        for rid in sentence.citations:
            body = sentence.text.split("\u201c")[-1].rstrip("\u201d")
            assert body in ls.responses[rid]
    assert summary.minority is not None and summary.minority.text.startswith("A minority")


def test_campaign_copies_are_not_cited(injected):
    items = [(m, t) for m, t in injected.items if injected.campaign_of.get(m) == "campaign1"]
    copies = {m for m, _ in items[1:]}
    summary = extractive_summary(items, scope="t", skip_ids=copies)
    cited = {c for s in summary.sentences for c in s.citations}
    assert cited == {items[0][0]}


def test_agreement_is_f1_of_machine_tags_on_checked_responses():
    machine = [("a", "x"), ("a", "y"), ("b", "x"), ("c", "z")]
    human = [("a", "x"), ("b", "y")]
    result = agreement(machine, human)
    assert result.n == 2
    assert result.precision == pytest.approx(1 / 3, abs=1e-3)
    assert result.recall == 0.5
    assert result.f1 == pytest.approx(0.4, abs=1e-3)


def test_the_tagger_needs_two_themes():
    import numpy as np

    with pytest.raises(ValueError, match="two themes"):
        train_tagger({"a": [0, 1]}, np.eye(3))


def test_five_confirmed_examples_per_theme_tag_the_rest_better_than_chance(polis_set):
    ls = evaluation.read_labelled_set(polis_set)
    ids = list(ls.responses)
    vectors = BasicEngine().vectorise([ls.responses[r] for r in ids])
    topics = sorted(ls.themes)
    examples = {t: [i for i, r in enumerate(ids) if ls.labels[r] == [t]][:5] for t in topics}
    tagger = train_tagger(examples, vectors)
    seeded = {i for v in examples.values() for i in v}
    rest = [i for i in range(len(ids)) if i not in seeded]
    machine = [(ids[i], t) for i, row in zip(rest, tagger.tags(vectors[rest]), strict=True) for t, _ in row]
    human = [(ids[i], ls.labels[ids[i]][0]) for i in rest]
    # Chance with 9 themes is about 0.11. Measured 0.37 with the basic engine on this 25-per-theme set
    # (0.51 with 60 per theme); self-training raised it to about 0.55 here, where every theme is a
    # different conversation, but lowered F1 on every draw on realistic sets, so it is gone.
    assert agreement(machine, human).f1 >= 0.3


def _cluster(rng, centre, n, spread=0.15):
    import numpy as np

    x = centre[None, :] + spread * rng.standard_normal((n, len(centre)))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_response_confirmed_for_two_themes_trains_both_and_such_responses_get_both():
    """Responses that make points a and b together: confirmed for both, they teach both heads, and a
    new response like them is tagged with both (a softmax over themes splits them instead)."""
    import numpy as np

    rng = np.random.default_rng(0)
    e = np.eye(8)
    a, b, c = e[0], e[1], e[2]
    both = (a + b) / np.sqrt(2)
    vectors = np.vstack(
        [
            _cluster(rng, a, 5),
            _cluster(rng, b, 5),
            _cluster(rng, c, 5),
            _cluster(rng, both, 5),
            _cluster(rng, both, 20),
        ]
    )
    examples = {
        "a": [*range(0, 5), *range(15, 20)],
        "b": [*range(5, 10), *range(15, 20)],
        "c": list(range(10, 15)),
    }
    tagger = train_tagger(examples, vectors)
    new = vectors[20:]
    tagged = [{t for t, _ in row} for row in tagger.tags(new)]
    # (the old softmax tagger gave both to none of them)
    assert sum(row == {"a", "b"} for row in tagged) >= 10
    # Each head learnt from every confirmation: a's head is sure about the mixed responses too.
    probs = tagger.scores(new)
    assert (probs[:, tagger.themes.index("a")] > 0.5).all() and (
        probs[:, tagger.themes.index("b")] > 0.5
    ).all()


def test_responses_nobody_confirmed_do_not_change_what_the_tagger_learns():
    """No self-training: adding unconfirmed responses (here, a crowd between two themes) leaves the
    tags of every response as they were."""
    import numpy as np

    rng = np.random.default_rng(1)
    e = np.eye(6)
    seeds = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), _cluster(rng, e[2], 5)])
    crowd = _cluster(rng, (e[0] + e[2]) / np.sqrt(2), 60, spread=0.3)
    examples = {"a": list(range(5)), "b": list(range(5, 10)), "c": list(range(10, 15))}
    alone = train_tagger(examples, seeds).tags(crowd)
    with_crowd = train_tagger(examples, np.vstack([seeds, crowd])).tags(crowd)
    assert alone == with_crowd


def test_a_checked_response_not_confirmed_for_a_theme_is_a_negative_example_of_it():
    import numpy as np

    rng = np.random.default_rng(2)
    e = np.eye(6)
    near_a = _cluster(rng, (2 * e[0] + e[3]) / np.sqrt(5), 6, spread=0.05)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), near_a])
    examples = {"a": list(range(5)), "b": list(range(5, 10))}
    before = train_tagger(examples, vectors).scores(near_a)[:, 0]
    after = train_tagger(examples, vectors, checked=range(10, 16)).scores(near_a)[:, 0]
    assert after.mean() < before.mean() - 0.2


def test_a_response_like_none_of_the_themes_can_get_no_tag():
    import numpy as np

    rng = np.random.default_rng(3)
    e = np.eye(6)
    nothing = _cluster(rng, e[5], 10, spread=0.05)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), nothing[:5]])
    examples = {"a": list(range(5)), "b": list(range(5, 10))}
    tagger = train_tagger(examples, vectors, checked=range(15), keep_top=0.5)
    assert all(row == [] for row in tagger.tags(nothing[5:]))
    # keep_top=0 always keeps the top theme
    assert all(len(row) == 1 for row in train_tagger(examples, vectors, keep_top=0.0).tags(nothing[5:]))


def test_a_rejected_tag_is_a_negative_of_its_theme_only():
    """Responses that make points a and b, where an official rejected the machine's tag a: a's head
    learns they are not a, and b's head is the same as without the rejections (a rejection of a says
    nothing about b). Before, such a response counted as a negative of every theme."""
    import numpy as np

    rng = np.random.default_rng(4)
    e = np.eye(6)
    mixed = _cluster(rng, (e[0] + e[1]) / np.sqrt(2), 12, spread=0.05)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), _cluster(rng, e[2], 5), mixed])
    examples = {"a": list(range(5)), "b": list(range(5, 10)), "c": list(range(10, 15))}
    plain = train_tagger(examples, vectors)
    told = train_tagger(examples, vectors, rejected={"a": list(range(15, 21))})
    a, b = plain.themes.index("a"), plain.themes.index("b")
    new = mixed[6:]
    assert told.scores(new)[:, a].mean() < plain.scores(new)[:, a].mean() - 0.2
    np.testing.assert_allclose(told.scores(new)[:, b], plain.scores(new)[:, b])
    # checked (confirmed for nothing, so a negative of every theme) lowers b too
    checked = train_tagger(examples, vectors, checked=range(15, 21))
    assert checked.scores(new)[:, b].mean() < plain.scores(new)[:, b].mean() - 0.2


# --- the pair scorer (used when every theme has a text vector, as in the product) ---------------------


def _consultation(seed: int):
    """Three themes a, b, c (their texts: the cluster centres); 5 confirmed examples each, 5 more confirmed
    for both a and b, 5 checked and confirmed for none; then 20 new responses making a and b, 20 making
    none, 20 each of a, b and c."""
    import numpy as np

    rng = np.random.default_rng(seed)
    e = np.eye(8)
    both = (e[0] + e[1]) / np.sqrt(2)
    centres = [e[0], e[1], e[2], both, e[5], both, e[5], e[0], e[1], e[2]]
    sizes = [5, 5, 5, 5, 5, 20, 20, 20, 20, 20]
    vectors = np.vstack([_cluster(rng, c, n) for c, n in zip(centres, sizes, strict=True)])
    examples = {
        "a": [*range(0, 5), *range(15, 20)],
        "b": [*range(5, 10), *range(15, 20)],
        "c": [*range(10, 15)],
    }
    tagger = train_tagger(
        examples, vectors, theme_vectors={"a": e[0], "b": e[1], "c": e[2]}, checked=range(25)
    )
    return tagger, vectors[25:]


def test_with_theme_texts_the_pair_scorer_decides_and_without_them_the_heads_do():
    import numpy as np

    rng = np.random.default_rng(5)
    e = np.eye(6)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5)])
    examples = {"a": list(range(5)), "b": list(range(5, 10))}
    assert train_tagger(examples, vectors).pair is None
    with_texts = train_tagger(examples, vectors, theme_vectors={"a": e[0], "b": e[1]})
    assert with_texts.pair is not None
    assert not np.allclose(with_texts.scores(vectors), with_texts.head_scores(vectors))


def test_pair_features_come_in_the_documented_order():
    import numpy as np

    from policycycle.analysis.tagging import PAIR_FEATURES, pair_features

    rng = np.random.default_rng(6)
    e = np.eye(6)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5)])
    tagger = train_tagger(
        {"a": list(range(5)), "b": list(range(5, 10))}, vectors, theme_vectors={"a": e[0], "b": e[1]}
    )
    feats = pair_features(tagger.head_scores(vectors[:1]), vectors[:1], tagger.pair)
    assert feats.shape == (1, 2, len(PAIR_FEATURES))
    # row 0 is one of a's confirmed examples: its highest cosine to a's examples is 1, a ranks first by it
    assert feats[0, 0, 3] == pytest.approx(1.0)
    assert feats[0, 0, 12] == 0 and feats[0, 1, 12] == 1
    assert feats[0, 0, 2] == pytest.approx(float(vectors[0] @ e[0]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_response_that_makes_two_themes_gets_both(seed):
    """The pair scorer gives both themes to most responses like those confirmed for both; the heads
    alone (a threshold per head, then only themes within 0.9 of the best) give both to about half."""
    tagger, new = _consultation(seed)
    pair = [{t for t, _ in row} for row in tagger.tags(new[:20])]
    heads = [{t for t, _ in row} for row in tagger.heads_alone().tags(new[:20])]
    assert sum(row == {"a", "b"} for row in pair) >= 16
    assert sum(row == {"a", "b"} for row in pair) > sum(row == {"a", "b"} for row in heads)
    # and a response making one theme keeps one
    single = [{t for t, _ in row} for row in tagger.tags(new[40:])]
    assert sum(row == {"a"} for row in single[:20]) >= 18 and sum(row == {"c"} for row in single[40:]) >= 18


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_response_that_makes_none_of_the_themes_gets_none(seed):
    tagger, new = _consultation(seed)
    assert sum(row == [] for row in tagger.tags(new[20:40])) >= 18


def test_the_least_certain_responses_are_those_nearest_the_threshold():
    """Scores are placed so that 0.5 is the decoding threshold: the review screen offers the tags whose
    confidence is nearest 0.5."""
    import numpy as np

    tagger, new = _consultation(0)
    probs = tagger.scores(new)
    assert (tagger.thresholds == 0.5).all()
    chosen = tagger.decide(probs)
    below = chosen & (probs < 0.5)
    below[np.arange(len(probs)), probs.argmax(axis=1)] = False  # only the top theme may be kept below 0.5
    assert chosen[probs >= 0.5].all() and not below.any() and tagger.keep_top < 0.5


def _two_sides(seed: int = 0):
    """Theme a confirmed on five responses that agree, theme b on five that disagree; the responses to tag
    sit halfway between the two themes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    e = np.eye(6)
    vectors = np.vstack(
        [_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), _cluster(rng, (e[0] + e[1]) / np.sqrt(2), 20)]
    )
    stances = np.concatenate([np.ones(5), np.zeros(5), np.full(20, np.nan)])
    return {"a": list(range(5)), "b": list(range(5, 10))}, vectors, {"a": e[0], "b": e[1]}, stances


def test_each_theme_takes_the_side_of_its_confirmed_responses():
    import numpy as np

    from policycycle.analysis.tagging import PAIR_FEATURES, STANCE_FEATURES, pair_features

    examples, vectors, texts, stances = _two_sides()
    stances[7] = np.nan  # an example of b with no known side does not count
    stances[8] = 1.0  # one of b's five agrees
    tagger = train_tagger(examples, vectors, theme_vectors=texts, stances=stances)
    np.testing.assert_allclose(tagger.pair.theme_stance, [1.0, 0.25])
    new = vectors[10:12]
    feats = pair_features(tagger.head_scores(new), new, tagger.pair, np.array([0.0, np.nan]))
    assert feats.shape == (2, 2, len(PAIR_FEATURES) + len(STANCE_FEATURES))
    # the stance match: a disagreeing response against a (all agree) and b (a quarter agree); unknown: 0.5
    np.testing.assert_allclose(feats[0, :, len(PAIR_FEATURES)], [0.0, 0.75])
    np.testing.assert_allclose(feats[1, :, len(PAIR_FEATURES)], [0.5, 0.5])


def test_a_response_between_two_themes_is_tagged_with_the_one_of_its_side():
    import numpy as np

    examples, vectors, texts, stances = _two_sides()
    tagger = train_tagger(examples, vectors, theme_vectors=texts, stances=stances)
    new = vectors[10:]
    agree = tagger.scores(new, np.ones(len(new)))
    disagree = tagger.scores(new, np.zeros(len(new)))
    unknown = tagger.scores(new, np.full(len(new), np.nan))
    # the side moves every response toward the theme of its side, and away from the other
    assert (agree[:, 0] > unknown[:, 0]).all() and (agree[:, 1] < unknown[:, 1]).all()
    assert (disagree[:, 1] > unknown[:, 1]).all() and (disagree[:, 0] < unknown[:, 0]).all()

    def tagged(stances, theme):
        return sum(theme in {t for t, _ in row} for row in tagger.tags(new, stances))

    nan = np.full(len(new), np.nan)
    assert tagged(np.zeros(len(new)), "a") < tagged(nan, "a") < tagged(np.ones(len(new)), "a")


def test_with_no_side_known_the_tagger_is_the_one_without_stance():
    import numpy as np

    examples, vectors, texts, stances = _two_sides()
    plain = train_tagger(examples, vectors, theme_vectors=texts)
    unknown = train_tagger(examples, vectors, theme_vectors=texts, stances=np.full(len(vectors), np.nan))
    assert unknown.pair.theme_stance is None
    np.testing.assert_allclose(unknown.scores(vectors), plain.scores(vectors))


# --- the second stage: what the pair scorer says of a response's neighbours ----------------------------


def test_neighbour_features_read_the_nearest_other_responses_of_the_pool():
    import numpy as np

    from policycycle.analysis.tagging import NEIGHBOUR_FEATURES, Neighbours, neighbour_features

    # pool: 20 responses along a line of angles; each has probability = its index / 100 for theme 0
    angles = np.linspace(0, 1, 20)
    pool = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    probs = np.stack([np.arange(20) / 100, np.full(20, 0.5)], axis=1)
    nb = Neighbours(pool, probs, np.zeros(1), 0.0)
    first = np.array([[0.9, 0.1]])
    feats = neighbour_features(first, pool[:1], nb)
    assert feats.shape == (1, 2, len(NEIGHBOUR_FEATURES))
    assert feats[0, 0, 0] == 0.9  # the pair scorer's own
    # response 0 is in the pool: its neighbours are responses 1-5 and 1-15, never itself
    assert feats[0, 0, 1] == pytest.approx(np.mean(np.arange(1, 6) / 100))
    assert feats[0, 0, 2] == pytest.approx(0.05)
    assert feats[0, 0, 3] == pytest.approx(np.mean(np.arange(1, 16) / 100))
    assert feats[0, 0, 4] == pytest.approx(0.15)
    np.testing.assert_allclose(feats[0, 1, 1:], 0.5)
    # a pool smaller than 15 gives what it has; a pool of only the response itself gives its own figure
    small = neighbour_features(first, pool[:1], Neighbours(pool[:3], probs[:3], np.zeros(1), 0.0))
    assert small[0, 0, 3] == pytest.approx(np.mean([0.01, 0.02]))
    alone = neighbour_features(first, pool[:1], Neighbours(pool[:1], probs[:1], np.zeros(1), 0.0))
    np.testing.assert_allclose(alone[0, :, 1:], [[0.9] * 4, [0.1] * 4])


def _neighbour_model(weight: float):
    """A second stage that reads only the neighbours' mean probability over 5 (for the plumbing tests)."""
    from policycycle.analysis.tagging import NEIGHBOUR_FEATURES, PAIR_FEATURES

    coef = np.zeros(len(PAIR_FEATURES) + len(NEIGHBOUR_FEATURES))
    coef[len(PAIR_FEATURES) + 1] = weight
    return {"coef": coef, "intercept": -weight / 2, "threshold": 0.5, "keep_top": 0.5}


def _two_themes_and_others(seed: int):
    """Five responses confirmed for a, five for b, ten near neither; the themes' text vectors."""
    rng = np.random.default_rng(seed)
    e = np.eye(6)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), _cluster(rng, e[2], 10)])
    return {"a": list(range(5)), "b": list(range(5, 10))}, vectors, {"a": e[0], "b": e[1]}, rng


def test_the_pool_holds_the_officials_answers_where_they_gave_them():
    examples, vectors, texts, _ = _two_themes_and_others(7)
    tagger = train_tagger(
        examples,
        vectors,
        theme_vectors=texts,
        rejected={"b": [12]},
        neighbours=True,
        neighbour_model=_neighbour_model(4.0),
    )
    nb = tagger.pair.neighbours
    assert nb is not None and len(nb.vectors) == len(vectors)  # a small consultation: every response
    np.testing.assert_allclose(nb.probs[:5], [[1.0, 0.0]] * 5)  # confirmed for a, so checked for b
    np.testing.assert_allclose(nb.probs[5:10], [[0.0, 1.0]] * 5)
    assert nb.probs[12, 1] == 0.0 and 0 < nb.probs[12, 0] < 1  # rejected for b only
    assert 0 < nb.probs[11, 1] < 1  # nobody answered: the pair scorer's probability


def test_a_response_whose_neighbours_make_a_theme_is_scored_up_for_it():
    """With a second stage that reads the neighbours, a response near confirmed examples of a theme scores
    higher for it than one whose neighbours were checked and not confirmed for it."""
    examples, vectors, texts, rng = _two_themes_and_others(8)
    tagger = train_tagger(
        examples, vectors, theme_vectors=texts, neighbours=True, neighbour_model=_neighbour_model(8.0)
    )
    near_a, near_b = _cluster(rng, texts["a"], 3, spread=0.05), _cluster(rng, texts["b"], 3, spread=0.05)
    assert (tagger.scores(near_a)[:, 0] > 0.8).all() and (tagger.scores(near_b)[:, 0] < 0.2).all()


def test_by_default_the_tagger_is_the_pair_scorer_alone():
    from policycycle.analysis.tagging import PAIR_MODEL

    examples, vectors, texts, _ = _two_themes_and_others(9)
    lone = train_tagger(examples, vectors, theme_vectors=texts)
    assert lone.pair.neighbours is None
    assert train_tagger(examples, vectors, theme_vectors=texts, neighbours=True).pair.neighbours is not None
    feats = lone.features(vectors)
    z = feats @ np.asarray(PAIR_MODEL["coef"]) + PAIR_MODEL["intercept"] - lone.pair.shift
    np.testing.assert_allclose(lone.scores(vectors), 1 / (1 + np.exp(-z)))


def test_a_large_consultation_looks_for_neighbours_in_a_sample_that_keeps_every_answered_response():
    from policycycle.analysis import tagging

    rng = np.random.default_rng(10)
    e = np.eye(6)
    crowd = _cluster(rng, e[2], 12_000, spread=0.5)
    vectors = np.vstack([_cluster(rng, e[0], 5), _cluster(rng, e[1], 5), crowd])
    examples = {"a": list(range(5)), "b": list(range(5, 10))}
    tagger = train_tagger(
        examples,
        vectors,
        theme_vectors={"a": e[0], "b": e[1]},
        neighbours=True,
        neighbour_model=_neighbour_model(1.0),
    )
    pool = tagger.pair.neighbours
    assert len(pool.vectors) <= tagging.NEIGHBOUR_POOL + 10
    for i in range(10):  # every confirmed response is there, with its answer
        hit = np.flatnonzero(np.abs(pool.vectors @ vectors[i] - 1) < 1e-9)
        assert len(hit) and pool.probs[hit[0]].tolist() == ([1.0, 0.0] if i < 5 else [0.0, 1.0])


def test_the_shipped_second_stage_reads_the_features_the_tagger_makes():
    from policycycle.analysis import tagging

    plain, stance = len(tagging.PAIR_FEATURES), len(tagging.PAIR_FEATURES) + len(tagging.STANCE_FEATURES)
    assert len(tagging.NEIGHBOUR_MODEL["coef"]) == plain + len(tagging.NEIGHBOUR_FEATURES)
    assert len(tagging.NEIGHBOUR_MODEL_STANCE["coef"]) == stance + len(tagging.NEIGHBOUR_FEATURES)


def test_the_second_stage_is_used_only_with_the_tuned_matchers_vectors(monkeypatch, tmp_path):
    from policycycle.analysis import matcher
    from policycycle.analysis.engines import BasicEngine, EmbeddingsEngine
    from policycycle.analysis.tagging import neighbours_suit

    monkeypatch.setattr(matcher, "matcher_path", lambda: None)  # not built, or DHD_MATCHER=packaged
    assert not neighbours_suit(EmbeddingsEngine())
    monkeypatch.setattr(matcher, "matcher_path", lambda: tmp_path)
    assert neighbours_suit(EmbeddingsEngine())
    assert not neighbours_suit(EmbeddingsEngine(matcher=False))
    assert not neighbours_suit(BasicEngine())


@pytest.mark.parametrize("built", [False, True])
def test_tag_responses_uses_the_second_stage_when_the_engine_reads_the_tuned_matcher(
    monkeypatch, tmp_path, built
):
    from policycycle.analysis import matcher, tagging
    from policycycle.analysis.engines import EmbeddingsEngine

    examples, vectors, texts, _ = _two_themes_and_others(11)
    engine = EmbeddingsEngine()
    # the themes' texts, as the engine would embed them
    monkeypatch.setattr(engine, "vectorise", lambda items: np.vstack([texts[k] for k in sorted(texts)]))
    monkeypatch.setattr(matcher, "matcher_path", lambda: tmp_path if built else None)
    used = []
    real = tagging.train_tagger
    monkeypatch.setattr(
        tagging, "train_tagger", lambda *a, **kw: used.append(kw["neighbours"]) or real(*a, **kw)
    )
    tags = tagging.tag_responses(
        [str(i) for i in range(len(vectors))],
        examples,
        engine=engine,
        theme_texts=dict(texts),
        vectors=vectors,
    )
    assert used == [built] and len(tags) == len(vectors)
