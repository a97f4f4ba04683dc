"""Policy projects: public and team pages, moving through stages, decisions, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from policycycle.models import PolicyProject, ProjectDecision
from policycycle.services import decision_record
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
PERSONAS = ["anonymous", "citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"]


def _as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def test_public_page_shows_public_decisions_and_published_consultations_only(client, project, toolkit, team):
    decision_record(
        project=project,
        stage=toolkit["shaping"],
        title="Publish the draft bill",
        decided_on=dt.date(2026, 1, 5),
    )
    decision_record(
        project=project,
        stage=toolkit["shaping"],
        title="Brief the minister privately",
        decided_on=dt.date(2026, 1, 6),
        is_public=False,
    )
    ConsultationFactory(team=team, project=project, title="Open draft bill consultation")
    ConsultationFactory(team=team, project=project, title="Unpublished draft", state=Consultation.State.DRAFT)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Publish the draft bill" in html
    assert "Brief the minister privately" not in html
    assert "Open draft bill consultation" in html
    assert "Unpublished draft" not in html
    assert "Minister wants options by spring." not in html  # team notes stay private
    assert "Shaping the policy product (current stage)" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("citizen", 404),
        ("outsider_official", 404),
        ("moderator", 200),
        ("analyst", 200),
        ("publisher", 200),
        ("superuser", 200),
    ],
)
def test_private_project_public_page_is_404_except_for_its_team(
    client, request, private_project, persona, status
):
    _as(client, request, persona)
    assert client.get(private_project.get_absolute_url()).status_code == status


def test_private_projects_are_not_listed_publicly(client, project, private_project):
    response = client.get(reverse("policycycle:project-list"))
    assert [p.slug for p in response.context["projects"]] == [project.slug]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("outsider_official", 403),
        ("moderator", 200),
        ("analyst", 200),
        ("publisher", 200),
        ("superuser", 200),
    ],
)
def test_team_page_is_for_the_projects_team(client, request, project, persona, status):
    _as(client, request, persona)
    response = client.get(reverse("policycycle:project-team", args=[project.slug]))
    assert response.status_code == status
    if status == 200:
        assert "Minister wants options by spring." in response.content.decode()


def test_team_page_of_a_private_project_is_404_for_outsiders(client, outsider_official, private_project):
    client.force_login(outsider_official)
    assert client.get(reverse("policycycle:project-team", args=[private_project.slug])).status_code == 404


def test_team_page_offers_start_links_with_the_project_prefilled(client, publisher, project):
    client.force_login(publisher)
    html = client.get(reverse("policycycle:project-team", args=[project.slug])).content.decode()
    for kind in ("draft_bill", "formal", "ideas"):
        assert f"/staff/consultations/new/?kind={kind}&amp;project={project.slug}" in html


def test_publisher_creates_a_project_at_the_first_stage(client, publisher, team, toolkit):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:project-create"),
        {
            "team": team.pk,
            "title": "Care and support reform",
            "slug": "care-reform",
            "summary": "s",
            "description": "",
            "team_notes": "",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    project = PolicyProject.objects.get(slug="care-reform")
    assert project.stage == toolkit["shaping"] and project.team == team
    assert project.history.first().history_user == publisher


def test_project_with_a_taken_web_address_is_refused_and_nothing_saved(client, publisher, team, project):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:project-create"),
        {
            "team": team.pk,
            "title": "Another",
            "slug": project.slug,
            "is_public": "on",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert PolicyProject.objects.count() == 1


def test_publisher_cannot_create_a_project_for_another_team(client, publisher, other_team, toolkit):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:project-create"),
        {
            "team": other_team.pk,
            "title": "Sneaky",
            "slug": "sneaky",
            "is_public": "on",
        },
    )
    assert response.status_code == 200
    assert not PolicyProject.objects.filter(slug="sneaky").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("citizen", 403),
        ("moderator", 403),
        ("analyst", 403),
        ("publisher", 200),
        ("superuser", 200),
    ],
)
def test_only_publishers_start_projects(client, request, toolkit, team, persona, status):
    _as(client, request, persona)
    assert client.get(reverse("policycycle:project-create")).status_code == status


@pytest.mark.parametrize(
    ("persona", "moved"),
    [
        ("analyst", False),
        ("moderator", False),
        ("outsider_official", False),
        ("publisher", True),
    ],
)
def test_only_the_teams_publisher_moves_a_project_through_the_stages(
    client, request, project, toolkit, persona, moved
):
    _as(client, request, persona)
    client.post(reverse("policycycle:project-move", args=[project.slug]), {"stage": toolkit["analysis"].pk})
    project.refresh_from_db()
    assert (project.stage == toolkit["analysis"]) is moved


def test_moving_a_project_is_kept_in_its_history_and_shown_on_the_team_page(
    client, publisher, project, toolkit
):
    client.force_login(publisher)
    client.post(reverse("policycycle:project-move", args=[project.slug]), {"stage": toolkit["engaging"].pk})
    assert [h.stage_id for h in project.history.order_by("history_date")] == [
        toolkit["shaping"].pk,
        toolkit["engaging"].pk,
    ]
    html = client.get(reverse("policycycle:project-team", args=[project.slug])).content.decode()
    assert "Engaging stakeholders (current stage)" in html
    assert "Changed project (Engaging stakeholders) by Publisher" in html


def test_moving_to_a_stage_that_does_not_exist_changes_nothing(client, publisher, project, toolkit):
    client.force_login(publisher)
    client.post(reverse("policycycle:project-move", args=[project.slug]), {"stage": 999})
    project.refresh_from_db()
    assert project.stage == toolkit["shaping"]


def test_analyst_records_a_private_decision_visible_to_the_team_only(client, analyst, project, toolkit):
    client.force_login(analyst)
    today = timezone.localdate()
    response = client.post(
        reverse("policycycle:decision-create", args=[project.slug]),
        {
            "stage": toolkit["shaping"].pk,
            "title": "Drop option B",
            "body": "Too costly.",
            "decided_on_day": today.day,
            "decided_on_month": today.month,
            "decided_on_year": today.year,
        },
    )
    assert response.status_code == 302
    decision = ProjectDecision.objects.get()
    assert decision.is_public is False and decision.recorded_by == analyst
    assert decision.history.count() == 1
    assert (
        "Drop option B"
        in client.get(reverse("policycycle:project-team", args=[project.slug])).content.decode()
    )
    client.logout()
    assert "Drop option B" not in client.get(project.get_absolute_url()).content.decode()


def test_a_decision_dated_in_the_future_is_refused(client, analyst, project, toolkit):
    client.force_login(analyst)
    later = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("policycycle:decision-create", args=[project.slug]),
        {
            "stage": toolkit["shaping"].pk,
            "title": "Decide later",
            "is_public": "on",
            "decided_on_day": later.day,
            "decided_on_month": later.month,
            "decided_on_year": later.year,
        },
    )
    assert "The date of the decision must be today or in the past" in response.content.decode()
    assert not ProjectDecision.objects.exists()


def test_a_decision_with_an_impossible_date_is_refused(client, analyst, project, toolkit):
    client.force_login(analyst)
    response = client.post(
        reverse("policycycle:decision-create", args=[project.slug]),
        {
            "stage": toolkit["shaping"].pk,
            "title": "x",
            "decided_on_day": "31",
            "decided_on_month": "2",
            "decided_on_year": "2026",
        },
    )
    assert "Enter a real date" in response.content.decode()
    assert not ProjectDecision.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("citizen", 403),
        ("outsider_official", 403),
        ("moderator", 403),
        ("analyst", 200),
        ("publisher", 200),
    ],
)
def test_recording_decisions_needs_an_analyst_or_publisher_of_the_team(
    client, request, project, persona, status
):
    _as(client, request, persona)
    assert client.get(reverse("policycycle:decision-create", args=[project.slug])).status_code == status


def test_public_page_shows_events_of_the_project_and_its_published_consultations(client, project, team):
    from responses.models import EngagementEvent

    live = ConsultationFactory(team=team, project=project)
    draft = ConsultationFactory(team=team, project=project, state=Consultation.State.DRAFT)
    now = timezone.now()
    EngagementEvent.objects.create(
        project=project, title="Carers' workshop in Leeds", starts_at=now, organiser="DH"
    )
    EngagementEvent.objects.create(
        consultation=live, title="Online session on clause 1", starts_at=now, organiser="DH"
    )
    EngagementEvent.objects.create(
        consultation=draft, title="Unannounced session", starts_at=now, organiser="DH"
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Carers&#x27; workshop in Leeds" in html
    assert "Online session on clause 1" in html
    assert "Unannounced session" not in html


def test_staff_links_partial_renders_on_the_consultation_manage_page(
    client, publisher, consultation, project
):
    consultation.project = project
    consultation.save()
    client.force_login(publisher)
    html = client.get(reverse("staff:consultation-manage", args=[consultation.slug])).content.decode()
    assert reverse("policycycle:consultation-evaluation", args=[consultation.slug]) in html
    assert reverse("policycycle:project-team", args=[project.slug]) in html


def test_publisher_makes_a_project_private_and_its_public_page_disappears(client, publisher, project):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:project-edit", args=[project.slug]),
        {
            "title": project.title,
            "summary": project.summary,
            "description": "",
            "team_notes": "",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_public is False
    assert project.history.first().is_public is False and project.history.last().is_public is True
    client.logout()
    assert client.get(project.get_absolute_url()).status_code == 404


def test_editing_a_project_with_no_title_saves_nothing(client, publisher, project):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:project-edit", args=[project.slug]), {"title": "", "is_public": "on"}
    )
    assert "There is a problem" in response.content.decode()
    project.refresh_from_db()
    assert project.title == "Care and support reform"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 403),
        ("moderator", 403),
        ("outsider_official", 403),
        ("publisher", 200),
        ("superuser", 200),
    ],
)
def test_only_the_teams_publisher_edits_a_project(client, request, project, persona, status):
    _as(client, request, persona)
    assert client.get(reverse("policycycle:project-edit", args=[project.slug])).status_code == status


def _event_data(**overrides):
    data = {
        "title": "Carers' round table in Leeds",
        "starts_on_day": "3",
        "starts_on_month": "3",
        "starts_on_year": "2026",
        "location": "Leeds Central Library",
        "organiser": "Care reform team",
        "attendees": "24",
        "consultation": "",
    }
    return {**data, **overrides}


def test_a_team_member_adds_an_event_for_the_whole_project_and_it_counts_in_the_evaluation(
    client, moderator, project
):
    from policycycle.evaluation import project_figures
    from responses.models import EngagementEvent

    client.force_login(moderator)
    url = reverse("policycycle:project-event-create", args=[project.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, _event_data())
    assert response.status_code == 302
    assert response.url == reverse("policycycle:project-team", args=[project.slug])
    event = EngagementEvent.objects.get()
    assert (event.project, event.consultation, event.created_by) == (project, None, moderator)
    assert event.attendees == 24
    assert timezone.localtime(event.starts_at).date() == dt.date(2026, 3, 3)
    figures = project_figures(project)
    assert (figures.events, figures.event_attendees) == (1, 24)
    html = client.get(reverse("policycycle:project-team", args=[project.slug])).content.decode()
    assert "Carers&#x27; round table in Leeds" in html and "24 taking part" in html


def test_an_event_can_feed_one_of_the_projects_consultations(client, analyst, project, team):
    from responses.models import EngagementEvent

    live = ConsultationFactory(team=team, project=project, title="Draft bill")
    client.force_login(analyst)
    client.post(
        reverse("policycycle:project-event-create", args=[project.slug]), _event_data(consultation=live.pk)
    )
    event = EngagementEvent.objects.get()
    assert (event.consultation, event.project) == (live, project)


def test_an_event_for_another_projects_consultation_or_without_a_date_is_refused(
    client, publisher, project, team
):
    from responses.models import EngagementEvent

    elsewhere = ConsultationFactory(team=team, title="Not this project's")
    client.force_login(publisher)
    url = reverse("policycycle:project-event-create", args=[project.slug])
    response = client.post(url, _event_data(consultation=elsewhere.pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    no_date = {"starts_on_day": "", "starts_on_month": "", "starts_on_year": "", "title": ""}
    response = client.post(url, _event_data(**no_date))
    html = response.content.decode()
    assert "There is a problem" in html and "Enter the date of the event" in html
    assert "Enter the name of the event" in html
    assert not EngagementEvent.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("citizen", 403), ("outsider_official", 403), ("moderator", 200), ("analyst", 200)],
)
def test_only_the_projects_team_adds_events(client, request, project, persona, status):
    _as(client, request, persona)
    url = reverse("policycycle:project-event-create", args=[project.slug])
    assert client.get(url).status_code == status
    client.post(url, _event_data())
    from responses.models import EngagementEvent

    assert EngagementEvent.objects.exists() is (status == 200)
