"""What consultations hold about a person (dhdigital.accounts.privacy): the invitations they accepted, and
the invitations an official sent (the invited addresses are not the official's data and are left out) and
the documents they imported."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register

from .models import Invitation


def erase(user, policy: str) -> dict[str, int]:
    """An erased account no longer holds its invitations: they go, with the invited address."""
    return {"invitations_deleted": Invitation.objects.filter(user=user).delete()[0]}


register(
    Holder(
        name="consultations",
        subject=("consultations.Invitation.user",),
        acts={
            "consultations.Invitation.invited_by": ("id", "consultation_id", "created_at", "revoked_at"),
            "consultations.DocumentImport.requested_by": ("id", "consultation_id", "filename", "created_at"),
        },
        erase=erase,
    )
)
