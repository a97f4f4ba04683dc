from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and moderation"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
