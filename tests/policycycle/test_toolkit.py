"""The toolkit content: seeding, public pages, searching case studies, and versioned staff editing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from policycycle import content
from policycycle import models as pm
from policycycle.models import Activity, CaseStudy, Stage, Technique
from policycycle.services import toolkit_seed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_seeding_creates_four_stages_eight_activities_and_every_technique_and_case_study():
    created = toolkit_seed()
    assert created["stages"] == 4
    assert list(Stage.objects.values_list("name", flat=True)) == [
        "Shaping the policy product",
        "Engaging stakeholders",
        "Building robust analysis and evaluation",
        "Finding practical solutions and enabling delivery",
    ]
    assert set(Activity.objects.values_list("name", flat=True)) == {
        "Gathering evidence",
        "Collecting ideas",
        "Talking to people",
        "Working with others",
        "Asking questions",
        "Analysing responses",
        "Evaluating what works",
        "Explaining policy",
    }
    assert Technique.objects.count() == len(content.TECHNIQUES)
    assert CaseStudy.objects.count() == 6
    assert pm.Testimonial.objects.count() == 3


def test_seeding_twice_creates_nothing_and_keeps_staff_edits():
    toolkit_seed()
    Technique.objects.filter(slug="influencer-mapping").update(summary="Edited by a publisher.")
    again = toolkit_seed()
    assert again == {"stages": 0, "activities": 0, "techniques": 0, "case_studies": 0, "testimonials": 0}
    assert Technique.objects.get(slug="influencer-mapping").summary == "Edited by a publisher."


def test_seed_toolkit_command_reports_what_it_created(capsys):
    from django.core.management import call_command

    call_command("seed_toolkit")
    assert "4 stages created" in capsys.readouterr().out
    call_command("seed_toolkit")
    assert "0 stages created" in capsys.readouterr().out


def test_every_technique_says_what_when_effort_risks_accessibility_and_assisted_digital(toolkit):
    for t in Technique.objects.prefetch_related("stages", "activities"):
        assert t.summary and t.when_to_use and t.risks and t.accessibility and t.assisted_digital, t.slug
        assert t.stages.exists() and t.activities.exists(), t.slug


def test_case_studies_state_the_cited_figures_with_their_source(toolkit):
    bill = CaseStudy.objects.get(slug="draft-care-and-support-bill")
    assert "83 clauses" in bill.body
    assert "over 1,000 comments from about 430 unique respondents" in bill.body
    assert bill.source_url == "https://github.com/alphagov/government-digital-strategy"
    maps = CaseStudy.objects.get(slug="maps-and-apps")
    assert "7,625 votes" in maps.body and "almost 900 comments" in maps.body
    assert maps.source_url.startswith("https://www.gov.uk/government/news/")
    for case in CaseStudy.objects.all():
        assert case.source and case.source_url.startswith("https://"), case.slug


def test_case_studies_without_sourced_figures_contain_no_numbers(toolkit):
    import re

    for slug in (
        "caring-for-our-future",
        "nursing-social-media",
        "social-media-crisis-simulation",
        "stoptober",
    ):
        case = CaseStudy.objects.get(slug=slug)
        assert not re.search(r"\d", case.body + case.summary), slug


def test_toolkit_page_lists_each_stage_with_its_techniques(client, toolkit):
    html = client.get(reverse("policycycle:toolkit-index")).content.decode()
    for stage in toolkit.values():
        assert stage.name in html
    assert "Commentable documents" in html and "Influencer mapping" in html


def test_technique_page_shows_effort_accessibility_and_its_case_studies(client, toolkit):
    html = client.get(
        reverse("policycycle:technique-detail", args=["commentable-documents"])
    ).content.decode()
    assert "Assisted digital" in html
    assert "Comments by email and post are entered against the right clause" in html
    assert "The draft Care and Support Bill, clause by clause" in html
    assert "Edit this technique" not in html


def test_unknown_technique_is_404(client, toolkit):
    assert client.get(reverse("policycycle:technique-detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=crowd-sourcing", {"maps-and-apps"}),
        ("q=clause", {"draft-care-and-support-bill"}),
        ("q=Neaman", {"draft-care-and-support-bill"}),
        ("stage=delivery", {"nursing-social-media", "social-media-crisis-simulation", "stoptober"}),
        ("technique=digital-engagement-events", {"caring-for-our-future"}),
        ("q=nothing-matches-this", set()),
    ],
)
def test_case_study_search_finds_by_words_stage_and_technique(client, toolkit, query, expected):
    response = client.get(reverse("policycycle:casestudy-list") + "?" + query)
    found = {c.slug for c in response.context["case_studies"]}
    assert found == expected


def test_unpublished_case_study_is_hidden_from_the_public_but_not_from_publishers(client, toolkit, publisher):
    CaseStudy.objects.filter(slug="stoptober").update(is_published=False)
    url = reverse("policycycle:casestudy-detail", args=["stoptober"])
    assert client.get(url).status_code == 404
    assert "stoptober" not in {
        c.slug for c in client.get(reverse("policycycle:casestudy-list")).context["case_studies"]
    }
    client.login(email=publisher.email, password=PASSWORD)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("moderator", 403),
        ("analyst", 403),
        ("publisher", 200),
        ("outsider_official", 200),
        ("superuser", 200),
    ],
)
def test_only_publishers_and_superusers_may_edit_toolkit_content(client, toolkit, request, persona, status):
    user = request.getfixturevalue(persona)
    if persona != "anonymous":
        client.force_login(user)
    for name, slug in [
        ("technique-edit", "influencer-mapping"),
        ("stage-edit", "shaping"),
        ("casestudy-edit", "stoptober"),
        ("technique-history", "influencer-mapping"),
    ]:
        assert client.get(reverse(f"policycycle:{name}", args=[slug])).status_code == status, name


def test_editing_a_technique_keeps_the_old_version_and_shows_what_changed(client, toolkit, publisher):
    client.force_login(publisher)
    technique = Technique.objects.get(slug="influencer-mapping")
    url = reverse("policycycle:technique-edit", args=[technique.slug])
    form = client.get(url).context["form"]
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("stages", "activities", "audiences")
    }
    data.update(
        summary="Who shapes the debate online, and who listens to them.",
        stages=[s.pk for s in technique.stages.all()],
        activities=[a.pk for a in technique.activities.all()],
        audiences=technique.audiences,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    technique.refresh_from_db()
    assert technique.summary == "Who shapes the debate online, and who listens to them."
    assert technique.history.count() == 2
    assert technique.history.first().history_user == publisher
    html = client.get(reverse("policycycle:technique-history", args=[technique.slug])).content.decode()
    assert "Who shapes the debate online, and who listens to them." in html
    assert "A map of the people and organisations who shape the conversation" in html
    assert "Publisher" in html


def test_editing_a_technique_with_a_blank_name_saves_nothing(client, toolkit, publisher):
    client.force_login(publisher)
    url = reverse("policycycle:technique-edit", args=["influencer-mapping"])
    response = client.post(url, {"name": "", "summary": "x", "when_to_use": "y", "effort": "low"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Technique.objects.get(slug="influencer-mapping").name == "Influencer mapping"
    assert Technique.objects.get(slug="influencer-mapping").history.count() == 1


def test_editing_a_case_study_records_who_changed_it(client, toolkit, superuser):
    client.force_login(superuser)
    case = CaseStudy.objects.get(slug="stoptober")
    url = reverse("policycycle:casestudy-edit", args=[case.slug])
    response = client.post(
        url,
        {
            "title": "Stoptober campaign",
            "organisation": case.organisation,
            "summary": case.summary,
            "body": case.body,
            "source": case.source,
            "source_url": case.source_url,
            "stages": [s.pk for s in case.stages.all()],
            "techniques": [t.pk for t in case.techniques.all()],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    latest = case.history.first()
    assert latest.title == "Stoptober campaign" and latest.history_user == superuser
    assert case.history.last().title == "Stoptober"


def test_what_changed_names_audiences_by_label_and_ignores_a_mere_reordering(toolkit, publisher):
    from policycycle.selectors import history_changes

    technique = Technique.objects.get(slug="influencer-mapping")
    technique.audiences = list(reversed(technique.audiences))
    technique.save()
    technique.audiences = [*technique.audiences, "public"]
    technique.save()
    assert technique.history.count() == 3
    newest, first = history_changes(technique.history)  # the reordering alone is not listed
    assert first["created"]
    (change,) = newest["changes"]
    assert change["field"] == "Audiences"
    assert change["new"] == (
        "Frontline professionals (nurses, doctors, care workers); "
        "Stakeholder organisations and experts; The general public"
    )


def test_what_changed_includes_the_stages_a_technique_is_linked_to(client, toolkit, publisher):
    technique = Technique.objects.get(slug="online-metrics")
    technique.stages.add(toolkit["shaping"])
    client.force_login(publisher)
    html = client.get(reverse("policycycle:technique-history", args=[technique.slug])).content.decode()
    assert "Stages" in html
    assert "Building robust analysis and evaluation; Finding practical solutions and enabling delivery; " \
        "Shaping the policy product" in html


def test_publisher_adds_a_technique_with_its_stages_in_its_first_version(client, toolkit, publisher):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:technique-create"),
        {
            "slug": "online-panels",
            "name": "Online panels",
            "summary": "A standing group of people who answer short surveys.",
            "when_to_use": "To test reactions quickly.",
            "effort": "medium",
            "audiences": ["public"],
            "stages": [toolkit["analysis"].pk],
            "activities": [Activity.objects.get(slug="asking-questions").pk],
        },
    )
    assert response.status_code == 302
    technique = Technique.objects.get(slug="online-panels")
    assert list(technique.stages.values_list("slug", flat=True)) == ["analysis"]
    assert technique.history.first().history_user == publisher


def test_a_technique_with_a_taken_web_address_is_refused(client, toolkit, publisher):
    client.force_login(publisher)
    response = client.post(
        reverse("policycycle:technique-create"),
        {"slug": "influencer-mapping", "name": "Again", "summary": "x", "when_to_use": "y", "effort": "low"},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert Technique.objects.filter(slug="influencer-mapping").get().name == "Influencer mapping"


@pytest.mark.parametrize(("persona", "status"), [("citizen", 403), ("analyst", 403), ("publisher", 200)])
def test_only_publishers_add_techniques_and_case_studies(client, toolkit, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("policycycle:technique-create")).status_code == status
    assert client.get(reverse("policycycle:casestudy-create")).status_code == status
