"""A tiny URLconf for the logging tests: one view that logs personal data the way careless code might."""

import logging

from django.http import HttpResponse
from django.urls import path

log = logging.getLogger("dhdigital.tests")


def noisy(request):
    log.warning("Sign-in failed for %s from %s", "jo.citizen@example.org", "203.0.113.42")
    log.info("Client at 2001:db8::8a2e:370:7334 retried at 12:30:45", extra={"who": "sam@example.net"})
    return HttpResponse("ok")


urlpatterns = [path("noisy/", noisy)]
