from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices and email bulletins"

    def ready(self) -> None:
        from . import privacy, receivers  # noqa: F401 - privacy registers the personal data

        receivers.connect()
