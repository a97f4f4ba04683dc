"""The dashboard's grouped counts are kept in the cache under the consultation's results version
(dashboards.selectors.Tallies), which PostgreSQL moves on whenever a row they count changes. After a
change through every way the portal writes those rows (an online response submitted, then changed; a
postal response typed in; a CSV import; a respondent's details changed; an erased account; campaigns
found by an analysis run; theme tags added, removed and rejected; a theme deleted; a question's options
edited; an update straight through a queryset), the dashboard shows exactly what a count made afresh from
the database shows, and not what it showed before."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dashboards import closed, selectors
from dashboards.models import ResultsVersion
from insights.curation import tag_add, tag_decide, tag_remove, theme_delete
from insights.models import AnalysisRun, Campaign, CampaignMember, ThemeAssignment
from insights.saving import _save_campaigns
from responses import importing, services
from responses.models import Answer, Question, Response
from responses.validation import CleanAnswer
from tests.dashboards.conftest import add_closed_answers, build, cached_page_check, postgresql_only
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(consultation, document, citizen):
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    data = build(consultation, document, citizen, comments=4, answers=40)
    questions = add_closed_answers(consultation, data["responses"])
    return {**data, "questions": questions}


def _page(client, consultation) -> dict:
    """What the dashboard shows that is counted from the responses."""
    response = client.get(reverse("dashboards:dashboard", args=[consultation.slug]))
    assert response.status_code == 200
    ctx = response.context
    return {
        "closed": ctx["closed"],
        "total_responses": ctx["total_responses"],
        "breakdowns": [(b["key"], [(x.label, x.value) for x in b["bars"]]) for b in ctx["breakdowns"]],
        "over_time": [(r["day"], r["responses"]) for r in ctx["over_time"]],
    }


@pytest.fixture
def shown(client, analyst, consultation, formal):
    return cached_page_check(client, analyst, consultation, _page)


def _answer(question: Question, i: int = 0) -> CleanAnswer:
    return CleanAnswer(choices=[question.options[i % len(question.options)]], text="")


def test_an_online_response_submitted_then_changed(consultation, formal, shown):
    person = UserFactory(email="new-respondent@example.org")
    response = services.response_start(consultation=consultation, user=person)
    services.response_save_about(
        response=response, respondent_type="individual", region="wales", consent="anonymous"
    )
    for q in formal["questions"]:
        services.answer_save(response=response, question=q, choices=[q.options[0]])
    services.response_submit(response=response)
    after = shown()
    services.answer_save(response=response, question=formal["questions"][0], choices=["No"])
    services.response_submit(response=response)
    assert shown()["closed"][0] != after["closed"][0]


def test_a_postal_response_typed_in_by_an_official(consultation, formal, analyst, shown):
    services.response_enter_offline(
        consultation=consultation,
        by=analyst,
        channel="post",
        received_at=timezone.localdate(),
        respondent_type="organisation",
        organisation_name="Greystone",
        organisation_type=Response.OrganisationType.choices[0][0],
        region="scotland",
        consent="anonymous",
        answers={q.pk: _answer(q, 2) for q in formal["questions"]},
    )
    shown()


def test_a_csv_import(consultation, formal, analyst, shown):
    columns = importing.template_columns(consultation)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for n in range(3):
        values = {
            "respondent_type": "individual",
            "name": f"Respondent {n}",
            "email": f"imported{n}@example.org",
            "region": "Wales",
            "consent": "anonymous",
            "channel": "email",
            "received_on": timezone.localdate().isoformat(),
        }
        for q in Question.objects.filter(consultation=consultation):
            values[q.column] = "A letter" if q.kind == "text" else q.options[n % len(q.options)]
        writer.writerow(values)
    created = importing.responses_import(consultation=consultation, by=analyst, data=out.getvalue().encode())
    assert len(created) == 3
    shown()


def test_a_respondents_details_changed(formal, shown):
    response = formal["responses"][1]
    services.response_save_about(response=response, region="wales" if response.region != "wales" else "")
    shown()


def test_an_erased_account_leaves_the_same_counts(consultation, formal, shown):
    from dhdigital.accounts.privacy import account_erase

    person = UserFactory(email="to-erase@example.org")
    Response.objects.filter(pk=formal["responses"][4].pk).update(respondent=person)
    other = UserFactory(email="draft-only@example.org")
    draft = services.response_start(consultation=consultation, user=other)
    services.answer_save(response=draft, question=formal["questions"][0], choices=["Yes"])
    account_erase(user=person)
    account_erase(user=other)
    assert not Response.objects.filter(pk=draft.pk).exists()
    assert Response.objects.get(pk=formal["responses"][4].pk).respondent is None
    shown(changed=False)


def test_campaigns_found_by_an_analysis_run(consultation, formal, shown):
    from types import SimpleNamespace

    run = AnalysisRun.objects.create(consultation=consultation, scope="consultation")
    copies = formal["answers"][:5]
    found = SimpleNamespace(
        canonical_text=copies[0].text,
        size=5,
        mean_similarity=0.9,
        canonical_id=f"answer:{copies[0].pk}",
        member_ids=[f"answer:{a.pk}" for a in copies],
        added_words={},
    )
    assert _save_campaigns(run, SimpleNamespace(campaigns=[found])) == 1
    after = shown()
    assert after["closed"][0]["copies"] > 0
    Campaign.objects.filter(consultation=consultation).delete()
    assert shown()["closed"][0]["copies"] == 0


def test_theme_tags_added_rejected_and_removed_and_a_theme_deleted(consultation, formal, analyst, shown):
    fairness = formal["fairness"]
    for a in formal["answers"][2:8]:
        tag_add(theme=fairness, by=analyst, unit=f"answer:{a.pk}")
    after = shown()
    assert any(o.get("themes") for o in after["closed"][0]["options"])
    machine = ThemeAssignment.objects.filter(theme=fairness, source=ThemeAssignment.Source.MACHINE)
    tag_decide(tag=machine.first(), by=analyst, confirm=False)
    shown()
    official = ThemeAssignment.objects.filter(theme=fairness, source=ThemeAssignment.Source.HUMAN)
    tag_remove(tag=official.first(), by=analyst)
    shown()
    theme_delete(theme=fairness, by=analyst)
    assert not any(o.get("themes") for o in shown()["closed"][0]["options"])


def test_a_question_whose_options_are_edited(formal, analyst, shown):
    question = formal["questions"][0]
    services.question_update(question=question, by=analyst, choices=[*question.options, "Not sure"])
    shown()


def test_a_question_reworded_shows_at_once_in_the_results_kept_with_their_html(
    client, analyst, consultation, formal, shown
):
    question = formal["questions"][1]
    url = reverse("dashboards:dashboard", args=[consultation.slug])
    assert question.text in client.get(url).content.decode()
    services.question_update(question=question, by=analyst, text="Who is affected the most, in your view?")
    page = client.get(url).content.decode()
    assert "Who is affected the most, in your view?" in page and "Who is most affected?" not in page
    shown()  # the question as it reads now, beside the same counts


def test_an_update_straight_through_a_queryset(consultation, formal, shown):
    Response.objects.filter(consultation=consultation, channel="email").update(channel="post")
    shown()


def test_a_response_deleted(consultation, formal, shown):
    Response.objects.filter(pk=formal["responses"][0].pk).delete()
    shown()


@postgresql_only
def test_every_table_counted_moves_the_version_once_a_statement(consultation, formal):
    def version():
        return ResultsVersion.objects.filter(consultation_id=consultation.pk).values_list("n", "token").get()

    start = version()
    Answer.objects.bulk_create(
        [Answer(response=r, question=formal["question"], text="more") for r in formal["responses"][:0]]
    )
    assert version() == start  # nothing written, nothing moved
    Response.objects.filter(consultation=consultation).update(region="wales")
    assert version()[0] == start[0] + 1  # 40 rows, one statement
    steps = [
        lambda: Answer.objects.filter(question=formal["questions"][0]).update(choices=["Yes"]),
        lambda: Campaign.objects.create(consultation=consultation, canonical_text="x", size=1),
        lambda: CampaignMember.objects.create(
            campaign=Campaign.objects.get(canonical_text="x"), answer=formal["answers"][0]
        ),
        lambda: ThemeAssignment.objects.filter(theme=formal["fairness"]).update(rejected=True),
        lambda: formal["costs"].save(),
    ]
    for step in steps:
        n = version()[0]
        step()
        assert version()[0] == n + 1


@postgresql_only
def test_another_consultations_changes_leave_the_cache_in_use(consultation, formal, team):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(team=team)
    tallies = selectors.Tallies(consultation)
    before = tallies.version()
    Response.objects.create(consultation=other, status="submitted", submitted_at=timezone.now())
    assert selectors.Tallies(consultation).version() == before


@postgresql_only
def test_a_version_seen_inside_a_transaction_rolled_back_is_never_seen_again(consultation, formal):
    from django.db import transaction

    seen = []
    with pytest.raises(RuntimeError), transaction.atomic():
        Response.objects.filter(pk=formal["responses"][0].pk).update(region="wales")
        seen.append(selectors.Tallies(consultation).version())
        raise RuntimeError
    Response.objects.filter(pk=formal["responses"][0].pk).update(region="scotland")
    assert selectors.Tallies(consultation).version() != seen[0]


def test_the_explorers_filtered_counts_are_never_kept(consultation, formal, monkeypatch):
    asked = []

    def get(self, name, count, *parts):
        asked.append(name)
        return count()

    monkeypatch.setattr(selectors.Tallies, "get", get)
    responses = Response.objects.filter(consultation=consultation, channel="email").values("pk")
    closed.question_results(consultation, responses=responses)
    assert asked == []
    closed.question_results(consultation)
    assert {"cube", "closed", "closed_by_day", "closed_themes"} <= set(asked)


@postgresql_only
def test_every_table_a_kept_count_reads_moves_the_version(client, analyst, consultation, formal, monkeypatch):
    """A count kept in the cache that read a table without the triggers could go stale: a new table read
    by a kept count needs its triggers (dashboards/migrations/0004_results_version.py for the counts kept
    under the results token, 0005 for those kept under the activity token too)."""
    import re

    from django.test.utils import CaptureQueriesContext

    read: dict[str, set[str]] = {}
    under_activity: set[str] = set()
    get = selectors.Tallies.get

    def spy(self, name, count, *parts, activity=False):
        if activity:
            under_activity.add(name)

        def counted():
            with CaptureQueriesContext(connection) as ctx:
                value = count()
            for q in ctx.captured_queries:
                read.setdefault(name, set()).update(re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"]))
            return value

        return get(self, name, counted, *parts, activity=activity)

    monkeypatch.setattr(selectors.Tallies, "get", spy)
    cache.clear()
    client.force_login(analyst)
    assert client.get(reverse("dashboards:dashboard", args=[consultation.slug])).status_code == 200
    assert {
        "cube",
        "responses_by_day",
        "closed",
        "closed_by_day",
        "closed_themes",
        "closed_page",
        "clause_themes",
    } <= set(read) - under_activity
    assert {
        "comments",
        "comments_by_day",
        "clause_counts",
        "clause_stances",
        "top_themes",
        "campaigns",
        "moderation",
        "events",
        "stance_checked",
        "commenters",
    } <= under_activity & set(read)

    def triggered(prefix: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                [f"{prefix}%"],
            )
            return {row[0] for row in cursor.fetchall()}

    results, activity = triggered("dhd_results_"), triggered("dhd_activity_")
    for name, tables in read.items():
        allowed = results | activity if name in under_activity else results
        assert tables <= allowed, (name, tables - allowed)
