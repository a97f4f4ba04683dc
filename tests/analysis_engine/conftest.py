"""Fixtures for the analysis engine tests: real comments only, no database."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from policycycle.analysis import corpora, evaluation


@pytest.fixture(scope="session", autouse=True)
def _shared_data_env():
    import os

    os.environ.setdefault("DHDIGITAL_SHARED_DATA", str(settings.DATA_DIR))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def polis_rows(conversation: str) -> list[dict]:
    with open(
        settings.DATA_DIR / "comments" / "polis" / conversation / "comments.csv", newline="", encoding="utf-8"
    ) as fh:
        return list(csv.DictReader(fh))


def polis_text(conversation: str, comment_id: int) -> str:
    return next(r["comment-body"] for r in polis_rows(conversation) if r["comment-id"] == str(comment_id))


@pytest.fixture(scope="session")
def polis_set(tmp_path_factory):
    return evaluation.build_polis_topics_set(tmp_path_factory.mktemp("polis_set"), per_theme=25)


@pytest.fixture(scope="session")
def injected():
    return corpora.inject_campaigns(n_campaigns=10, members=30, seed=7)
