"""Who to write to: the service team, and whoever takes reports of vulnerabilities (RFC 9116)."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone

FALLBACK_EMAIL = "dhdigital@example.gov.uk"
# RFC 9116 asks that Expires be less than a year ahead, so that a stale file is not trusted for ever.
SECURITY_TXT_VALID = timedelta(days=180)


def contact_email() -> str:
    """The service team's address (settings.CONTACT_EMAIL when a deployment sets it)."""
    return settings.CONTACT_EMAIL or FALLBACK_EMAIL


def security_contacts() -> list[str]:
    """URIs for reports of vulnerabilities: SECURITY_CONTACT's addresses (a bare address becomes a
    mailto: URI) and https URLs, else the service team's address."""
    contacts = [c.strip() for c in settings.SECURITY_CONTACT if c.strip()] or [contact_email()]
    return [c if c.startswith(("mailto:", "https://", "tel:")) else f"mailto:{c}" for c in contacts]


def security_txt(*, canonical: str, policy: str, now=None) -> str:
    """The text of /.well-known/security.txt: where to report, until when this is true, in which language,
    and the page that says how reports are handled."""
    expires = (now or timezone.now()) + SECURITY_TXT_VALID
    lines = [f"Contact: {c}" for c in security_contacts()]
    lines += [
        f"Expires: {expires.replace(microsecond=0).astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {canonical}",
        f"Policy: {policy}",
    ]
    return "\n".join(lines) + "\n"
