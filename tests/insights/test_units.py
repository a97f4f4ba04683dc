"""The response-unit registry (insights.units): one key type, and every kind read the same way by runs,
counts, texts and the rows that point at units."""

from __future__ import annotations

import pytest

from comments.models import Comment
from insights import units
from insights.models import CampaignMember, Enrichment, ThemeAssignment
from insights.units import UnitKey
from responses.models import Answer, Idea, Question, Response

pytestmark = pytest.mark.django_db


def test_a_unit_key_prints_and_parses_as_kind_colon_id():
    key = UnitKey.parse("comment:12")
    assert key == UnitKey("comment", 12) == ("comment", 12)
    assert str(key) == "comment:12" and UnitKey.parse(key) is key
    assert key.ref() == {"comment_id": 12}


@pytest.mark.parametrize("ref", ["letterbox:3", "comment:", "comment:x", "comment", "", "12", "answer:-1"])
def test_a_unit_key_refuses_an_unknown_kind_or_a_bad_id(ref):
    with pytest.raises(ValueError, match="not a unit id"):
        UnitKey.parse(ref)


@pytest.mark.parametrize("model", [Enrichment, ThemeAssignment, CampaignMember])
def test_every_registered_kind_has_its_foreign_key_on_the_rows_that_point_at_units(model):
    for kind in units.kinds():
        field = model._meta.get_field(kind.field)
        assert field.related_model is kind.model, (model, kind.kind)
    refs = {
        f.name
        for f in model._meta.get_fields()
        if f.many_to_one and f.related_model in {k.model for k in units.kinds()}
    }
    assert refs == {k.field for k in units.kinds()}


@pytest.fixture
def mixed(consultation, document, citizen):
    """Comments on a clause and on its subsection, a general comment, a hidden one, submitted and draft
    answers, and ideas (one hidden)."""
    clause = document.sections.get(anchor="clause-1")
    sub = document.sections.get(anchor="clause-1-2")
    other = document.sections.get(anchor="clause-2")

    def comment(section, body, status="published"):
        return Comment.objects.create(
            consultation=consultation,
            document=document if section else None,
            section=section,
            author=citizen,
            body=body,
            status=status,
        )

    comment(clause, "On the clause itself.")
    comment(sub, "On a subsection of the clause.")
    comment(other, "On another clause.")
    comment(None, "A general comment.")
    comment(clause, "Hidden by a moderator.", status="hidden")
    question = Question.objects.create(consultation=consultation, position=1, kind="text", text="Why?")
    submitted = Response.objects.create(consultation=consultation, status="submitted")
    draft = Response.objects.create(consultation=consultation, status="draft")
    Answer.objects.create(response=submitted, question=question, text="Because of the cost.")
    Answer.objects.create(response=draft, question=question, text="Not sent yet.")
    Idea.objects.create(consultation=consultation, author=citizen, title="Plant trees", description="Many.")
    Idea.objects.create(
        consultation=consultation, author=citizen, title="Hidden idea", description="", status="hidden"
    )
    return {"question": question}


def test_runs_read_and_counts_count_the_same_units_in_every_scope(consultation, mixed):
    scopes = ["consultation", "clause:sec_1", "clause:sec_2", f"question:{mixed['question'].pk}", "ideas"]
    read = {scope: [u.text for u in units.iter_units(consultation.pk, scope)] for scope in scopes}
    assert sorted(read["clause:sec_1"]) == ["On a subsection of the clause.", "On the clause itself."]
    assert read["clause:sec_2"] == ["On another clause."]
    assert read[f"question:{mixed['question'].pk}"] == ["Because of the cost."]
    assert read["ideas"] == ["Plant trees. Many."]
    assert len(read["consultation"]) == 6  # four published comments, one submitted answer, one listed idea
    for scope in scopes:
        assert units.units_count(consultation.pk, scope) == len(read[scope]), scope


def test_texts_and_existence_go_through_each_kind(consultation, mixed):
    keys = [UnitKey.parse(u.id) for u in units.iter_units(consultation.pk)]
    texts = units.texts(keys)
    assert set(texts) == set(keys)
    assert all(units.exists_in(consultation.pk, k) for k in keys)
    assert not any(units.exists_in(consultation.pk + 1000, k) for k in keys)
    # a reference from a form: the consultation's own response, else ValueError (never a foreign one)
    assert units.key_in(consultation.pk, str(keys[0])) == keys[0]
    for bad in ("comment:abc", "nothing", str(keys[0]).replace(":", ":9")):
        with pytest.raises(ValueError):
            units.key_in(consultation.pk, bad)
    with pytest.raises(ValueError):
        units.key_in(consultation.pk + 1000, str(keys[0]))


