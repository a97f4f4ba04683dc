"""The outcomes app's personal data (dhdigital.accounts.privacy): the response ledger is the team's
record; the official who last updated an entry gets which entry and when."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register

register(
    Holder(name="outcomes", acts={"outcomes.LedgerEntry.updated_by": ("id", "consultation_id", "updated_at")})
)
