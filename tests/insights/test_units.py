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


@pytest.mark.parametrize("ref", ["letter:3", "comment:", "comment:x", "comment", "", "12", "answer:-1"])
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
