"""System checks for the analysis engine's data and models (`manage.py check`, and every `migrate`, so the
compose stack does not start without them).

Enrichment (language, keywords, stance, evidence) and the spam score are built from the shared data and
kept in the model cache. Without the data, or with a cache the process cannot write, every enrichment
fails and every comment falls back to the local scorer: the portal runs, but its analysis does not.
"""

from __future__ import annotations

import os

from django.core.checks import Error, Info, register

from policycycle.analysis import matcher, resources, stance, warm

DEPLOY_DOC = "docs/deploy.md, 'The analysis models'"
# the models `make models` tunes: the switch that turns each off on purpose, and what is read without it
TUNED = {
    "theme matcher": (matcher.SWITCH, "themes are matched with the packaged MiniLM"),
    "stance model": (stance.SWITCH, "stance is read by the rule-based cues"),
}


@register("analysis")
def analysis_models(app_configs=None, **kwargs):
    if missing := warm.missing_data():
        shown = ", ".join(str(p) for p in missing[:4]) + (
            f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        )
        return [
            Error(
                f"The analysis engine's data is missing: {shown}.",
                hint="Set DHDIGITAL_SHARED_DATA to the shared data folder (docker compose: SHARED_DATA_DIR, "
                f"mounted read-only). Without it no response is enriched. See {DEPLOY_DOC}.",
                id="insights.E001",
            )
        ]
    try:
        cache = resources.cache_dir()
        status = warm.built()
    except OSError as exc:
        return [_cache_error(f"it cannot be created ({exc.strerror}: {exc.filename})")]
    if not all(status.values()) and not os.access(cache, os.W_OK | os.X_OK):
        unbuilt = ", ".join(name for name, ok in status.items() if not ok)
        return [
            _cache_error(f"{cache} is not writable by this process, and the {unbuilt} must be built there")
        ]
    fallback = {
        name: instead
        for name, (switch, instead) in TUNED.items()
        if not status[name] and not resources.switched_off(**switch)
    }
    if fallback:
        return [
            Info(
                f"Not built: the tuned {' and the '.join(fallback)}. "
                + ("Until it is, " if len(fallback) == 1 else "Until they are, ")
                + " and ".join(fallback.values())
                + ", which measure lower on consultations nobody tuned them for (docs/analysis.md).",
                hint="Build them once with `make models` (docker compose: the one-off models service).",
                id="insights.I001",
            )
        ]
    return []


def _cache_error(problem: str) -> Error:
    return Error(
        f"The analysis model cache (DHD_MODEL_CACHE) cannot be used: {problem}.",
        hint="Point DHD_MODEL_CACHE at a folder this user can write, or build every model into it first "
        f"(python -m policycycle.analysis.warm). See {DEPLOY_DOC}.",
        id="insights.E002",
    )
