"""Evaluation figures, tested against a hand-counted fixture.

Consultation "bill" (project P), document version 1 with 5 clauses (each with 2 subsections):
  published public comments: A and B on clause 1, A on clause 1's subsection (2), C on clause 3,
                             E with a general comment (no clause)                         -> 5 comments
  not counted: D pending on clause 2, a rejected one on clause 4, a department reply on clause 3
  per clause: clause 1 = 3, clause 3 = 1, others 0                        -> 4 on 5 clauses = 0.8
  responses: A online (individual), one by email (organisation, no account), one by post
             (individual, no account); F's draft is not submitted                          -> 3
  respondents: accounts {A, B, C, E} (A also responded) + 2 without accounts              -> 6
  version 2: clause 1 reworded, clause 4 reworded, clause 3 unchanged, clause 5 removed
  commented clauses {1, 3}; text changed among them {1}                                    -> 50%
  response ledger: clause 1 "changed", clause 3 "accepted" (the change went elsewhere), clause 4
  "accepted" but nobody commented on it -> 2 of the 2 commented clauses changed as a result: 100%
  visitors: past days 10 + 7, today 3 distinct visitors (one visited twice)                -> 20
  closes 10 January 2026, response published 1 March 2026                                  -> 50 days
  due 12 weeks after closing, 4 April 2026                                                 -> on time
  events: a workshop (12 taking part), an online session (8), one with no attendance recorded
          -> 3 events, 20 people; a project-level event is not the consultation's
Consultation "ideas" (same project): A and B comment once each; one response by phone, no account.
  ideas: A's (new), G's (later merged into A's), H's (hidden by a moderator)               -> 2 ideas
  votes: B for and C against A's idea, B for G's, H for the hidden one          -> 3 votes, 2 voters
  respondents: {A, B, G} + 1 without an account                                              -> 4
  project: comments 7, responses 4, ideas 2, respondents {A, B, C, E, G} + 3 without accounts = 8,
           visitors 20, events 3 + a project launch (50 taking part) = 4 events, 70 people.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from comments.models import Comment
from consultations.models import Document, Section
from outcomes.models import LedgerEntry
from policycycle.evaluation import consultation_figures, project_figures
from policycycle.models import DailyVisitorCount, PolicyProject
from policycycle.visitors import visit_record
from responses.models import Idea, IdeaVote, Response
from tests.factories import ConsultationFactory, UserFactory, make_document

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _comment(consultation, author, section=None, status="published", document=None, **extra):
    return Comment.objects.create(
        consultation=consultation,
        document=document or (section.document if section else None),
        section=section,
        author=author,
        body="I agree with the duty but the wording is unclear.",
        status=status,
        **extra,
    )


def _next_version(v1: Document, *, reword: set[int], remove: set[int]) -> Document:
    v2 = Document.objects.create(
        consultation=v1.consultation,
        slug=v1.slug,
        title=v1.title,
        version=2,
        previous_version=v1,
        state=Document.State.PUBLISHED,
        source_format=v1.source_format,
    )
    pos = 0
    for clause in Section.objects.filter(document=v1, kind="clause").order_by("position"):
        n = int(clause.number)
        if n in remove:
            continue
        c2 = Section.objects.create(
            document=v2,
            kind="clause",
            number=clause.number,
            heading=clause.heading,
            text="",
            position=pos,
            last_descendant=pos + 2,
            anchor=clause.anchor,
            lineage_key=clause.lineage_key,
        )
        for sub in clause.children.order_by("position"):
            pos += 1
            text = sub.text + (" The authority must publish its reasons." if n in reword else "")
            Section.objects.create(
                document=v2,
                parent=c2,
                kind="subsection",
                number=sub.number,
                text=text,
                position=pos,
                last_descendant=pos,
                depth=1,
                anchor=sub.anchor,
                lineage_key=sub.lineage_key,
            )
        pos += 1
    return v2


@pytest.fixture
def world(team, toolkit, publisher):
    project = PolicyProject.objects.create(
        team=team, slug="care-reform", title="Care reform", stage=toolkit["analysis"]
    )
    bill = ConsultationFactory(
        team=team,
        project=project,
        slug="draft-care-bill",
        opens_at=dt.datetime(2025, 11, 1, 9, tzinfo=LONDON),
        closes_at=dt.datetime(2026, 1, 10, 12, tzinfo=LONDON),
        outcome_published_at=dt.datetime(2026, 3, 1, 10, tzinfo=LONDON),
        state="concluded",
    )
    v1 = make_document(consultation=bill, clauses=5)
    clause = {s.number: s for s in Section.objects.filter(document=v1, kind="clause")}
    sub_1_2 = Section.objects.get(document=v1, anchor="clause-1-2")
    a, b, c, d, e, f = (UserFactory() for _ in range(6))
    _comment(bill, a, clause["1"])
    _comment(bill, b, clause["1"])
    _comment(bill, a, sub_1_2)
    _comment(bill, c, clause["3"])
    _comment(bill, e, None, document=v1)
    _comment(bill, d, clause["2"], status="pending")
    _comment(bill, e, clause["4"], status="rejected")
    _comment(bill, publisher, clause["3"], is_official=True)
    Response.objects.create(
        consultation=bill, respondent=a, channel="online", status="submitted", respondent_type="individual"
    )
    Response.objects.create(
        consultation=bill, channel="email", status="submitted", respondent_type="organisation"
    )
    Response.objects.create(
        consultation=bill, channel="post", status="submitted", respondent_type="individual"
    )
    Response.objects.create(consultation=bill, respondent=f, channel="online", status="draft")
    _next_version(v1, reword={1, 4}, remove={5})
    for number, decision in [("1", "changed"), ("3", "accepted"), ("4", "accepted")]:
        LedgerEntry.objects.create(
            consultation=bill,
            lineage_key=clause[number].lineage_key,
            section=clause[number],
            decision=decision,
            you_said="People asked for the duty to cover carers.",
            we_did="We widened the duty.",
        )
    DailyVisitorCount.objects.create(consultation=bill, day=dt.date(2026, 1, 2), visitors=10)
    DailyVisitorCount.objects.create(consultation=bill, day=dt.date(2026, 1, 3), visitors=7)
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.1"):
        visit_record(consultation_id=bill.pk, ip=ip, user_agent="Mozilla/5.0")

    from responses.models import EngagementEvent

    for title, people in [("Carers' workshop", 12), ("Online session", 8), ("Drop-in", None)]:
        EngagementEvent.objects.create(
            consultation=bill, title=title, starts_at=bill.opens_at, organiser="DH", attendees=people
        )
    EngagementEvent.objects.create(
        project=project, title="Project launch", starts_at=bill.opens_at, organiser="DH", attendees=50
    )
    ideas = ConsultationFactory(team=team, project=project, slug="ideas-for-care", kind="ideas")
    _comment(ideas, a, None)
    _comment(ideas, b, None)
    Response.objects.create(
        consultation=ideas, channel="phone", status="submitted", respondent_type="individual"
    )
    g, h = UserFactory(), UserFactory()
    idea_a = Idea.objects.create(consultation=ideas, author=a, title="Carers' passports", description="x")
    idea_g = Idea.objects.create(
        consultation=ideas,
        author=g,
        title="A carers' card",
        description="x",
        status="merged",
        merged_into=idea_a,
    )
    hidden = Idea.objects.create(consultation=ideas, author=h, title="Spam", description="x", status="hidden")
    for idea, voter, value in [(idea_a, b, 1), (idea_a, c, -1), (idea_g, b, 1), (hidden, h, 1)]:
        IdeaVote.objects.create(idea=idea, user=voter, value=value)
    return {"project": project, "bill": bill, "ideas": ideas}


def test_consultation_figures_match_the_hand_count(world):
    f = consultation_figures(world["bill"])
    assert f.visitors == 20
    assert f.comments == 5
    assert [c.comments for c in f.clauses] == [3, 0, 1, 0, 0]
    assert f.comments_on_clauses == 4 and f.comments_per_clause == 0.8
    assert f.responses == 3
    assert f.respondents == 6
    assert [(s.label, s.count, s.percent) for s in f.by_channel] == [
        ("Online", 1, 33),
        ("Email", 1, 33),
        ("Post", 1, 33),
    ]
    assert [(s.label, s.count, s.percent) for s in f.by_respondent_type] == [
        ("As an individual", 2, 67),
        ("On behalf of an organisation", 1, 33),
    ]
    assert f.days_to_response == 50
    assert f.response_due == dt.date(2026, 4, 4) and f.response_on_time is True
    assert (f.events, f.event_attendees) == (3, 20)
    assert (f.commented_clauses, f.diffed_clauses, f.changed_clauses, f.changed_percent) == (2, 2, 1, 50)
    assert (f.ledger_recorded, f.ledger_changed, f.ledger_changed_percent) == (2, 2, 100)
    assert (f.ideas, f.idea_votes, f.voters) == (0, 0, 0)


def test_ideas_votes_and_idea_authors_are_counted_for_an_ideas_exercise(world):
    f = consultation_figures(world["ideas"])
    assert (f.ideas, f.idea_votes, f.voters) == (2, 3, 2)
    assert f.respondents == 4
    assert f.comments == 2 and f.responses == 1


def test_project_figures_count_each_respondent_once_across_consultations(world):
    p = project_figures(world["project"])
    assert sorted(c.consultation.slug for c in p.consultations) == ["draft-care-bill", "ideas-for-care"]
    assert (p.visitors, p.comments, p.responses, p.respondents) == (20, 7, 4, 8)
    assert (p.ideas, p.idea_votes, p.voters) == (2, 3, 2)
    assert p.changed_percent == 50 and p.ledger_changed_percent == 100
    assert p.mean_days_to_response == 50 and (p.responses_on_time, p.responses_published) == (1, 1)
    assert (p.events, p.event_attendees) == (4, 70)  # the bill's three and the project launch


def test_a_voter_on_two_consultations_of_a_project_is_one_voter(world, team):
    other = ConsultationFactory(team=team, project=world["project"], slug="more-ideas", kind="ideas")
    voter = IdeaVote.objects.filter(idea__consultation=world["ideas"], value=-1).get().user
    idea = Idea.objects.create(consultation=other, author=None, title="Respite", description="x")
    IdeaVote.objects.create(idea=idea, user=voter, value=1)
    p = project_figures(world["project"])
    assert (p.ideas, p.idea_votes, p.voters) == (3, 4, 2)


def test_a_response_published_after_its_due_date_is_late(team, toolkit):
    bill = ConsultationFactory(
        team=team,
        opens_at=dt.datetime(2025, 11, 1, 9, tzinfo=LONDON),
        closes_at=dt.datetime(2026, 1, 10, 12, tzinfo=LONDON),
        response_due=dt.date(2026, 2, 1),
        outcome_published_at=dt.datetime(2026, 2, 2, 10, tzinfo=LONDON),
        state="concluded",
    )
    f = consultation_figures(bill)
    assert (f.days_to_response, f.response_on_time) == (23, False)


def test_ledger_decisions_without_comments_or_not_yet_recorded_are_shown_as_such(team, toolkit):
    bill = ConsultationFactory(team=team)
    v1 = make_document(consultation=bill, clauses=3)
    clause = {s.number: s for s in Section.objects.filter(document=v1, kind="clause")}
    _comment(bill, UserFactory(), clause["1"])
    _comment(bill, UserFactory(), clause["2"])
    f = consultation_figures(bill)
    assert (f.commented_clauses, f.ledger_recorded, f.ledger_changed_percent) == (2, 0, None)
    LedgerEntry.objects.create(
        consultation=bill,
        lineage_key=clause["2"].lineage_key,
        decision="not_changed",
        you_said="Some wanted a longer notice period.",
        we_did="Kept 28 days, which matches the other notices.",
    )
    f = consultation_figures(bill)
    assert (f.ledger_recorded, f.ledger_changed, f.ledger_changed_percent) == (1, 0, 0)


def test_no_next_version_means_no_changed_clauses_figure(world):
    f = consultation_figures(world["ideas"])
    assert f.has_next_version is False and f.changed_percent is None
    assert f.days_to_response is None


def test_a_removed_commented_clause_counts_as_changed(team, toolkit):
    bill = ConsultationFactory(team=team)
    v1 = make_document(consultation=bill, clauses=2)
    _comment(bill, UserFactory(), Section.objects.get(document=v1, anchor="clause-2"))
    _next_version(v1, reword=set(), remove={2})
    f = consultation_figures(bill)
    assert (f.commented_clauses, f.changed_clauses) == (1, 1)


def test_evaluation_page_shows_the_computed_figures_to_the_team(client, world, analyst):
    client.force_login(analyst)
    response = client.get(reverse("policycycle:consultation-evaluation", args=["draft-care-bill"]))
    html = response.content.decode()
    assert 'data-figure="visitors">20<' in html
    assert 'data-figure="respondents">6<' in html
    assert 'data-figure="comments">5<' in html
    assert 'data-figure="changed">50% (1 of 2)<' in html
    assert 'data-figure="ledger-changed">100% (2 of 2; decision recorded for 2)<' in html
    assert 'data-figure="days-to-response">50 (on time: due by 4 April 2026)<' in html
    assert "0.8 (4 on 5 clauses)" in html
    assert "On behalf of an organisation" in html and "67%" in html
    assert 'data-figure="events">3 (20 people taking part)<' in html
    assert "How these figures are counted" in html


def test_project_evaluation_page_shows_project_totals(client, world, publisher):
    client.force_login(publisher)
    html = client.get(reverse("policycycle:project-evaluation", args=["care-reform"])).content.decode()
    assert 'data-figure="respondents">8<' in html
    assert 'data-figure="comments">7<' in html
    assert 'data-figure="responses">4<' in html
    assert 'data-figure="ideas">2 (3 votes from 2 people)<' in html
    assert 'data-figure="days-to-response">50 (1 of 1 published on time)<' in html


def test_comparison_lists_each_of_the_officials_projects_with_its_figures(
    client, world, publisher, team, other_team
):
    PolicyProject.objects.create(team=team, slug="quiet-project", title="A quiet project")
    PolicyProject.objects.create(team=other_team, slug="elsewhere", title="Another team's project")
    client.force_login(publisher)
    response = client.get(reverse("policycycle:evaluation-compare"))
    rows = {
        r.project.slug: (r.visitors, r.respondents, r.comments, r.responses, r.ideas, r.event_attendees)
        for r in response.context["rows"]
    }
    assert rows == {"care-reform": (20, 8, 7, 4, 2, 70), "quiet-project": (0, 0, 0, 0, 0, 0)}
    html = response.content.decode()
    assert ">70</td>" in html and ">100%</td>" in html and ">50%</td>" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("outsider_official", 403),
        ("moderator", 200),
        ("analyst", 200),
    ],
)
def test_evaluation_pages_are_for_the_team(client, request, world, persona, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert (
        client.get(reverse("policycycle:consultation-evaluation", args=["draft-care-bill"])).status_code
        == status
    )
    assert client.get(reverse("policycycle:project-evaluation", args=["care-reform"])).status_code == status


def test_comparison_page_is_refused_to_citizens(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("policycycle:evaluation-compare")).status_code == 403
