"""The toolkit content: seeding, public pages, searching case studies, and versioned staff editing."""

from __future__ import annotations

import re

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
    assert again == {
        "stages": 0,
        "activities": 0,
        "techniques": 0,
        "case_studies": 0,
        "testimonials": 0,
        "case_studies_updated": 0,
    }
    assert Technique.objects.get(slug="influencer-mapping").summary == "Edited by a publisher."


def test_a_case_study_nobody_edited_takes_corrected_shipped_text_but_an_edited_one_is_kept(
    client, publisher, toolkit
):
    # An older release shipped other text for two case studies; one was then edited by a publisher.
    for slug in ("stoptober", "maps-and-apps"):
        case = CaseStudy.objects.get(slug=slug)
        case.body = "Old text, since corrected."
        case.save()
    client.force_login(publisher)
    edited = CaseStudy.objects.get(slug="maps-and-apps")
    data = {
        "title": edited.title,
        "organisation": edited.organisation,
        "summary": edited.summary,
        "body": "A publisher's own wording.",
        "source": edited.source,
        "source_url": edited.source_url,
        "stages": [s.pk for s in edited.stages.all()],
        "techniques": [t.pk for t in edited.techniques.all()],
        "is_published": "on",
    }
    assert client.post(reverse("policycycle:casestudy-edit", args=["maps-and-apps"]), data).status_code == 302
    assert toolkit_seed()["case_studies_updated"] == 1
    stoptober = CaseStudy.objects.get(slug="stoptober")
    shipped = next(c for c in content.CASE_STUDIES if c["slug"] == "stoptober")
    assert stoptober.body == shipped["body"]
    assert stoptober.history.first().history_change_reason == "Updated to the toolkit's current text"
    client.force_login(publisher)
    history = client.get(reverse("policycycle:casestudy-history", args=["stoptober"])).content.decode()
    assert "Updated to the toolkit&#x27;s current text" in history
    assert CaseStudy.objects.get(slug="maps-and-apps").body == "A publisher's own wording."
    assert toolkit_seed()["case_studies_updated"] == 0


def test_seed_toolkit_command_reports_what_it_created(capsys):
    from django.core.management import call_command

    call_command("seed_toolkit")
    assert "4 stages created" in capsys.readouterr().out
    call_command("seed_toolkit")
    out = capsys.readouterr().out
    assert "0 stages created" in out and "0 case studies created" in out
    assert "0 case studies updated to the current text" in out


def test_every_technique_says_what_when_effort_risks_accessibility_and_assisted_digital(toolkit):
    for t in Technique.objects.prefetch_related("stages", "activities"):
        assert t.summary and t.when_to_use and t.risks and t.accessibility and t.assisted_digital, t.slug
        assert t.stages.exists() and t.activities.exists(), t.slug


# Every figure in the seeded case studies, with the words of its source it was checked against (the
# source's own wording, as published; see policycycle/content.py for the addresses).
CHECKED_FIGURES = {
    "draft-care-and-support-bill": {
        "11 July 2012": "Public consultation on the draft bill was from 11 July to 19 October 2012",
        "19 October 2012": "Public consultation on the draft bill was from 11 July to 19 October 2012",
        "clauses 1 to 53": "Part 1 (clauses 1-53) and Schedules 1-4",
        "clauses 54 to 77": "Part 2 of the draft Bill—clauses 54-77 and Schedules 5-8",
        "over 1,000 comments": "Over 1,000 comments were received",
        "around 430 unique respondents": "with around 430 unique respondents",
    },
    "maps-and-apps": {
        "August 2011": "Wired UK, 22 August 2011: the competition was launched that day",
        "six weeks": "Suggestions can be submitted over the next six weeks",
        "more than 490 suggestions": "So far more than 490 suggestions have been posted",
        "7,625 votes": "along with 7625 votes",
        "almost 900 comments": "and almost 900 comments",
    },
    "caring-for-our-future": {
        "15 September 2011": "The consultation will run from today until early December",
        "early December 2011": "The consultation will run from today until early December",
        "2025": "their vision for care and support in 2025",
        "Cm 8378": "Caring for our future: reforming care and support (Cm 8378, July 2012)",
        "July 2012": "Caring for our future: reforming care and support (Cm 8378, July 2012)",
    },
    "nursing-social-media": {},
    "social-media-crisis-simulation": {},
    "stoptober": {
        "2012": "launched across England during late 2012",
        "31,566 past-year smokers": "Data on quit attempts were obtained from 31,566 past-year smokers",
        "50%": "In 2012 there was an approximately 50% increase in quitting during October",
        "9.6%": "(9.6% vs. 6.6%",
        "6.6%": "(9.6% vs. 6.6%",
        "350,000": "Stoptober is estimated to have generated an additional 350,000 quit attempts",
        "10,400": "saved 10,400 discounted life years (DLY)",
        "£415": "at less than £415 per DLY in the modal age group",
    },
}


def test_case_studies_state_the_figures_their_sources_give(toolkit):
    bill = CaseStudy.objects.get(slug="draft-care-and-support-bill")
    assert "over 1,000 comments, with around 430 unique respondents" in bill.body
    assert "83 clauses" not in bill.body  # no source we cite gives that count
    maps = CaseStudy.objects.get(slug="maps-and-apps")
    assert "7,625 votes and almost 900 comments" in maps.body
    assert maps.source_url.startswith("https://www.gov.uk/government/news/")
    assert set(CHECKED_FIGURES) == set(CaseStudy.objects.values_list("slug", flat=True))
    for case in CaseStudy.objects.all():
        assert case.source and case.source_url.startswith(("https://", "http://")), case.slug
        for figure in CHECKED_FIGURES[case.slug]:
            assert figure in case.body, (case.slug, figure)


