"""The theme matcher's cache and fallback, and its training batches (no training here: `make models`)."""

import random

from policycycle.analysis import matcher, resources


def test_without_the_built_matcher_the_packaged_model_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("DHD_MATCHER", raising=False)
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    assert matcher.matcher_path() is None
    monkeypatch.setattr(matcher, "_matcher", None)
    sentinel = object()
    monkeypatch.setattr(resources, "get_embedder", lambda: sentinel)
    assert matcher.get_matcher() is sentinel


def test_a_built_matcher_is_found_unless_the_packaged_one_is_asked_for(tmp_path, monkeypatch):
    monkeypatch.delenv("DHD_MATCHER", raising=False)
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    target = matcher.target_dir()
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"")
    assert matcher.matcher_path() == target
    monkeypatch.setenv("DHD_MATCHER", "packaged")
    assert matcher.matcher_path() is None


def test_training_reads_only_train_pairs_and_no_batch_holds_a_key_point_twice():
    pairs = matcher.training_pairs()
    assert len(pairs) == 4260  # ArgKP train's pairs labelled 1
    assert all(kp.startswith("kp_") for _, _, kp in pairs)
    batches = matcher._batches(pairs, 32, random.Random(0))
    assert all(len({kp for _, _, kp in b}) == len(b) for b in batches)
    assert all(2 <= len(b) <= 32 for b in batches)
    assert sum(len(b) for b in batches) >= len(pairs) - 1  # at most a lone last pair is left out


def test_the_cache_key_changes_with_the_settings(monkeypatch):
    before = matcher.cache_key()
    monkeypatch.setitem(matcher.SETTINGS, "epochs", 2)
    assert matcher.cache_key() != before
