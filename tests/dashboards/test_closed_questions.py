"""Closed-question results: every count equals what the database holds, counted one response at a time
here, for every option, "not answered", every breakdown, every day and the themes beside each option;
drafts are not counted, an erased respondent's answers are, and campaign copies are counted and shown
apart."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from dashboards import closed
from insights.models import Campaign, CampaignMember, ThemeAssignment
from responses.models import Answer, Question, Response
from tests.dashboards.conftest import add_closed_answers, build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(consultation, document, citizen):
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    data = build(consultation, document, citizen, comments=4, answers=90)
    responses = data["responses"]
    questions = add_closed_answers(consultation, responses)
    # A saved draft is not a response yet: its choices are not counted.
    draft = Response.objects.create(consultation=consultation, status=Response.Status.DRAFT, channel="online")
    for q in questions:
        Answer.objects.create(response=draft, question=q, choices=[q.options[0]])
    # Responses 0-5 sent the same letter: a campaign whose canonical text is response 0's.
    campaign = Campaign.objects.create(consultation=consultation, canonical_text="same", size=6)
    for i, a in enumerate(data["answers"][:6]):
        CampaignMember.objects.create(campaign=campaign, answer=a, is_canonical=i == 0)
    # Response 10's respondent erases their account: the response stays, anonymised, and counts.
    person = UserFactory(email="erased@example.org")
    Response.objects.filter(pk=responses[10].pk).update(respondent=person)
    from dhdigital.accounts.privacy import account_erase

    account_erase(user=person)
    return {**data, "questions": questions, "draft": draft}


def _truth(consultation, questions):
    """Counted one response at a time in Python, straight from the rows."""
    submitted = list(Response.objects.filter(consultation=consultation, status="submitted"))
    chosen = {
        (a.response_id, a.question_id): a.choices
        for a in Answer.objects.filter(response__in=submitted, question__in=questions)
    }
    copies = set(
        CampaignMember.objects.filter(is_canonical=False, answer__isnull=False).values_list(
            "answer__response_id", flat=True
        )
    )
    return submitted, chosen, copies


def test_overall_counts_equal_the_database_with_drafts_left_out_and_copies_shown_apart(consultation, formal):
    results = closed.question_results(consultation)
    submitted, chosen, copies = _truth(consultation, formal["questions"])
    assert len(results) == 3 and all(r["responses"] == len(submitted) == 90 for r in results)
    for q, result in zip(formal["questions"], results, strict=True):
        by_label = {o["label"]: o for o in result["options"]}
        for option in q.options:
            who = [r.pk for r in submitted if option in (chosen.get((r.pk, q.pk)) or [])]
            assert by_label[option]["count"] == len(who), (q.text, option)
            assert by_label[option]["copies"] == len(set(who) & copies), (q.text, option)
            assert by_label[option]["percent"] == round(100 * len(who) / 90, 1)
        blank = [r for r in submitted if not chosen.get((r.pk, q.pk))]
        assert by_label[closed.NOT_ANSWERED]["count"] == len(blank) > 0
        assert result["answered"] == 90 - len(blank)
    assert sum(o["copies"] for o in results[0]["options"] if o["copies"]) > 0


def test_every_breakdown_equals_the_database(consultation, formal, settings):
    settings.SMALL_NUMBER_THRESHOLD = 0  # nothing hidden: every figure is compared
    results = closed.question_results(consultation)
    submitted, chosen, _ = _truth(consultation, formal["questions"])
    labels = {f: dict(choices.choices) for f, _, choices, _ in closed.BREAKDOWNS}
    for q, result in zip(formal["questions"], results, strict=True):
        for breakdown in result["breakdowns"]:
            field = breakdown["key"]
            people = [
                r for r in submitted if field != "organisation_type" or r.respondent_type == "organisation"
            ]
            groups = defaultdict(list)
            for r in people:
                groups[str(labels[field].get(getattr(r, field)) or "Not given")].append(r)
            assert {g["label"] for g in breakdown["groups"]} == set(groups), field
            for g in breakdown["groups"]:
                members = groups[g["label"]]
                assert g["responses"] == len(members)
                counts = [
                    sum(1 for r in members if option in (chosen.get((r.pk, q.pk)) or []))
                    for option in q.options
                ] + [sum(1 for r in members if not chosen.get((r.pk, q.pk)))]
                assert [c["count"] for c in g["cells"]] == counts, (q.text, field, g["label"])


def test_small_counts_by_region_are_hidden_and_cannot_be_subtracted_out(consultation, formal):
    results = closed.question_results(consultation)
    region = next(b for b in results[0]["breakdowns"] if b["key"] == "region")
    channel = next(b for b in results[0]["breakdowns"] if b["key"] == "channel")
    assert region["suppressed"] and not channel["suppressed"]
    for g in region["groups"]:
        hidden = [c for c in g["cells"] if c["count"] is None]
        assert len(hidden) != 1  # one hidden count alone would come back by subtraction
        assert all(c["display"] == "fewer than 5" for c in hidden)
        assert all(c["count"] == 0 or c["count"] >= 5 for c in g["cells"] if c["count"] is not None)
    assert all(c["count"] is not None for g in channel["groups"] for c in g["cells"])


def test_days_and_themes_beside_each_option_equal_the_database(consultation, formal):
    results = closed.question_results(consultation)
    submitted, chosen, _ = _truth(consultation, formal["questions"])
    today = timezone.localdate().isoformat()
    tagged = Counter()
    for tag in ThemeAssignment.objects.filter(rejected=False, answer__isnull=False).select_related("answer"):
        tagged[(tag.theme_id, tag.answer.response_id)] += 1
    for q, result in zip(formal["questions"], results, strict=True):
        assert [d["day"] for d in result["days"]] == [today]
        expected_day = [o["count"] for o in result["options"] if not o.get("not_answered")]
        assert result["days"][0]["counts"] == expected_day[: len(q.options)]
        for option in result["options"]:
            if option.get("not_answered"):
                continue
            who = {r.pk for r in submitted if option["label"] in (chosen.get((r.pk, q.pk)) or [])}
            expected = Counter()
            for theme_id, response_id in tagged:
                if response_id in who:
                    expected[theme_id] += 1
            assert {t["id"]: t["count"] for t in option["themes"]} == dict(expected), (
                q.text,
                option["label"],
            )
    assert any(o["themes"] for r in results for o in r["options"] if not o.get("not_answered"))


def test_the_explorers_filtered_set_is_counted_alone(consultation, formal):
    first = formal["questions"][0]
    chose_no = Answer.objects.filter(closed.option_filter(first, "No")).values("response_id")
    results = closed.question_results(consultation, responses=chose_no, detail=False)
    n = Answer.objects.filter(question=first, choices=["No"], response__status="submitted").count()
    assert results[0]["responses"] == n > 0
    by_label = {o["label"]: o["count"] for o in results[0]["options"]}
    assert by_label == {"Yes": 0, "Partly": 0, "No": n, closed.NOT_ANSWERED: 0}
    assert "breakdowns" not in results[0]


def test_option_filter_on_a_multiple_choice_question_finds_every_set_holding_the_option(consultation, formal):
    multiple = formal["questions"][1]
    assert multiple.kind == Question.Kind.MULTIPLE
    found = set(
        Answer.objects.filter(closed.option_filter(multiple, "Small businesses")).values_list("pk", flat=True)
    )
    expected = {a.pk for a in Answer.objects.filter(question=multiple) if "Small businesses" in a.choices}
    assert found == expected and len({tuple(a.choices) for a in Answer.objects.filter(pk__in=found)}) > 1


def _explorer(client, consultation, **params):
    from urllib.parse import urlencode

    from django.urls import reverse

    return client.get(reverse("dashboards:explorer", args=[consultation.slug]) + "?" + urlencode(params))


def test_explorer_filters_by_an_option_and_a_theme_together(client, analyst, consultation, formal):
    import re

    first = formal["questions"][0]
    client.force_login(analyst)
    option = f"{first.pk}:{first.options.index('No')}"
    html = _explorer(client, consultation, type="answer", option=option, per_page=100).content.decode()
    chose = set(Answer.objects.filter(question=first, choices=["No"]).values_list("response_id", flat=True))
    listed = {int(pk) for pk in re.findall(r'data-unit="answer:(\d+)"', html)}
    assert listed == set(Answer.objects.filter(response_id__in=chose).values_list("pk", flat=True))
    assert "What these" in html and f'data-closed-question="{first.pk}"' in html
    theme = formal["fairness"]
    html = _explorer(client, consultation, type="answer", option=option, theme=theme.pk).content.decode()
    both = {
        a.pk
        for a in Answer.objects.filter(response_id__in=chose)
        if ThemeAssignment.objects.filter(theme=theme, answer=a, rejected=False).exists()
    }
    assert {int(pk) for pk in re.findall(r'data-unit="answer:(\d+)"', html)} == both


def test_explorer_refuses_an_option_that_is_not_one(client, analyst, consultation, formal):
    client.force_login(analyst)
    response = _explorer(client, consultation, option=f"{formal['questions'][0].pk}:9")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_dashboard_shows_each_closed_question_with_its_chart_and_table(client, analyst, consultation, formal):
    from django.urls import reverse

    client.force_login(analyst)
    html = client.get(reverse("dashboards:dashboard", args=[consultation.slug])).content.decode()
    results = closed.question_results(consultation)
    for q in results:
        assert f'data-closed-question="{q["id"]}"' in html and q["text"] in html
        for o in q["options"]:
            assert f'data-option="{o["label"]}"' in html
    assert html.count('role="img" aria-labelledby="closed-') >= 3
    assert "Themes raised by those who chose each option" in html


def test_a_report_freezes_the_results_and_its_public_copy_hides_every_small_cell(
    client, analyst, publisher, consultation, formal
):
    from django.urls import reverse

    from dashboards import services
    from dashboards.reports import public_snapshot

    report = services.report_create(consultation=consultation, by=analyst, title="Closed questions")
    assert report.snapshot["closed"] == closed.question_results(consultation)
    Response.objects.filter(pk=formal["responses"][20].pk).update(status=Response.Status.DRAFT)
    report.refresh_from_db()
    assert report.snapshot["closed"][0]["responses"] == 90  # frozen: later changes do not reach it

    team = {b["key"]: b for b in report.snapshot["closed"][0]["breakdowns"]}
    public = {b["key"]: b for b in public_snapshot(report.snapshot)["closed"][0]["breakdowns"]}
    team_small = [c for g in team["channel"]["groups"] for c in g["cells"] if c["count"] and c["count"] < 5]
    assert team_small  # the team sees small counts by channel
    for g in public["channel"]["groups"]:
        assert all(c["count"] is None or c["count"] == 0 or c["count"] >= 5 for c in g["cells"])
        assert [c["count"] is None for c in g["cells"]].count(True) != 1

    client.force_login(analyst)
    page = client.get(
        reverse("dashboards:report-detail", args=[consultation.slug, report.pk])
    ).content.decode()
    assert "Answers to closed questions" in page and formal["questions"][0].text in page
    assert "data-closed-table" in page and 'role="img"' in page and "<details" not in page
    services.report_publish(report=report, by=publisher)
    client.logout()
    public_page = client.get(
        reverse("consultations:report", args=[consultation.slug, report.pk])
    ).content.decode()
    assert formal["questions"][0].text in public_page and "data-closed-table" in public_page
    assert "explore these responses" not in public_page  # no links into the team's explorer
    api = client.get(f"/api/v1/consultations/{consultation.slug}/reports/").json()
    found = api["results"][0]["snapshot"]["closed"] if "results" in api else api[0]["snapshot"]["closed"]
    assert [o["count"] for o in found[0]["options"]] == [
        o["count"] for o in report.snapshot["closed"][0]["options"]
    ]
    pdf = client.get(reverse("consultations:report-pdf", args=[consultation.slug, report.pk]))
    from tests.dashboards.test_reports import _pdf_objects

    assert b"Answers to closed questions" in _pdf_objects(pdf.content)


def test_exports_carry_every_response_choices_and_the_results(client, analyst, consultation, formal):
    import csv
    import io
    import json

    from django.urls import reverse

    client.force_login(analyst)

    def download(dataset, fmt):
        response = client.get(reverse("dashboards:export-download", args=[consultation.slug, dataset, fmt]))
        return b"".join(response.streaming_content) if response.streaming else response.getvalue()

    rows = list(csv.DictReader(io.StringIO(download("responses", "csv").decode("utf-8-sig"))))
    assert len(rows) == 90
    by_ref = {r["reference"]: r for r in rows}
    for a in Answer.objects.filter(question__in=formal["questions"], response__status="submitted"):
        assert by_ref[a.response.reference][a.question.column] == "; ".join(a.choices)
    assert all("email" not in r and "@" not in "".join(r.values()) for r in rows)

    results = json.loads(download("closed", "json"))
    truth = closed.question_results(consultation, suppress=False)
    overall = {(r["question_id"], r["option"]): r["count"] for r in results if r["breakdown"] == "all"}
    assert overall == {(q["id"], o["label"]): o["count"] for q in truth for o in q["options"]}
    region = [r for r in results if r["breakdown"] == "region"]
    assert region and all(isinstance(r["count"], int) for r in region)  # the team's figures, not hidden
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download("closed", "xlsx"))).active
    assert len(list(sheet.iter_rows(values_only=True))) == len(results) + 1


def test_the_api_gives_the_team_the_dashboards_figures_and_nobody_else(
    client, analyst, citizen, consultation, formal
):
    url = f"/api/v1/staff/consultations/{consultation.slug}/question-results/"
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(analyst)
    body = client.get(url).json()
    truth = closed.question_results(consultation)
    assert [q["id"] for q in body] == [q["id"] for q in truth]
    for got, want in zip(body, truth, strict=True):
        assert [(o["label"], o["count"], o["copies"]) for o in got["options"]] == [
            (o["label"], o["count"], o["copies"]) for o in want["options"]
        ]
        assert [[c["count"] for g in b["groups"] for c in g["cells"]] for b in got["breakdowns"]] == [
            [c["count"] for g in b["groups"] for c in g["cells"]] for b in want["breakdowns"]
        ]
