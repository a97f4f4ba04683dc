from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """Stable cursor pages (no counts, no deep offsets): newest first by id."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"


class DocumentOrderPagination(ApiCursorPagination):
    """Sections in reading order (filter by document; ties across documents are few)."""

    ordering = ("position", "id")
