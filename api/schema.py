"""OpenAPI: every operation documents the shared error body for each error it can return."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERRORS = {
    "400": "Bad input (query parameters or body): see `error.fields`.",
    "401": "Authentication failed (bad or revoked token).",
    "403": "Not allowed for this user, or not signed in.",
    "404": "Not found, not visible to you, or an invalid cursor.",
    "406": "The Accept header asks for a format this endpoint does not produce.",
    "429": "Too many requests: slow down (see Retry-After).",
}
_WRITE_ERRORS = {
    "409": "Conflict: the same Idempotency-Key was used for a different request.",
    "415": "Unsupported media type: send JSON.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(_WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    code,
                    media_types=["application/json"],
                )
        if self.method == "GET" and "304" not in responses:
            responses["304"] = {"description": "Not modified (the ETag in If-None-Match still matches)."}
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: create one with POST /api/v1/tokens/ while signed in.",
        }
