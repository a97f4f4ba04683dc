from django.apps import AppConfig
from django.core import checks


class LibConfig(AppConfig):
    name = "dhdigital.lib"
    label = "lib"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        from .secret_key import check_secret_key

        checks.register(check_secret_key, checks.Tags.security, deploy=True)
