"""django-allauth's hooks: the client's address comes from the one function every limit uses."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from dhdigital.lib.client_address import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """For allauth's rate limits (failed sign-ins per address): the client behind our proxies, not
        the proxy, and not what the client wrote into X-Forwarded-For."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
