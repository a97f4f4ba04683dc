"""dhdigital.lib.memo: what a web process keeps between requests, and for how long."""

from __future__ import annotations

from dhdigital.lib import memo
from dhdigital.lib.memo import ProcessMemo


def test_a_value_lasts_its_seconds_then_is_gone(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    kept = ProcessMemo(seconds=10, max_items=10)
    kept.put("slug", None)  # None is a value like any other
    sentinel = object()
    assert kept.get("slug", sentinel) is None and kept.get("other", sentinel) is sentinel
    now[0] = 109.9
    assert kept.get("slug", sentinel) is None
    now[0] = 110.0
    assert kept.get("slug", sentinel) is sentinel


def test_a_full_memo_starts_again_and_clear_forgets_all():
    kept = ProcessMemo(seconds=60, max_items=2)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.put("c", 3)  # full: a and b are forgotten
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, None, 3)
    kept.clear()
    assert kept.get("c") is None
