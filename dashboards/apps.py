from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards, response explorer, reports and exports"

    def ready(self) -> None:
        from . import privacy  # noqa: F401 - registers the personal data
