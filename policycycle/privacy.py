"""The policy cycle's personal data (dhdigital.accounts.privacy): decisions and self-assessments are the
team's records; the official who recorded them gets what they did and when."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register

register(
    Holder(
        name="policycycle",
        acts={
            "policycycle.ProjectDecision.recorded_by": ("id", "project_id", "created_at"),
            "policycycle.CapabilityAssessment.created_by": ("id", "team_id", "created_at"),
        },
    )
)
