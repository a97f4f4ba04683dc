"""Demo data for `manage.py load_demo` (idempotent): questions and real responses for a formal
consultation, an engagement event, and a real ideas exercise.

Responses are real public submissions to regulations.gov docket USDA-2017-0002 ("Identifying
Regulatory Reform Initiatives"), from github.com/zhoudanxie/analyzing-public-comments (MIT). Ideas and
votes are a real Polis conversation, "What is the best way to engage more young people in local scrutiny
of policing?" (london.youth.policing), credited to The Computational Democracy Project, CC BY 4.0.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dhdigital.accounts.models import User

from .ideas import _recount
from .models import EngagementEvent, EventNote, Idea, IdeaCategory, IdeaVote, Question, Response
from .services import content_hash
from .validation import CleanAnswer

REGS_CREDIT = (
    "Public comment {id} to regulations.gov docket USDA-2017-0002; data from "
    "github.com/zhoudanxie/analyzing-public-comments (MIT)"
)
POLIS_CREDIT = (
    "Polis conversation london.youth.policing, comment {id}: The Computational Democracy Project, CC BY 4.0"
)

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "text",
        "required": True,
        "text": "Which regulations should be repealed, replaced or modified, and why?",
        "hint": "Name the regulation if you can, and tell us the effect it has on you or your organisation.",
    },
    {
        "kind": "single",
        "required": True,
        "text": "Do you think the current rules achieve their aims?",
        "choices": ["Yes", "Partly", "No", "Don't know"],
    },
    {
        "kind": "multiple",
        "text": "Who is most affected by the rules you describe?",
        "choices": [
            "Individuals and families",
            "Small businesses",
            "Farmers and producers",
            "Local government",
            "Charities",
        ],
    },
    {"kind": "scale", "ask_why": True, "text": "The department should prioritise removing outdated rules."},
]


def _regulations_comments() -> list[tuple[str, str]]:
    path = settings.DATA_DIR / "comments" / "regulations_gov" / "text_comments_example.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [(r["Document ID"], r["Text Comment"].split("\nRe:")[0].strip()) for r in csv.DictReader(fh)]
    return [(doc_id, text) for doc_id, text in rows if 80 <= len(text) <= 1500]


@transaction.atomic
def load_demo_responses(consultation) -> None:
    if not consultation.questions.exists():
        for n, q in enumerate(QUESTIONS, start=1):
            Question.objects.create(consultation=consultation, position=n, **q)
    if consultation.responses.filter(credit__startswith="Public comment").exists():
        return
    questions = list(consultation.questions.order_by("position"))
    received = (
        timezone.localtime(consultation.opens_at).date() if consultation.opens_at else timezone.localdate()
    )
    consents = ["anonymous", "named", "none", "anonymous"]
    for n, (doc_id, text) in enumerate(_regulations_comments()[:24]):
        answers = {
            questions[0].pk: CleanAnswer(choices=[], text=text),
            questions[1].pk: CleanAnswer(choices=[["No", "Partly", "Don't know"][n % 3]], text=""),
        }
        response = Response.objects.create(
            consultation=consultation,
            channel=["email", "post", "email", "event"][n % 4],
            imported=True,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            received_at=received,
            respondent_type="individual",
            region=Response.Region.values[n % len(Response.Region.values)],
            consent=consents[n % 4],
            respondent_name=f"Commenter {doc_id}" if consents[n % 4] == "named" else "",
            credit=REGS_CREDIT.format(id=doc_id),
            content_hash=content_hash(name=doc_id, email="", organisation="", answers=answers),
        )
        for qid, a in answers.items():
            response.answers.create(question_id=qid, choices=a.choices, text=a.text)
    if not consultation.engagement_events.exists():
        event = EngagementEvent.objects.create(
            consultation=consultation,
            project_id=consultation.project_id,
            title="Regional roundtable with farmers",
            starts_at=(consultation.opens_at or timezone.now()) + timedelta(days=10),
            location="Online (video call)",
            online=True,
            organiser="Regulatory reform team",
            attendees=18,
            description="A roundtable for producers on which rules to repeal, replace or modify.",
        )
        # The roundtable's note: a real comment on the docket about farming (what the roundtable was for).
        comments = _regulations_comments()
        about_farming = next(
            (t for _, t in comments if re.search(r"\b(farm\w*|agricultur\w*)", t, re.IGNORECASE)),
            comments[0][1],
        )
        EventNote.objects.create(event=event, text=about_farming[:500])


@transaction.atomic
def load_demo_ideas(consultation) -> None:
    if consultation.ideas.exists():
        return
    base = settings.DATA_DIR / "comments" / "polis" / "london.youth.policing"
    categories = {
        slug: IdeaCategory.objects.get_or_create(
            consultation=consultation, slug=slug, defaults={"name": name}
        )[0]
        for slug, name in [
            ("recruitment", "Recruitment and vetting"),
            ("youth-voice", "Youth voice"),
            ("accountability", "Accountability"),
        ]
    }

    def category_for(text: str):
        t = text.lower()
        if any(w in t for w in ("hiring", "recruit", "background", "vetting", "training")):
            return categories["recruitment"]
        if any(w in t for w in ("young", "youth", "school", "engage", "opinion")):
            return categories["youth-voice"]
        return categories["accountability"]

    def participant(pid: str) -> User:
        user, created = User.objects.get_or_create(
            email=f"polis-participant-{pid}@demo.invalid",
            defaults={"display_name": f"Polis participant {pid}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    ideas: dict[str, Idea] = {}
    with (base / "comments.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["moderated"] != "1":
                continue
            text = row["comment-body"].strip()
            title = text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"
            ideas[row["comment-id"]] = Idea.objects.create(
                consultation=consultation,
                author=participant(row["author-id"]),
                title=title,
                description=text,
                category=category_for(text),
                credit=POLIS_CREDIT.format(id=row["comment-id"]),
            )
    votes = {}
    with (base / "votes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):  # later votes replace earlier ones, as in Polis
            if row["comment-id"] in ideas and row["vote"] in ("1", "-1"):
                votes[(row["comment-id"], row["voter-id"])] = int(row["vote"])
    voters = {pid: participant(pid) for _, pid in votes}
    IdeaVote.objects.bulk_create(
        [IdeaVote(idea=ideas[cid], user=voters[pid], value=v) for (cid, pid), v in votes.items()],
        ignore_conflicts=True,
    )
    for idea in ideas.values():
        _recount(idea.pk)
