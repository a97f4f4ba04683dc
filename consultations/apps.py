from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations and documents"

    def ready(self) -> None:
        from . import (
            privacy,  # noqa: F401 - registers the personal data
            signals,  # noqa: F401 - connects the receivers
        )
