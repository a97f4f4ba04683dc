"""The toolkit chooser: the scoring rule, and the page a policymaker answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from policycycle.chooser import Answers, recommend, score
from policycycle.models import Technique
from policycycle.selectors import techniques_for_chooser

pytestmark = pytest.mark.django_db


def _technique(slug):
    return techniques_for_chooser().get(slug=slug)


def test_score_adds_stage_goal_and_audience_points_with_a_reason_for_each(toolkit):
    rec = score(
        _technique("commentable-documents"),
        Answers(
            stage="engaging",
            goal="asking-questions",
            audience="organisations",
            capacity="medium",
            formal_needed=False,
        ),
    )
    assert rec.score == 3 + 2 + 1
    assert rec.reasons == [
        "Used when engaging stakeholders.",
        "Helps with asking questions.",
        "Reaches stakeholder organisations and experts.",
    ]
    assert rec.warnings == []


def test_score_takes_three_points_off_a_technique_that_needs_more_time_than_the_team_has(toolkit):
    rec = score(
        _technique("formal-online-consultation"),
        Answers(
            stage="analysis",
            goal="asking-questions",
            audience="public",
            capacity="low",
            formal_needed=True,
        ),
    )
    assert rec.score == 3 + 2 + 1 + 4 - 3
    assert "Meets the requirements for a formal consultation, which you need." in rec.reasons
    assert rec.warnings == [
        "Needs more time and budget than you have (High: months, a dedicated team or budget)."
    ]


def test_recommendations_are_ranked_by_score_then_toolkit_order_and_drop_weak_matches(toolkit):
    recs = recommend(
        techniques_for_chooser(),
        Answers(
            stage="shaping",
            goal="collecting-ideas",
            audience="public",
            capacity="medium",
            formal_needed=False,
        ),
    )
    # crowd-sourcing: 3+2+1 = 6; social media monitoring: 3+1 = 4; influencer mapping: 3.
    assert [(r.technique.slug, r.score) for r in recs] == [
        ("crowd-sourcing-ideas", 6),
        ("social-media-monitoring", 4),
        ("influencer-mapping", 3),
    ]


def test_a_needed_formal_consultation_is_always_recommended_even_at_another_stage(toolkit):
    recs = recommend(
        techniques_for_chooser(),
        Answers(
            stage="shaping",
            goal="collecting-ideas",
            audience="internal",
            capacity="low",
            formal_needed=True,
        ),
    )
    slugs = [r.technique.slug for r in recs]
    assert "formal-online-consultation" in slugs
    formal = next(r for r in recs if r.technique.slug == "formal-online-consultation")
    assert formal.score == 4 - 3 and formal.warnings


def test_no_formal_consultation_when_none_is_needed_and_the_stage_does_not_fit(toolkit):
    recs = recommend(
        techniques_for_chooser(),
        Answers(
            stage="delivery",
            goal="explaining-policy",
            audience="public",
            capacity="high",
            formal_needed=False,
        ),
    )
    assert "formal-online-consultation" not in [r.technique.slug for r in recs]
    # Both score 3+2+1; the tie goes to the toolkit's own order.
    assert [(r.technique.slug, r.score) for r in recs[:2]] == [
        ("social-media-conversations", 6),
        ("plain-english-explainers", 6),
    ]


ANSWERS = {
    "stage": "engaging",
    "goal": "asking-questions",
    "audience": "public",
    "capacity": "medium",
    "formal": "no",
}


def test_the_public_sees_recommendations_with_reasons_but_no_start_links(client, toolkit):
    response = client.get(reverse("policycycle:chooser"), ANSWERS)
    html = response.content.decode()
    assert response.context["recommendations"][0].technique.slug == "commentable-documents"
    assert "Why we recommend it" in html and "Used when engaging stakeholders." in html
    assert "/staff/consultations/new/" not in html


def test_an_official_gets_a_start_link_for_a_commentable_draft_attached_to_the_project(
    client, publisher, project
):
    client.force_login(publisher)
    response = client.get(reverse("policycycle:chooser"), {**ANSWERS, "project": project.slug})
    first = response.context["recommendations"][0]
    assert first.technique.slug == "commentable-documents"
    expected = f"{reverse('staff:consultation-create')}?kind=draft_bill&project={project.slug}"
    assert first.links == [("Start a commentable draft", expected)]
    assert expected.replace("&", "&amp;") in response.content.decode()


@pytest.mark.parametrize(
    ("slug", "kind"), [("formal-online-consultation", "formal"), ("crowd-sourcing-ideas", "ideas")]
)
def test_formal_and_ideas_techniques_link_to_the_matching_consultation_kind(publisher, project, slug, kind):
    from policycycle.views import start_links

    ((label, url),) = start_links(Technique.objects.get(slug=slug), project, publisher)
    assert url == f"{reverse('staff:consultation-create')}?kind={kind}&project={project.slug}"


def test_event_technique_links_to_the_projects_event_page_with_or_without_consultations(
    project, consultation, moderator
):
    from policycycle.views import start_links

    technique = Technique.objects.get(slug="digital-engagement-events")
    expected = [("Add an engagement event", reverse("policycycle:project-event-create", args=[project.slug]))]
    assert start_links(technique, project, moderator) == expected
    consultation.project = project
    consultation.save()
    assert start_links(technique, project, moderator) == expected
    assert start_links(technique, None, moderator) == []


@pytest.mark.parametrize(
    ("persona", "draft_link", "event_link"),
    [("publisher", True, True), ("analyst", False, True), ("outsider_official", False, False)],
)
def test_only_those_who_may_start_an_activity_get_its_link(request, project, persona, draft_link, event_link):
    """Starting a consultation is for the project team's publishers; an event for anyone on the team."""
    from policycycle.views import start_links

    user = request.getfixturevalue(persona)
    draft = start_links(Technique.objects.get(slug="commentable-documents"), project, user)
    event = start_links(Technique.objects.get(slug="digital-engagement-events"), project, user)
    assert bool(draft) is draft_link and bool(event) is event_link


