from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations and documents"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
