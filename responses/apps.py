from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Questions, responses, events and ideas"

    def ready(self) -> None:
        from . import privacy  # noqa: F401 - registers the personal data
