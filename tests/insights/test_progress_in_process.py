"""`make run` has no worker: an analysis run started from the page runs in a thread of the web process after
the request, so the run's page shows it queued or running and then done, instead of the POST returning only
once the run has finished."""

from __future__ import annotations

import json
import threading

import pytest
from django.urls import reverse

from insights import runs
from insights.models import AnalysisRun


@pytest.mark.django_db(transaction=True)
def test_a_run_started_in_process_is_still_running_when_the_page_answers(
    client, settings, consultation, analyst, real_comments, monkeypatch
):
    settings.LONG_TASKS_IN_THREAD = True
    release = threading.Event()
    execute = runs.analysis_run_execute

    def held_execute(run_id, **kwargs):
        release.wait(timeout=10)  # inline (the old way) this would hold the POST itself
        return execute(run_id, **kwargs)

    monkeypatch.setattr(runs, "analysis_run_execute", held_execute)
    client.force_login(analyst)
    response = client.post(
        reverse("insights:run-list", args=[consultation.slug]), {"engine": "basic", "scope": "consultation"}
    )
    run = AnalysisRun.objects.get()
    assert response.status_code == 302
    progress = json.loads(client.get(reverse("insights:run-progress", args=[run.pk])).content)
    assert progress["active"] is True and progress["state"] in ("queued", "running")
    release.set()
    for thread in [t for t in threading.enumerate() if t.name.startswith("long-task:")]:
        thread.join(timeout=120)
    progress = json.loads(client.get(reverse("insights:run-progress", args=[run.pk])).content)
    assert progress["state"] == "done" and progress["progress"] == 100
