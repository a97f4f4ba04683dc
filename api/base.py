"""What every API view shares: JSON only, throttles, errors in the schema, ETags on GET."""

from __future__ import annotations

import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .authentication import TokenAuthentication
from .pagination import ApiCursorPagination
from .schema import ApiAutoSchema
from .throttles import DEFAULT_THROTTLES, waits


class ApiMixin:
    # Token first, so a bad token gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [JSONRenderer]
    throttle_classes = DEFAULT_THROTTLES
    pagination_class = ApiCursorPagination
    schema = ApiAutoSchema()

    def check_throttles(self, request):
        """DRF's check, with the throttles' counters counted in one round trip (api.throttles.waits)."""
        found = waits(self.get_throttles(), request, self)
        if found:
            self.throttled(request, max((d for d in found if d is not None), default=None))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response)


def conditional(request, response):
    """Strong ETag from the rendered body; 304 when If-None-Match still matches. Bodies differ by
    viewer (a team sees its drafts), so caches must key on the credentials too."""
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if not isinstance(response, Response) or response.streaming:
        return response
    response.render()
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    response["ETag"] = etag
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Vary", "Cache-Control"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    return response
