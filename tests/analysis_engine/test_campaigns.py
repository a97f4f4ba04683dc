from collections import Counter

import pytest

from policycycle.analysis import corpora
from policycycle.analysis.campaigns import detect_campaigns
from policycycle.analysis.text import words
from policycycle.analysis.types import AnalysisCancelled


def score(injected, campaigns):
    recalled = organic = 0
    for c in campaigns:
        majority = Counter(injected.campaign_of.get(m) for m in c.member_ids).most_common(1)[0][0]
        recalled += sum(1 for m in c.member_ids if majority and injected.campaign_of.get(m) == majority)
        organic += sum(1 for m in c.member_ids if m in injected.organic_ids)
    return recalled / len(injected.campaign_of), organic / len(injected.organic_ids)


def test_injected_edited_and_synonym_swapped_campaigns_are_found_in_real_comments(injected):
    campaigns = detect_campaigns(injected.items)
    recall, false_grouping = score(injected, campaigns)
    assert recall >= 0.95
    assert false_grouping <= 0.02


def test_campaigns_with_random_word_swaps_are_found_too():
    injected = corpora.inject_campaigns(n_campaigns=6, members=24, seed=11, random_swaps=True)
    recall, false_grouping = score(injected, detect_campaigns(injected.items))
    assert recall >= 0.95 and false_grouping <= 0.02


def test_every_member_keeps_its_id_and_its_own_added_words(injected):
    campaigns = detect_campaigns(injected.items)
    text_of = dict(injected.items)
    for c in campaigns:
        assert c.canonical_id in c.member_ids
        assert c.canonical_text == text_of[c.canonical_id]
        assert set(c.added_words) == set(c.member_ids)
        assert c.added_words[c.canonical_id] == []
        for member, added in c.added_words.items():
            assert set(added) <= set(words(text_of[member]))
    members = [m for c in campaigns for m in c.member_ids]
    assert len(members) == len(set(members))  # a response is in one campaign at most


def test_chunked_detection_finds_the_same_campaigns(injected):
    whole = detect_campaigns(injected.items)
    chunked = detect_campaigns(iter(injected.items), chunk_size=300)
    assert sorted(sorted(c.member_ids) for c in whole) == sorted(sorted(c.member_ids) for c in chunked)


def test_texts_can_be_fetched_at_the_end_instead_of_kept(injected):
    text_of = dict(injected.items)
    asked = []

    def fetch(ids):
        asked.extend(ids)
        return {i: text_of[i] for i in ids}

    campaigns = detect_campaigns(injected.items, fetch_texts=fetch)
    assert campaigns and set(asked) == {m for c in campaigns for m in c.member_ids}
    assert all(c.canonical_text == text_of[c.canonical_id] for c in campaigns)


def test_detection_can_be_cancelled(injected):
    with pytest.raises(AnalysisCancelled):
        detect_campaigns(injected.items, chunk_size=500, should_cancel=lambda: True)


def test_short_statements_are_never_grouped():
    short = [(f"s{i}", "More bike lanes downtown.") for i in range(10)]
    assert detect_campaigns(short) == []
