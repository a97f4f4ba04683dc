from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public API and open data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import privacy, schema, signals  # noqa: F401  (personal data; schema extensions; webhook events)
