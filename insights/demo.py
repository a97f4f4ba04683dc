"""Demo analysis for `manage.py load_demo`: every demo response enriched and a first analysis run per demo
consultation, so a new user of `make run` finds stances, themes, quotes and summaries on the dashboards,
the themes page and the reports. Idempotent: nothing is redone once it exists."""

from __future__ import annotations

from .models import AnalysisRun
from .runs import analysis_run_execute, analysis_run_start, iter_units
from .services import enrichment_sweep


def load_demo_analysis(consultations, *, say=lambda s: None) -> dict[str, object]:
    enriched: dict[str, int] = {}
    while True:  # the sweep takes a batch at a time; the demo has a few hundred responses
        done = enrichment_sweep(batch=500)
        for kind, n in done.items():
            enriched[kind] = enriched.get(kind, 0) + n
        if not any(done.values()):
            break
    runs = []
    for consultation in consultations:
        if AnalysisRun.objects.filter(consultation=consultation).exists():
            continue
        if next(iter_units(consultation.pk), None) is None:
            continue
        run = analysis_run_start(consultation=consultation, queue=False)
        run = analysis_run_execute(run.pk)
        runs.append(run)
        say(f"Analysed {consultation.slug}: run {run.pk} {run.state} ({run.engine})\n")
    return {"enriched": enriched, "runs": runs}
