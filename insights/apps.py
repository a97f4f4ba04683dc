import logging
import os
import sys
import threading

from django.apps import AppConfig
from django.conf import settings

from dhdigital.lib.signals import enrich_now, units_erased, units_saved

logger = logging.getLogger(__name__)


def _serves_requests() -> bool:
    """True in a process that answers requests: gunicorn's workers, or runserver's serving child (its
    autoreloading parent only watches files, RUN_MAIN marks the child)."""
    argv = " ".join(sys.argv)
    if "runserver" in argv:
        return "--noreload" in sys.argv or os.environ.get("RUN_MAIN") == "true"
    return "gunicorn" in argv


def _warm() -> None:
    from policycycle.analysis.warm import warm_models

    try:
        # With a broker, enrichment runs on the workers: a web process needs only the scoring models.
        seconds = warm_models(enrichment=settings.CELERY_TASK_ALWAYS_EAGER)
        logger.info("analysis models warmed in %.1f s", seconds)
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first post loads them itself
        logger.exception("warming the analysis models failed; they load on first use")


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Analysis runs, themes and reports"

    def ready(self) -> None:
        from . import checks, privacy, services  # noqa: F401 - checks registers the system checks

        # New and edited responses are enriched (the apps below send these signals; insights/units.py).
        units_saved.connect(services.on_units_saved, dispatch_uid="insights-units-saved")
        enrich_now.connect(services.on_enrich_now, dispatch_uid="insights-enrich-now")
        # Erased text leaves nothing derived from it (dhdigital.accounts.privacy, each app's privacy.py).
        units_erased.connect(privacy.forget_units, dispatch_uid="insights-units-erased")
        # WARM_ANALYSIS_MODELS: load the scoring and enrichment models in the background as a server starts
        # (policycycle/analysis/warm.py), instead of inside the first comment's request.
        if settings.WARM_ANALYSIS_MODELS and _serves_requests():
            threading.Thread(target=_warm, name="warm-analysis-models", daemon=True).start()
