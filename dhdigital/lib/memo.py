"""What a web process keeps between requests for a short time: a lookup many requests repeat.

Each value is kept for `seconds` at most, and when `max_items` are kept the next one clears them all (the
simplest bound, and the lookups refill in a moment). Shared by a process's threads: each call is one
dictionary operation, so no lock is needed. Only for what may be up to `seconds` out of date (the visitor
count's slug lookup): never for a check that must see the database as it is now, such as whether a
consultation is open."""

from __future__ import annotations

import time
from typing import Any

_MISSING = object()


class ProcessMemo:
    def __init__(self, *, seconds: float, max_items: int) -> None:
        self.seconds = seconds
        self.max_items = max_items
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key, default=None):
        """The value kept under `key`, or `default` when there is none or it has expired."""
        kept = self._items.get(key, _MISSING)
        if kept is _MISSING or kept[0] <= time.monotonic():
            return default
        return kept[1]

    def put(self, key, value) -> None:
        if len(self._items) >= self.max_items:
            self._items.clear()
        self._items[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        self._items.clear()
