"""python manage.py evaluate_analysis <dir> [--engine ...] [--seed-per-theme K]: prints one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Evaluate the analysis engine on a labelled set (question.json, responses.jsonl, themes.json, "
        "mapping.jsonl, optional sentiment.jsonl and detail_detection.jsonl); prints one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--engine", choices=["basic", "embeddings", "llm"], default="basic")
        parser.add_argument("--seed-per-theme", type=int, default=5, dest="seed_per_theme")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, directory: str, engine: str, seed_per_theme: int, seed: int, **options):
        from policycycle.analysis.evaluation import evaluate

        path = Path(directory)
        if not (path / "responses.jsonl").is_file() or not (path / "themes.json").is_file():
            raise CommandError(f"{directory} is not a labelled set (needs responses.jsonl and themes.json)")
        if seed_per_theme < 1:
            raise CommandError("--seed-per-theme must be at least 1")
        try:
            figures = evaluate(path, engine=engine, seed_per_theme=seed_per_theme, seed=seed)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Could not evaluate {directory}: {exc}") from exc
        self.stdout.write(json.dumps({"engine": engine, **figures}, sort_keys=False))
