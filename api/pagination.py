from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

BAD_CURSOR = "The cursor is not one this API gave: follow the 'next' or 'previous' link as it is."


class ApiCursorPagination(CursorPagination):
    """Stable cursor pages (no counts, no deep offsets): newest first by id. A cursor that is not one this
    API gave is a 400 with a clear message, checked before it reaches the database."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"
    invalid_cursor_message = BAD_CURSOR

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({"cursor": [BAD_CURSOR]}) from None
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        """The position is a value of the first ordering field: it must be one (a number for an id)."""
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        try:
            field = self._model._meta.get_field(ordering.lstrip("-"))
            if position == "" or field.to_python(position) is None:
                raise ValidationError("empty")
        except (ValidationError, ValueError, TypeError, FieldDoesNotExist):
            raise exceptions.ValidationError({"cursor": [BAD_CURSOR]}) from None


class DocumentOrderPagination(ApiCursorPagination):
    """Sections in reading order (filter by document; ties across documents are few)."""

    ordering = ("position", "id")
