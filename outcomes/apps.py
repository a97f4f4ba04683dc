from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes: the response ledger and the government response"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
