"""One error body for every API failure: {"error": {"status", "code", "message", "fields"?}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(_flatten(v) for v in detail.values())
    return str(detail)


def _fields(detail) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in detail.items():
        if isinstance(value, dict):
            for sub, msgs in _fields(value).items():
                out[f"{name}.{sub}"] = msgs
        elif isinstance(value, list):
            out[name] = [_flatten(v) for v in value]
        else:
            out[name] = [str(value)]
    return out


def error_body(status_code: int, message: str, code: str | None = None, fields: dict | None = None) -> dict:
    body: dict = {"status": status_code, "code": code or _CODES.get(status_code, "error"), "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def api_exception_handler(exc, context):
    """DRF's handler, then reshape. Django's own ValidationError (raised by services) becomes a 400, and
    so does a body Django refuses to read (too large, too many form fields), which would otherwise be
    Django's HTML error page."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError("The request body is too large.")
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError("The request has too many fields; send JSON.")
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request could not be read.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    code = None
    fields = None
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            fields = _fields(detail)
            non_field = fields.pop("non_field_errors", None)
            message = " ".join(non_field) if non_field else "Check the fields named in `fields`."
            if non_field and not fields:
                fields = None
        else:
            message = _flatten(detail)
    else:
        message = _flatten(detail)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else None
    if isinstance(exc, exceptions.Throttled):
        code = "throttled"
    if response.status_code == status.HTTP_400_BAD_REQUEST and code in (None, "invalid"):
        code = "invalid"
    response.data = error_body(response.status_code, message, code, fields)
    return response
