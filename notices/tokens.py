"""Signed tokens in email links: they cannot be forged, and need no sign-in."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from dhdigital.lib.site import absolute_url

MUTE_SALT = "notices.mute"
BULLETIN_SALT = "notices.bulletin"
CONFIRM_SALT = "notices.bulletin-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


absolute = absolute_url  # the site's own address (settings.SITE_URL), never the request's host


def mute_token(user_id: int, consultation_id: int | None) -> str:
    return signing.dumps([user_id, consultation_id or 0], salt=MUTE_SALT)


def read_mute_token(token: str) -> tuple[int, int | None] | None:
    try:
        user_id, consultation_id = signing.loads(token, salt=MUTE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return int(user_id), (int(consultation_id) or None)


def mute_url(user_id: int, consultation_id: int | None) -> str:
    return absolute(reverse("notices:unsubscribe", kwargs={"token": mute_token(user_id, consultation_id)}))


def bulletin_token(bulletin_id: int, *, confirm: bool = False) -> str:
    return signing.dumps(bulletin_id, salt=CONFIRM_SALT if confirm else BULLETIN_SALT)


def read_bulletin_token(token: str, *, confirm: bool = False) -> int | None:
    try:
        if confirm:
            return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE))
        return int(signing.loads(token, salt=BULLETIN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mail client POSTs "List-Unsubscribe=One-Click" to the URL."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
