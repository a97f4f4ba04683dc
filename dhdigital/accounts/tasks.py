from celery import shared_task

from . import privacy


@shared_task(name="dhdigital.accounts.tasks.personal_data_retention")
def personal_data_retention() -> dict[str, int]:
    """Daily (beat): wipe respondents' contact details once a consultation's retention period is over."""
    return privacy.personal_data_retention()
