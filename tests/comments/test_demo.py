"""The demo threads: real Polis text, credited, threaded, idempotent."""

from __future__ import annotations

import pytest

from comments.demo import load_demo_comments
from comments.models import Comment
from comments.selectors import published_counts_by_section

pytestmark = pytest.mark.django_db


def test_demo_comments_are_real_credited_threads_and_loading_twice_adds_nothing(document):
    created = load_demo_comments(document)
    assert created > 20
    assert load_demo_comments(document) == 0
    assert Comment.objects.count() == created
    comments = list(Comment.objects.all())
    assert all("The Computational Democracy Project, CC BY 4.0" in c.source_credit for c in comments)
    assert any(c.depth >= 2 for c in comments)
    assert all(c.status == "published" for c in comments)
    clause3 = document.sections.get(anchor="clause-3")
    counts = published_counts_by_section(document)
    assert counts[clause3.pk] == max(counts[s.pk] for s in document.sections.filter(kind="clause"))
    roots = [c for c in comments if c.parent_id is None]
    assert all(r.reply_count == Comment.objects.filter(path__startswith=r.path).count() - 1 for r in roots)
    assert sum(c.agree_count + c.disagree_count for c in comments) > 0


def test_demo_text_comes_from_the_shared_data(document, shared_data):
    load_demo_comments(document)
    raw = (
        shared_data / "comments" / "polis" / "march-on.operation-marchin-orders" / "comments.csv"
    ).read_text()
    body = Comment.objects.order_by("pk").first().body
    assert body[:40] in " ".join(raw.split())


def test_clause_page_credits_the_demo_text(client, document):
    load_demo_comments(document)
    clause3 = document.sections.get(anchor="clause-3")
    html = client.get(clause3.get_absolute_url()).content.decode()
    assert "The Computational Democracy Project, CC BY 4.0" in html


def test_demo_comments_are_about_what_the_demo_bill_is_about():
    """The demo bill supports sustainable aviation fuel: its comments speak of fuels, carbon, emissions,
    renewables or climate change, and none is mainly about another subject (the Polis conversation also
    discusses elections, abortion and immigration) or another country's tax system (no "Tax and gst")."""
    import re

    from comments.demo import relevant_polis_comments

    rows = [r for r in relevant_polis_comments() if r["author"] != 0]
    assert len(rows) >= 54  # enough for the demo's threads: 6 on each of 8 clauses, 12 on clause 3
    subject = re.compile(
        r"\b(fuels?|fossil|carbon|emissions?|renewables?|greenhouse|clean energy|climate change)\b", re.I
    )
    assert all(subject.search(r["body"]) for r in rows)
    elsewhere = r"\b(gst|new zealand|nz|candidates?|abortion|immigration|vote|trump)\b"
    assert not [r["body"] for r in rows if re.search(elsewhere, r["body"], re.I)]
