"""Offline input against clauses (issue 19, item 2): an official records a letter, email or phone call
against one or several clauses of a draft bill; each part is one response unit, counted once on its
clause with that clause's comments, and never published as a public comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from insights import units
from responses.models import LetterPart, Response

pytestmark = pytest.mark.django_db


def enter_url(c):
    return reverse("responses:staff-response-enter", args=[c.slug])


def letter_form(consultation, **parts):
    d = consultation.opens_at
    data = {
        "channel": "post",
        "received_at_day": d.day,
        "received_at_month": d.month,
        "received_at_year": d.year,
        "respondent_name": "Pat Letter",
        "address": "2 Mill Lane, York",
        "respondent_type": "individual",
        "region": "yorkshire",
        "consent": "none",
    }
    data.update(parts)
    return data


@pytest.fixture
def clauses(document):
    return document.sections.get(anchor="clause-2"), document.sections.get(anchor="clause-4")


TEXT_2 = "Clause 2 leaves small employers to carry the cost of the new register on their own."
TEXT_4 = "The appeal period in clause 4 is too short for anyone who works shifts."


def test_an_official_records_a_posted_letter_against_two_clauses(client, analyst, consultation, clauses):
    two, four = clauses
    client.force_login(analyst)
    page = client.get(enter_url(consultation)).content.decode()
    assert "What it says about the clauses" in page and two.label in page
    r = client.post(
        enter_url(consultation),
        letter_form(
            consultation,
            part_1_section=two.pk,
            part_1_text=TEXT_2,
            part_2_section=four.pk,
            part_2_text=TEXT_4,
        ),
    )
    response = Response.objects.get(channel="post")
    assert r.status_code == 302 and response.status == Response.Status.SUBMITTED
    parts = {p.section_id: p.text for p in response.letter_parts.all()}
    assert parts == {two.pk: TEXT_2, four.pk: TEXT_4}
    detail = client.get(r["Location"]).content.decode()
    assert TEXT_2 in detail and TEXT_4 in detail and four.label in detail
    # Never a public comment.
    assert not Comment.objects.filter(consultation=consultation).exists()

    # Counted once each, on its own clause, by runs and by the dashboard's heat map.
    read = [u for u in units.iter_units(consultation.pk) if u.id.startswith("letter:")]
    assert sorted(u.text for u in read) == sorted([TEXT_2, TEXT_4])
    assert {u.scope for u in read} == {f"clause:{two.lineage_key}", f"clause:{four.lineage_key}"}
    assert [u.text for u in units.iter_units(consultation.pk, f"clause:{two.lineage_key}")] == [TEXT_2]
    dashboard = client.get(reverse("dashboards:dashboard", args=[consultation.slug])).content.decode()
    clause2 = dashboard.split(f'data-clause="{two.anchor}"')[1].split("</li>")[0]
    assert "0 comments and 1 letter on a clause" in clause2
    clause3 = dashboard.split('data-clause="clause-3"')[1].split("</li>")[0]
    assert "letter" not in clause3

    # The explorer lists it on its clause, with its channel.
    explorer = client.get(
        reverse("dashboards:explorer", args=[consultation.slug]), {"type": "letter", "clause": four.pk}
    ).content.decode()
    assert "1 letter on a clause" in explorer and TEXT_4 in explorer and TEXT_2 not in explorer
    assert f"Post on {four.label}" in explorer


@pytest.mark.parametrize(
    "parts,field,message",
    [
        ({"part_1_text": TEXT_2}, "part_1_section", "Choose the clause"),
        ({"part_1_section": "two"}, "part_1_text", "Enter what the response says"),
        (
            {"part_1_section": "two", "part_1_text": TEXT_2, "part_2_section": "two", "part_2_text": TEXT_4},
            "part_2_section",
            "already chosen",
        ),
    ],
)
def test_a_clause_part_needs_both_its_clause_and_its_text_and_nothing_is_saved_otherwise(
    client, analyst, consultation, clauses, parts, field, message
):
    two = clauses[0]
    data = {k: (two.pk if v == "two" else v) for k, v in parts.items()}
    client.force_login(analyst)
    r = client.post(enter_url(consultation), letter_form(consultation, **data))
    assert r.status_code == 200
    assert message in r.content.decode() and f'href="#id_{field}"' in r.content.decode()
    assert not Response.objects.exists() and not LetterPart.objects.exists()


def test_a_clause_of_another_consultation_is_refused(analyst, consultation, clauses, other_team):
    from django.core.exceptions import ValidationError

    from responses import services
    from tests.factories import ConsultationFactory, make_document

    elsewhere = make_document(consultation=ConsultationFactory(team=other_team), clauses=2)
    with pytest.raises(ValidationError, match="not part of this consultation"):
        services.response_enter_offline(
            consultation=consultation,
            by=analyst,
            channel="email",
            received_at=timezone.localdate(),
            respondent_type="individual",
            region="london",
            consent="named",
            answers={},
            parts=[(elsewhere.sections.get(anchor="clause-1"), "About someone else's bill.")],
        )
    assert not Response.objects.exists()


def test_a_letter_is_published_with_its_response_only_with_consent(client, analyst, consultation, clauses):
    from responses import services

    two = clauses[0]
    for consent, text in (("named", "Published with my name."), ("none", "Please keep this private.")):
        services.response_enter_offline(
            consultation=consultation,
            by=analyst,
            channel="email",
            received_at=timezone.localdate(),
            respondent_type="individual",
            region="london",
            consent=consent,
            respondent_name=f"Sam {consent}",
            answers={},
            parts=[(two, text)],
        )
    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save(update_fields=["opens_at", "closes_at"])
    page = client.get(reverse("responses:published-list", args=[consultation.slug])).content.decode()
    assert "Published with my name." in page and "Sam named" in page
    assert "Please keep this private." not in page and "Sam none" not in page
    # Neither appears among the clause's public comments.
    clause_page = client.get(two.get_absolute_url()).content.decode()
    assert "Published with my name." not in clause_page and "Please keep this private." not in clause_page
