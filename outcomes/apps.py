from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes: the response ledger and the government response"

    def ready(self) -> None:
        from . import privacy, signals  # noqa: F401 - connect the receivers, register the personal data
