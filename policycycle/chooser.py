"""The toolkit chooser's scoring rule, kept apart from the view so it can be explained and tested.

Each technique scores points for every answer it fits:

- 3 if it is used at the chosen stage of the policy cycle;
- 2 if it serves the chosen goal (an activity);
- 1 if it reaches the chosen audience well;
- 4 if a formal consultation is needed and it is one;
- minus 3 if it needs more time and budget than the team has (it is still shown, with that reason,
  when it scores above zero: a team may decide to find the time).

Techniques scoring 3 or more are recommended, best first (ties in the toolkit's own order), five at
most. A technique scoring less has matched at most the audience and a goal, and would be noise. When a
formal consultation is needed, a formal consultation technique is always recommended, whatever its score:
if five others outscore it, it takes the fifth place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import EFFORT_RANK, Audience, Technique

STAGE_POINTS, GOAL_POINTS, AUDIENCE_POINTS, FORMAL_POINTS, OVER_BUDGET_POINTS = 3, 2, 1, 4, -3
THRESHOLD = 3
MAX_RESULTS = 5


@dataclass(frozen=True)
class Answers:
    stage: str  # Stage slug
    goal: str  # Activity slug
    audience: str  # Audience key
    capacity: str  # Effort key: how much time and budget the team has
    formal_needed: bool


@dataclass
class Recommendation:
    technique: Technique
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # where to start it (set by the view)


def score(technique: Technique, answers: Answers) -> Recommendation:
    """Score one technique (its stages and activities prefetched) against the answers."""
    rec = Recommendation(technique=technique)
    stages = {s.slug: s for s in technique.stages.all()}
    activities = {a.slug: a for a in technique.activities.all()}
    if answers.stage in stages:
        rec.score += STAGE_POINTS
        rec.reasons.append(f"Used when {stages[answers.stage].name.lower()}.")
    if answers.goal in activities:
        rec.score += GOAL_POINTS
        rec.reasons.append(f"Helps with {activities[answers.goal].name.lower()}.")
    if answers.audience in technique.audiences:
        rec.score += AUDIENCE_POINTS
        rec.reasons.append(f"Reaches {dict(Audience.choices)[answers.audience].lower()}.")
    if answers.formal_needed and technique.is_formal_consultation:
        rec.score += FORMAL_POINTS
        rec.reasons.append("Meets the requirements for a formal consultation, which you need.")
    if EFFORT_RANK.get(technique.effort, 2) > EFFORT_RANK.get(answers.capacity, 2):
        rec.score += OVER_BUDGET_POINTS
        rec.warnings.append(f"Needs more time and budget than you have ({technique.get_effort_display()}).")
    return rec


def recommend(techniques, answers: Answers) -> list[Recommendation]:
    """The recommended techniques, best first."""
    scored = [score(t, answers) for t in techniques]
    ranked = sorted(
        (
            r
            for r in scored
            if r.score >= THRESHOLD or (answers.formal_needed and r.technique.is_formal_consultation)
        ),
        key=lambda r: (-r.score, r.technique.position, r.technique.name),
    )
    top = ranked[:MAX_RESULTS]
    if answers.formal_needed and not any(r.technique.is_formal_consultation for r in top):
        formal = next((r for r in ranked if r.technique.is_formal_consultation), None)
        if formal is not None:
            top = top[: MAX_RESULTS - 1] + [formal]
    return top
