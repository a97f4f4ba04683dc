from celery import shared_task

from . import services


@shared_task(name="consultations.tasks.consultations_transition_due")
def consultations_transition_due() -> dict[str, int]:
    return services.consultations_transition_due()