@pytest.fixture
def offline(consultation, document, mixed):
    """A letter on two clauses (and a draft's letter, not submitted), event notes on a clause, on a
    question and on the consultation (and one of an event of the project only), and attached files: one
    read, one scan with no text layer, one read but on a draft."""
    from django.utils import timezone

    from policycycle.models import PolicyProject
    from responses.models import EngagementEvent, EventNote, LetterPart, ResponseAttachment

    clause = document.sections.get(anchor="clause-1-2")
    other = document.sections.get(anchor="clause-2")
    letter = Response.objects.create(consultation=consultation, status="submitted", channel="post")
    draft = Response.objects.create(consultation=consultation, status="draft", channel="email")
    LetterPart.objects.create(response=letter, section=clause, text="Letter about clause one.")
    LetterPart.objects.create(response=letter, section=other, text="Letter about clause two.")
    LetterPart.objects.create(response=draft, section=other, text="Draft letter, not entered yet.")
    event = EngagementEvent.objects.create(
        consultation=consultation, title="Town hall", starts_at=timezone.now(), organiser="Council"
    )
    EventNote.objects.create(event=event, section=other, text="Note on clause two.")
    EventNote.objects.create(event=event, question=mixed["question"], text="Note on the question.")
    EventNote.objects.create(event=event, text="Note on the whole bill.")
    project = PolicyProject.objects.create(title="Care", slug="care", team=consultation.team)
    elsewhere = EngagementEvent.objects.create(
        project=project, title="Launch", starts_at=timezone.now(), organiser="Team"
    )
    EventNote.objects.create(event=elsewhere, text="Note of an event with no consultation.")
    done = ResponseAttachment.Extraction.DONE
    for response, text, state in (
        (letter, "Text read from the enclosed report.", done),
        (letter, "", ResponseAttachment.Extraction.NEEDS_READING),
        (draft, "Text of a file on a draft.", done),
    ):
        ResponseAttachment.objects.create(
            response=response,
            file="x.pdf",
            original_name="x.pdf",
            kind="pdf",
            size=1,
            text=text,
            extraction=state,
        )


def test_letters_event_notes_and_file_text_are_each_read_once_in_their_scope(consultation, mixed, offline):
    q = mixed["question"].pk
    read = {
        scope: sorted(u.text for u in units.iter_units(consultation.pk, scope))
        for scope in ["consultation", "clause:sec_1", "clause:sec_2", f"question:{q}"]
    }
    everything = read["consultation"]
    assert len(everything) == len(set(everything))  # nothing read twice
    for text in (
        "Letter about clause one.",
        "Letter about clause two.",
        "Note on clause two.",
        "Note on the question.",
        "Note on the whole bill.",
        "Text read from the enclosed report.",
    ):
        assert everything.count(text) == 1, text
    assert len(everything) == 6 + 6  # the mixed units and these six
    for text in (
        "Draft letter, not entered yet.",
        "Note of an event with no consultation.",
        "Text of a file on a draft.",
    ):
        assert text not in everything
    assert "Letter about clause one." in read["clause:sec_1"]
    assert {"Letter about clause two.", "Note on clause two."} <= set(read["clause:sec_2"])
    assert read[f"question:{q}"] == ["Because of the cost.", "Note on the question."]
    for scope, texts in read.items():
        assert units.units_count(consultation.pk, scope) == len(texts), scope


def test_the_heat_map_counts_letters_and_notes_once_on_their_clause(consultation, document, mixed, offline):
    from dashboards.selectors import clause_heatmap

    rows = {r.section.anchor: r for r in clause_heatmap(consultation, document)}
    # clause 1: two published comments and one hidden (moderation counts it), one letter
    assert rows["clause-1"].by_kind == {"comment": 3, "letter": 1}
    assert rows["clause-2"].by_kind == {"comment": 1, "letter": 1, "note": 1}
    assert rows["clause-2"].comments == 3
    assert rows["clause-2"].count_text == "1 comment, 1 letter on a clause and 1 note from an event"


def test_the_units_export_has_one_row_per_unit_read(consultation, mixed, offline):
    from dashboards.exports import units_rows

    rows = list(units_rows(consultation, personal=False))
    assert sorted(r["unit"] for r in rows) == sorted(u.id for u in units.iter_units(consultation.pk))
    assert len(rows) == units.units_count(consultation.pk)
    letter = next(r for r in rows if r["text"] == "Letter about clause two.")
    assert letter["kind"] == "Letter on a clause" and letter["scope"] == "clause:sec_2"


@pytest.mark.parametrize("kind", ["letter", "note", "file"])
def test_the_explorer_lists_each_offline_kind_and_flags_a_file_that_needs_reading(
    client, analyst, consultation, mixed, offline, kind
):
    from django.urls import reverse

    client.force_login(analyst)
    html = client.get(
        reverse("dashboards:explorer", args=[consultation.slug]), {"type": kind}
    ).content.decode()
    expected = {
        "letter": ["2 letters on clauses", "Letter about clause one.", "Post on"],
        "note": ["3 notes from events", "Note on the question.", "Note from Town hall"],
        "file": ["2 attached files", "Text read from the enclosed report.", "Needs reading: no text layer"],
    }[kind]
    for text in expected:
        assert text in html, text
    assert "Draft letter" not in html and "no consultation" not in html and "on a draft" not in html
    if kind == "file":
        assert html.count("data-needs-reading") == 1


def test_the_dashboards_unique_responses_count_every_kind_once(consultation, mixed, offline):
    from dashboards.selectors import campaign_figures

    figures = campaign_figures(consultation)
    assert figures["units"] == len(list(units.iter_units(consultation.pk))) == 12
    assert figures["unique"] == 12  # no campaigns
