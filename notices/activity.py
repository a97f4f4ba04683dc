"""Reads for the activity page: everything a signed-in person did, and what they were told."""

from __future__ import annotations

from dataclasses import dataclass

from comments import house_rules
from comments.models import Appeal, Comment, Subscription
from comments.selectors import section_places
from responses.models import Idea, IdeaVote, Response

from .models import Mute, Notice, Preference

LIMIT = 100  # of each list on the page (the data download has everything)


@dataclass
class Activity:
    comments: list
    responses: list
    ideas: list
    votes: list
    follows: list
    notices: list
    preference: str
    muted: list


def activity_for(user) -> Activity:
    comments = list(
        Comment.objects.filter(author=user)
        .select_related("consultation", "document", "section", "idea")
        .order_by("-created_at")[:LIMIT]
    )
    appealed = set(
        Appeal.objects.filter(user=user, comment__in=[c.pk for c in comments]).values_list(
            "comment_id", flat=True
        )
    )
    places = section_places([c.section for c in comments if c.section_id])
    for c in comments:
        c.place = places.get(c.section_id, "")
        c.rule = house_rules.BY_CODE.get(c.moderation_reason) if c.status in ("rejected", "hidden") else None
        c.appealed = c.pk in appealed
    pref = Preference.objects.filter(user=user).values_list("email", flat=True).first()
    return Activity(
        comments=comments,
        responses=list(
            Response.objects.filter(respondent=user)
            .select_related("consultation")
            .order_by("-created_at")[:LIMIT]
        ),
        ideas=list(
            Idea.objects.filter(author=user).select_related("consultation").order_by("-created_at")[:LIMIT]
        ),
        votes=list(
            IdeaVote.objects.filter(user=user)
            .select_related("idea__consultation")
            .order_by("-created_at")[:LIMIT]
        ),
        follows=list(
            Subscription.objects.filter(user=user, active=True)
            .exclude(kind=Subscription.Kind.REPLIES)
            .select_related("consultation", "document__consultation", "section__document__consultation")
            .order_by("-created_at")[:LIMIT]
        ),
        notices=list(Notice.objects.filter(user=user).select_related("event")[:50]),
        preference=pref or Preference.Email.IMMEDIATE,
        muted=list(Mute.objects.filter(user=user).select_related("consultation")),
    )
