"""python manage.py analyse <slug> [--engine basic|embeddings|llm] [--scope ...] [--queue]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from consultations.models import Consultation
from dhdigital.lib.background import in_thread
from insights import services
from insights.models import AnalysisRun


class Command(BaseCommand):
    help = "Analyse a consultation's responses: campaigns, themes per clause and question, tags, summaries."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--engine",
            choices=AnalysisRun.Engine.values,
            default=None,
            help="default: settings.ANALYSIS_DEFAULT_ENGINE; 'auto' picks embeddings up to 30,000 "
            "responses and basic above",
        )
        parser.add_argument(
            "--scope",
            default="consultation",
            help="consultation (default), ideas, clause:<lineage key> or question:<id>",
        )
        parser.add_argument(
            "--queue", action="store_true", help="send the run to the Celery worker and return"
        )

    def handle(self, *args, slug: str, engine: str, scope: str, queue: bool, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"No consultation with slug {slug!r}")
        if queue and in_thread():
            self.stdout.write("No Celery worker is configured (no REDIS_URL): running here instead.")
            queue = False
        try:
            run = services.analysis_run_start(
                consultation=consultation, engine=engine, scope=scope, queue=queue
            )
        except services.RunRefused as exc:
            raise CommandError(str(exc)) from exc
        if queue:
            self.stdout.write(f"Run {run.pk} ({run.engine}) queued; follow it at /analysis/runs/{run.pk}/")
            return
        bar = _Bar(self.stdout)
        run = services.analysis_run_execute(run.pk, on_progress=bar) or run
        bar.finish(run.progress, run.step)
        if run.state != AnalysisRun.State.DONE:
            raise CommandError(f"Run {run.pk} {run.state}: {run.error or run.step}")
        secs = run.timings.get("total", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk} ({run.engine}) done in {secs:.1f} s: {run.units_total} "
                f"{ngettext('response', 'responses', run.units_total)}, "
                f"{run.step.removeprefix('done: ')}"
            )
        )


class _Bar:
    """A text progress bar: redrawn in place on a terminal, one line per step change otherwise."""

    WIDTH = 30

    def __init__(self, out):
        self.out = out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.last = (None, -1)

    def line(self, pct: int, step: str) -> str:
        filled = self.WIDTH * pct // 100
        return f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {pct:3d}% {step}"

    def __call__(self, step: str, pct: int) -> None:
        if (step, pct) == self.last:
            return
        if self.tty:
            self.out.write("\r" + self.line(pct, step).ljust(70), ending="")
            self.out.flush()
        elif step != self.last[0]:
            self.out.write(self.line(pct, step))
        self.last = (step, pct)

    def finish(self, pct: int, step: str) -> None:
        if self.tty:
            self.out.write("\r" + self.line(pct, step).ljust(70))
        else:
            self.out.write(self.line(pct, step.split(":")[0]))
