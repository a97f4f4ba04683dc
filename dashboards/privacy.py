"""The dashboards app's personal data (dhdigital.accounts.privacy): an official's saved explorer views and
the log of their exports are theirs; their reviews of responses are exported as what they did and when."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register

register(
    Holder(
        name="dashboards",
        subject=("dashboards.SavedView.owner", "dashboards.ExportLog.user"),
        acts={
            "dashboards.UnitReview.reviewed_by": ("id", "consultation_id", "kind", "unit_id", "reviewed_at")
        },
    )
)
