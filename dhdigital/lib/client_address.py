"""The client's address, for every per-address limit: allauth's sign-in throttle, django-axes, the API
throttles, the comment, reaction and flag limits and the visitor count all call `client_ip`.

Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it received the request from to
`X-Forwarded-For`, the last TRUSTED_PROXY_COUNT entries were written by our own proxies and the one they
start with is the client as our outermost proxy saw it. Everything to the left of it was written by the
client and proves nothing: taking the first entry would let anyone choose their address, and with it
escape a limit or spend someone else's. With no trusted proxy the header is ignored and the address is
the connection's (REMOTE_ADDR).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    """`value` as a normalised IP address ('[::1]' and IPv6 zone ids accepted), or None."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return str(ipaddress.ip_address(value.split("%", 1)[0]))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address the request came from, as the outermost trusted proxy saw it ('' if none is known)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            # Fewer hops than proxies: the request did not pass all of them; the leftmost entry is
            # the best that is known (as DRF's NUM_PROXIES reads it).
            found = _address(hops[-min(count, len(hops))])
            if found:
                return found
    return _address(remote) or remote
