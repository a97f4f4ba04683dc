"""Per-IP and per-user throttles (cache-backed). Rates are read at request time from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] so they follow the environment (and test settings)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling


class _SettingsRate:
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


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
