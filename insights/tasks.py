from celery import shared_task

from consultations.models import Consultation

from . import runs, services


@shared_task(name="insights.tasks.enrich_unit", acks_late=True, max_retries=3, default_retry_delay=10)
def enrich_unit(kind: str, pk: int) -> bool:
    return services.enrichment_compute(kind=kind, pk=pk) is not None


@shared_task(name="insights.tasks.stance_adapt")
def stance_adapt(consultation_id: int) -> int:
    services.stances.ADAPT_WAITING.release(consultation_id)  # corrections from now on queue the next refit
    changed = services.stance_adapt(consultation_id=consultation_id)
    if consultation_id in services.stances.pending_consultations(consultation_id):  # more than one batch
        services.queue_stance_adapt(consultation_id)
    return changed


@shared_task(name="insights.tasks.vectors_fill")
def vectors_fill(consultation_id: int) -> int:
    services.vectors.FILL_WAITING.release(consultation_id)  # enrichments from now on queue the next fill
    done, more = services.vectors.fill(consultation_id)
    if more:
        services.queue_vectors_fill(consultation_id)
    return done


@shared_task(name="insights.tasks.enrichment_sweep")
def enrichment_sweep() -> dict[str, int]:
    return services.enrichment_sweep()


# acks_late + reject_on_worker_lost: a worker killed mid-run gives the message back to the broker; the row
# itself is recovered by runs_recover_stale, so a run is never left "running" for ever.
@shared_task(name="insights.tasks.analysis_run_execute", acks_late=True, reject_on_worker_lost=True)
def analysis_run_execute(run_id: int) -> str:
    run = runs.analysis_run_execute(run_id)
    return run.state if run else "missing"


@shared_task(name="insights.tasks.runs_recover_stale")
def runs_recover_stale() -> dict[str, int]:
    return runs.runs_recover_stale()


@shared_task(name="insights.tasks.analysis_runs_nightly")
def analysis_runs_nightly() -> list[int]:
    return runs.analysis_runs_nightly()


@shared_task(name="insights.tasks.tagger_retrain")
def tagger_retrain(consultation_id: int, user_id: int | None = None) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    consultation = Consultation.objects.get(pk=consultation_id)
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return services.tagger_retrain(consultation=consultation, by=by)
    except services.TaggerError:  # the examples changed since it was queued
        return {"scopes": 0, "tagged": 0, "tags": 0}
