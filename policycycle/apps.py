from django.apps import AppConfig

from dhdigital.lib.pagecache import served_from_cache


class PolicycycleConfig(AppConfig):
    name = "policycycle"
    verbose_name = "Policy cycle toolkit and projects"

    def ready(self) -> None:
        from . import privacy  # noqa: F401 - registers the personal data
        from .visitors import count_cached_page

        served_from_cache.connect(count_cached_page, dispatch_uid="visitors-count-cached-page")
