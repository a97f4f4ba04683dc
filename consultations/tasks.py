from celery import shared_task

from . import invitations, services
from .importers import jobs


@shared_task(name="consultations.tasks.consultations_transition_due")
def consultations_transition_due() -> dict[str, int]:
    return services.consultations_transition_due()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_invitations(ids: list[int]) -> int:
    """Email a batch of invitations their links (one task per 200: a CSV of thousands never waits in a
    request)."""
    return invitations.send(ids)


@shared_task(name="consultations.tasks.document_import_run", acks_late=True)
def document_import_run(job_id: int) -> str:
    return jobs.import_run(job_id)