def test_a_technique_page_offers_a_publisher_the_link_to_start_it(client, toolkit, publisher, analyst):
    url = reverse("policycycle:technique-detail", args=["crowd-sourcing-ideas"])
    start = f"{reverse('staff:consultation-create')}?kind=ideas"
    client.force_login(publisher)
    assert f'href="{start}">Start an ideas exercise<' in client.get(url).content.decode()
    client.force_login(analyst)
    assert start not in client.get(url).content.decode()


def test_the_project_question_lists_only_the_officials_own_projects(client, outsider_official, project):
    client.force_login(outsider_official)
    form = client.get(reverse("policycycle:chooser")).context["form"]
    assert "project" not in form.fields  # the outsider's team has no project
    response = client.get(reverse("policycycle:chooser"), {**ANSWERS, "project": project.slug})
    assert response.context["recommendations"] is not None
    assert all(
        rec.links == [] or "project=" not in rec.links[0][1] for rec in response.context["recommendations"]
    )


def test_missing_answers_show_an_error_summary_and_no_recommendations(client, toolkit):
    response = client.get(reverse("policycycle:chooser"), {"stage": "engaging", "goal": "asking-questions"})
    html = response.content.decode()
    assert response.context["recommendations"] is None
    assert "There is a problem" in html
    assert "Select whose views or help you most need" in html
    assert "Select yes if you need to run a formal public consultation" in html
    assert html.count("Error:") >= 1


def test_a_made_up_stage_is_refused_with_a_clear_message(client, toolkit):
    response = client.get(reverse("policycycle:chooser"), {**ANSWERS, "stage": "nonsense"})
    assert response.context["recommendations"] is None
    assert "Select a valid choice" in response.content.decode()


def test_coming_from_a_project_page_preselects_that_project(client, publisher, project):
    client.force_login(publisher)
    html = client.get(reverse("policycycle:chooser"), {"project": project.slug}).content.decode()
    assert f'<option value="{project.slug}" selected>' in html


def test_a_needed_formal_consultation_keeps_its_place_in_the_top_five(toolkit):
    """At the shaping stage many techniques outscore the formal consultation; when one is needed it still
    takes the fifth place, as the page promises."""
    recs = recommend(
        techniques_for_chooser(),
        Answers(
            stage="shaping",
            goal="talking-to-people",
            audience="public",
            capacity="medium",
            formal_needed=True,
        ),
    )
    assert len(recs) == 5
    assert recs[-1].technique.is_formal_consultation
    others = [r.score for r in recs[:-1]]
    assert others == sorted(others, reverse=True)


def test_submitting_the_chooser_empty_shows_what_to_answer(client, toolkit):
    """The form as the browser sends it with nothing chosen (its hidden fields only)."""
    import re

    url = reverse("policycycle:chooser")
    page = client.get(url).content.decode()
    form = re.search(f'<form method="get" action="{url}".*?</form>', page, re.S).group(0)
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    response = client.get(reverse("policycycle:chooser"), sent)
    html = response.content.decode()
    assert response.context["recommendations"] is None
    assert "There is a problem" in html and "Select the stage of the policy cycle you are at" in html
    assert html.count("Error:") >= 1
