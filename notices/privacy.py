"""The notices app's personal data (dhdigital.accounts.privacy): a person's notices, email preferences and
muted consultations, and the email alerts (bulletins) held for their address, which has no account."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register, row

from .models import Bulletin, Mute, Notice, Preference


def extend(user, export: dict) -> None:
    export["email_alerts"] = [
        row(b) for b in Bulletin.objects.filter(email__iexact=user.email).order_by("pk")
    ]


def erase(user, policy: str) -> dict[str, int]:
    Preference.objects.filter(user=user).delete()
    Mute.objects.filter(user=user).delete()
    return {
        "notices_deleted": Notice.objects.filter(user=user).delete()[0],
        "email_alerts_deleted": Bulletin.objects.filter(email__iexact=user.email).delete()[0],
    }


register(
    Holder(
        name="notices",
        subject=("notices.Notice.user", "notices.Preference.user", "notices.Mute.user"),
        extend=extend,
        erase=erase,
    )
)
