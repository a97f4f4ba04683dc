"""Per-IP and per-user throttles (cache-backed). Rates are read at request time from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] so they follow the environment (and test settings).

DRF's own throttles keep a list of every request time in the window and rewrite it on each request, which
costs more the higher the rate (an address allowed 1,200 a minute carries a list of up to 1,200 times).
These count instead: one counter per client whose window opens at its first request, all of a request's
counters in one round trip to Redis (dhdigital.lib.cache.count_hits, from `waits`, which the API views
call). A client over the limit waits until that window closes."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling

from dhdigital.lib.cache import count_hit, count_hits
from dhdigital.lib.client_address import client_ip


class _SettingsRate:
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def counter_key(self, request, view) -> str | None:
        """The counter this request counts against; None when no rate applies to it."""
        return self.get_cache_key(request, view) if self.rate is not None else None

    def allow_request(self, request, view):
        key = self.counter_key(request, view)
        if key is None:
            return True
        count, self._left = count_hit(key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return max(getattr(self, "_left", 0), 1)

    def get_ident(self, request):
        """The client's address as every other limit reads it (dhdigital.lib.client_address)."""
        return client_ip(request)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    """Anonymous clients, per IP address."""

    scope = "anon"


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Signed-in clients (session or token), per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class IpThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Everyone, per IP address: a ceiling for one address using many tokens."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BulkThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Bulk downloads are expensive: a separate, lower rate per user or IP."""

    scope = "bulk"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


DEFAULT_THROTTLES = [AnonThrottle, UserThrottle, IpThrottle]


def waits(throttles, request, view) -> list[float]:
    """What DRF's APIView.check_throttles asks of each throttle (allow_request, then wait when refused),
    with the counters of this module's throttles counted together in one round trip."""
    counted, out = [], []
    for throttle in throttles:
        if not isinstance(throttle, _SettingsRate):
            if not throttle.allow_request(request, view):
                out.append(throttle.wait())
            continue
        key = throttle.counter_key(request, view)
        if key is not None:
            counted.append((throttle, key))
    results = count_hits([(key, throttle.duration) for throttle, key in counted])
    for (throttle, _), (count, left) in zip(counted, results, strict=True):
        throttle._left = left
        if count > throttle.num_requests:
            out.append(throttle.wait())
    return out
