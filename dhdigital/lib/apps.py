from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "dhdigital.lib"
    label = "lib"
    verbose_name = "Shared helpers"
