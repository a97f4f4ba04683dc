import pytest

from responses.demo import load_demo_ideas, load_demo_responses
from responses.models import Idea, IdeaVote, Response
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_demo_responses_are_real_credited_text_and_loading_twice_adds_nothing(formal):
    load_demo_responses(formal)
    load_demo_responses(formal)
    assert formal.questions.count() == 4
    responses = Response.objects.filter(consultation=formal)
    assert responses.count() == 24
    assert all("regulations.gov" in r.credit for r in responses)
    assert formal.engagement_events.count() == 1
    # the farmers' roundtable's note is a real comment on the docket about farming
    note = formal.engagement_events.get().notes.get().text
    assert "agricultur" in note.lower() or "farm" in note.lower()


def test_demo_ideas_come_from_polis_with_their_votes_and_rank_by_wilson_score(team):
    c = ConsultationFactory(team=team, kind="ideas")
    load_demo_ideas(c)
    load_demo_ideas(c)
    ideas = Idea.objects.filter(consultation=c)
    assert ideas.count() == 36 and all("Computational Democracy Project" in i.credit for i in ideas)
    assert IdeaVote.objects.filter(idea__consultation=c).count() > 300
    top = ideas.order_by("-score").first()
    assert top.score > 0 and top.up_votes > top.down_votes
