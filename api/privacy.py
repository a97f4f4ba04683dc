"""The API app's personal data (dhdigital.accounts.privacy): a person's API tokens (never their keys),
deleted with the account; the webhooks an official created are the team's, exported as what they did."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register

from .models import ApiToken


def erase(user, policy: str) -> dict[str, int]:
    return {"api_tokens_deleted": ApiToken.objects.filter(user=user).delete()[0]}


register(
    Holder(
        name="api",
        subject=("api.ApiToken.user",),
        acts={"api.Webhook.created_by": ("id", "team_id", "created_at")},
        erase=erase,
    )
)
