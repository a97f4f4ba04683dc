"""How often and how patiently a webhook delivery is tried: read by the delivery code and its task."""

from __future__ import annotations

MAX_ATTEMPTS = 6


def backoff_seconds(attempts: int) -> int:
    """Wait before the next attempt: 1, 2, 4, 8, 16 minutes, capped at an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)