def test_every_number_in_a_case_study_is_one_that_was_checked_against_its_source(toolkit):
    """A number added to the seeded facts without being checked (and listed above) fails here."""
    for case in CaseStudy.objects.all():
        text = re.sub(r"\[[^\]]*\]\([^)]*\)", "", case.body)  # leave out the source links
        checked = " ".join(CHECKED_FIGURES[case.slug])
        for number in re.findall(r"\d[\d,.]*", text + " " + case.summary):
            assert number.rstrip(".,") in checked, (case.slug, number)


def test_every_fact_in_a_case_study_links_to_its_source(toolkit):
    for case in CaseStudy.objects.all():
        lines = [line for line in case.body.splitlines() if line.strip()]
        assert lines, case.slug
        for line in lines:
            assert line.startswith("- ") and re.search(r"\(\[[^\]]+\]\(https?://[^)]+\)\)$", line), line


def test_case_study_page_links_each_fact_to_its_source(client, toolkit):
    html = client.get(reverse("policycycle:casestudy-detail", args=["stoptober"])).content.decode()
    assert html.count('href="https://doi.org/10.1016/j.drugalcdep.2013.11.003"') >= 4  # 3 facts + source
    assert "Drug and Alcohol Dependence" in html


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
        ("q=smoke-free", {"stoptober"}),
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
    assert (
        "Building robust analysis and evaluation; Finding practical solutions and enabling delivery; "
        "Shaping the policy product" in html
    )


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


def _testimonial_data(**overrides):
    return {
        "quote": "Can't fault that for co-production.",
        "person": "Alex Fox",
        "role": "Chief executive, Shared Lives Plus",
        "source": content.GDS_CASE_STUDY[0],
        "source_url": content.GDS_CASE_STUDY[1],
        **overrides,
    }


def test_publisher_adds_edits_and_removes_a_testimonial_and_the_history_keeps_every_version(
    client, toolkit, publisher
):
    client.force_login(publisher)
    case = CaseStudy.objects.get(slug="draft-care-and-support-bill")
    form = client.get(reverse("policycycle:testimonial-create", args=[case.slug])).context["form"]
    assert form.initial["source_url"] == case.source_url  # starts from the case study's own source
    response = client.post(reverse("policycycle:testimonial-create", args=[case.slug]), _testimonial_data())
    assert response.status_code == 302
    added = case.testimonials.get(person="Alex Fox")
    assert added.position == 2 and added.history.get().history_user == publisher
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Can&#x27;t fault that for co-production." in html
    assert reverse("policycycle:testimonial-edit", args=[case.slug, added.pk]) in html

    edit = reverse("policycycle:testimonial-edit", args=[case.slug, added.pk])
    client.post(edit, _testimonial_data(role="CEO, Shared Lives Plus"))
    added.refresh_from_db()
    assert added.role == "CEO, Shared Lives Plus" and added.history.count() == 2

    remove = reverse("policycycle:testimonial-remove", args=[case.slug, added.pk])
    assert "Remove this testimonial?" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not case.testimonials.filter(person="Alex Fox").exists()

    history = client.get(reverse("policycycle:casestudy-history", args=[case.slug])).content.decode()
    assert "Removed: Alex Fox" in history and "Added: Alex Fox" in history and "Changed: Alex Fox" in history
    assert "Chief executive, Shared Lives Plus" in history and "CEO, Shared Lives Plus" in history
    assert history.count("by Publisher") >= 3


def test_a_testimonial_without_its_source_is_refused_and_nothing_is_saved(client, toolkit, publisher):
    client.force_login(publisher)
    case = CaseStudy.objects.get(slug="stoptober")
    url = reverse("policycycle:testimonial-create", args=[case.slug])
    response = client.post(url, _testimonial_data(source="", source_url="not a web address"))
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter where the quotation was published" in html
    assert "Enter the web address of the source in the correct format" in html
    assert not case.testimonials.exists()


def test_a_testimonial_of_another_case_study_cannot_be_edited_through_this_one(client, toolkit, publisher):
    client.force_login(publisher)
    quote = CaseStudy.objects.get(slug="nursing-social-media").testimonials.get()
    url = reverse("policycycle:testimonial-edit", args=["stoptober", quote.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _testimonial_data()).status_code == 404
    quote.refresh_from_db()
    assert quote.person == "Viv Bennett"


@pytest.mark.parametrize(("persona", "status"), [("citizen", 403), ("analyst", 403), ("publisher", 200)])
def test_only_publishers_edit_testimonials(client, toolkit, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    quote = CaseStudy.objects.get(slug="nursing-social-media").testimonials.get()
    for name, args in [
        ("testimonial-create", ["nursing-social-media"]),
        ("testimonial-edit", ["nursing-social-media", quote.pk]),
        ("testimonial-remove", ["nursing-social-media", quote.pk]),
    ]:
        assert client.get(reverse(f"policycycle:{name}", args=args)).status_code == status, name
    client.post(reverse("policycycle:testimonial-remove", args=["nursing-social-media", quote.pk]))
    assert CaseStudy.objects.get(slug="nursing-social-media").testimonials.exists() is (status != 200)
