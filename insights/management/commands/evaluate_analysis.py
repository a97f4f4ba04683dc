"""python manage.py evaluate_analysis <dir> [--engine ...] [--seed-per-theme K]: prints one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policycycle.analysis import DEFAULT_ENGINE


class Command(BaseCommand):
    help = (
        "Evaluate the analysis engine on a labelled set (question.json, responses.jsonl, themes.json, "
        "mapping.jsonl, optional sentiment.jsonl and detail_detection.jsonl); prints one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--engine", choices=["basic", "embeddings", "llm"], default=DEFAULT_ENGINE)
        parser.add_argument("--seed-per-theme", type=int, default=5, dest="seed_per_theme")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, directory: str, engine: str, seed_per_theme: int, seed: int, **options):
        from insights.engines import llm_client
        from policycycle.analysis.evaluation import evaluate

        if seed_per_theme < 1:
            raise CommandError("--seed-per-theme must be at least 1")
        client = llm_client() if engine == "llm" else None
        if engine == "llm" and client is None:
            raise CommandError(
                "--engine llm needs an endpoint: set LLM_BASE_URL (and LLM_API_KEY, LLM_MODEL)"
            )
        try:
            figures = evaluate(
                Path(directory), engine=engine, seed_per_theme=seed_per_theme, seed=seed, llm_client=client
            )
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        except (ValueError, KeyError, TypeError) as exc:  # bad JSON, a line without its fields
            raise CommandError(f"Could not evaluate {directory}: {exc}") from exc
        self.stdout.write(json.dumps(figures))
