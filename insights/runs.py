"""Analysis runs: start, execute (the Celery task body), cancel, recover.

A run reads its units in chunks, hands them to the plain-Python engine (`policycycle.analysis.themes`) with a
throttled progress callback and a cancellation check, and saves everything in one transaction that also marks
the run done. So a run is either done with all its results, or queued/running/failed/cancelled with none of
them: a worker killed mid-run leaves the row `running` with a stale heartbeat, which the beat task
`runs_recover_stale` re-queues (up to MAX_ATTEMPTS) or marks failed.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from consultations.models import Consultation, Section
from dhdigital.lib.background import send_long_task
from policycycle import analysis
from policycycle.analysis.types import AnalysisCancelled
from responses.models import Question

from . import engines, tasks, units, vectors
from .models import AnalysisRun
from .saving import save_result

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CHUNK = 2_000
SAVE_SHARE = 5  # the last 5% of the bar is saving the results
WRITE_EVERY_S = 1.0  # progress and heartbeat writes at most once a second (and on every step change)
CANCEL_CHECK_EVERY_S = 1.0


class RunRefused(Exception):
    """A run cannot start (another is active, unknown engine or scope)."""


class RunActive(RunRefused):
    """Another run of the consultation is queued or running."""


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "ANALYSIS_RUN_STALE_SECONDS", 300))


# --- units ------------------------------------------------------------------------------------------------


def iter_units(consultation_id: int, scope: str = "consultation") -> Iterator:
    """What a run analyses: every registered kind's units of the scope, as engine Units, read in chunks."""
    return units.iter_units(consultation_id, scope)


def valid_scope(consultation, scope: str) -> bool:
    kind, _, key = scope.partition(":")
    if scope in ("consultation", "ideas"):
        return True
    if kind == "clause":
        return Section.objects.filter(document__consultation=consultation, lineage_key=key).exists()
    if kind == "question":
        return key.isdigit() and Question.objects.filter(consultation=consultation, pk=int(key)).exists()
    return False


# --- start, cancel, recover -------------------------------------------------------------------------------


def analysis_run_start(
    *, consultation, by=None, engine: str | None = None, scope: str = "consultation", queue: bool = True
) -> AnalysisRun:
    """Create a queued run and (on commit) send it to the worker. One active run per consultation.
    Without an engine, the measured default for the scope's size (insights.engines.default_engine)."""
    if not valid_scope(consultation, scope):
        raise RunRefused(f"Unknown scope {scope!r} for this consultation.")
    engine = engine or engines.default_engine(consultation.pk, scope)
    if engine not in AnalysisRun.Engine.values:
        raise RunRefused(f"Unknown engine {engine!r}: choose basic, embeddings or llm.")
    if engine == "llm" and not engines.llm_configured():
        raise RunRefused(
            "The language model engine needs an endpoint (LLM_BASE_URL): choose basic or embeddings."
        )
    with transaction.atomic():
        # Lock the consultation row so two analysts pressing "start" at once cannot both get a run.
        type(consultation).objects.select_for_update().filter(pk=consultation.pk).first()
        active = AnalysisRun.objects.filter(
            consultation=consultation, state__in=[AnalysisRun.State.QUEUED, AnalysisRun.State.RUNNING]
        ).first()
        if active is not None:
            raise RunActive(f"Run {active.pk} is already {active.state}: wait for it or cancel it first.")
        run = AnalysisRun.objects.create(
            consultation=consultation, engine=engine, scope=scope, requested_by=by, step="queued"
        )
        if queue:
            transaction.on_commit(lambda: _send(run.pk))
    return run


def _send(run_id: int) -> None:
    """To the worker; with in-process tasks, to a thread, so the run's page shows its progress."""
    try:
        task_id = send_long_task(tasks.analysis_run_execute, run_id)
        AnalysisRun.objects.filter(pk=run_id).update(task_id=task_id[:64])
    except Exception as exc:  # noqa: BLE001 - broker down: the stale-run sweep re-sends queued runs
        logger.warning("analysis run not queued", extra={"run": run_id, "reason": type(exc).__name__})


def analysis_run_cancel(*, run: AnalysisRun, by=None) -> AnalysisRun:
    """Ask a run to stop. A queued run is cancelled at once; a running one stops at its next check."""
    now = timezone.now()
    AnalysisRun.objects.filter(pk=run.pk, state=AnalysisRun.State.QUEUED).update(
        state=AnalysisRun.State.CANCELLED, cancel_requested=True, step="cancelled", finished_at=now
    )
    AnalysisRun.objects.filter(pk=run.pk, state=AnalysisRun.State.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def analysis_run_rerun(*, run: AnalysisRun, by=None) -> AnalysisRun:
    """A new run with the same engine and scope."""
    return analysis_run_start(consultation=run.consultation, by=by, engine=run.engine, scope=run.scope)


def runs_recover_stale(*, now=None) -> dict[str, int]:
    """Runs whose worker died: `running` with a heartbeat older than the limit (or queued and never picked
    up). Re-queue them while attempts remain, otherwise mark them failed with the reason."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    requeued = failed = 0
    stale = AnalysisRun.objects.filter(state=AnalysisRun.State.RUNNING, heartbeat_at__lt=cutoff)
    stuck = AnalysisRun.objects.filter(
        state=AnalysisRun.State.QUEUED, created_at__lt=cutoff, heartbeat_at__isnull=True
    )
    for run in list(stale) + list(stuck):
        if run.cancel_requested:
            AnalysisRun.objects.filter(pk=run.pk, state=run.state).update(
                state=AnalysisRun.State.CANCELLED, step="cancelled", finished_at=now
            )
            continue
        if run.attempts < MAX_ATTEMPTS:
            n = AnalysisRun.objects.filter(pk=run.pk, state=run.state).update(
                state=AnalysisRun.State.QUEUED,
                step="re-queued after the worker stopped",
                progress=0,
                heartbeat_at=None,
            )
            if n:
                requeued += 1
                _send(run.pk)
        else:
            n = AnalysisRun.objects.filter(pk=run.pk, state=run.state).update(
                state=AnalysisRun.State.FAILED,
                finished_at=now,
                step="failed",
                error=f"The worker stopped responding {run.attempts} times (no heartbeat since "
                f"{run.heartbeat_at:%Y-%m-%d %H:%M} UTC); the previous results are unchanged."
                if run.heartbeat_at
                else f"Never picked up by a worker after {run.attempts} attempts.",
            )
            failed += n
    return {"requeued": requeued, "failed": failed}


def analysis_runs_nightly() -> list[int]:
    """Beat: one run per open consultation (skipping those with a run already active), each with the
    default engine for its size (settings.ANALYSIS_DEFAULT_ENGINE, "auto" unless set)."""
    started = []
    for consultation in Consultation.objects.filter(state=Consultation.State.OPEN):
        if not consultation.is_open():
            continue
        try:
            run = analysis_run_start(consultation=consultation)
        except RunActive:
            continue
        except RunRefused as exc:
            logger.warning("nightly analysis not started", extra={"reason": str(exc)[:200]})
            continue
        started.append(run.pk)
    return started


# --- execute ----------------------------------------------------------------------------------------------


class _Reporter:
    """Throttled writes of progress, step and heartbeat; throttled reads of cancel_requested."""

    def __init__(self, run_id: int, on_progress=None):
        self.run_id = run_id
        self.last_write = 0.0
        self.last_step = ""
        self.last_check = 0.0
        self.cancelled = False
        self.on_progress = on_progress

    def progress(self, step: str, percent: int) -> None:
        step = "analysed" if step == "done" else step  # "done" only once the results are saved
        pct = min(100 - SAVE_SHARE, int(percent * (100 - SAVE_SHARE) / 100))
        now = time.monotonic()
        if self.on_progress:
            self.on_progress(step, pct)
        if step == self.last_step and now - self.last_write < WRITE_EVERY_S:
            return
        self.last_write, self.last_step = now, step
        AnalysisRun.objects.filter(pk=self.run_id, state=AnalysisRun.State.RUNNING).update(
            progress=pct, step=step[:120], heartbeat_at=timezone.now()
        )

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self.last_check >= CANCEL_CHECK_EVERY_S:
            self.last_check = now
            self.cancelled = AnalysisRun.objects.filter(pk=self.run_id, cancel_requested=True).exists()
        return self.cancelled


class _Heartbeat:
    """Beats every few seconds from a thread while the engine works, so a long step (one big clustering) is
    not taken for a dead worker. Skipped on in-memory SQLite (another thread sees another database)."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def _beat(self) -> None:
        from django.db import connection

        interval = max(1.0, min(30.0, stale_after().total_seconds() / 5))
        try:
            while not self.stop.wait(interval):
                try:
                    AnalysisRun.objects.filter(pk=self.run_id, state=AnalysisRun.State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # noqa: BLE001 - e.g. SQLite busy while the results are saved; beat again
                    logger.warning("analysis heartbeat missed", extra={"run": self.run_id})
        finally:
            connection.close()

    def __enter__(self):
        from django.db import connection

        if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            self.thread = threading.Thread(
                target=self._beat, name=f"run-{self.run_id}-heartbeat", daemon=True
            )
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)


def _claim(run_id: int) -> bool:
    now = timezone.now()
    return bool(
        AnalysisRun.objects.filter(pk=run_id, state=AnalysisRun.State.QUEUED, cancel_requested=False).update(
            state=AnalysisRun.State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            step="reading responses",
            attempts=F("attempts") + 1,
            error="",
        )
    )


class StoredVectors:
    """The `embeddings` engine over the responses' stored vectors (`insights.vectors`): a text of the run's
    units is looked up, anything else (a theme's keywords) is embedded as the engine would."""

    name = "embeddings"
    embeds_sentences = True

    def __init__(self, units, consultation_id: int, *, should_cancel=None, progress=None):
        from policycycle.analysis.engines import get_engine

        self.base = get_engine("embeddings")
        items = [(u.id, u.text) for u in units]
        found = vectors.unit_vectors(
            items, consultation_id=consultation_id, should_cancel=should_cancel, progress=progress
        )
        self.by_text = {text: row for (_, text), row in zip(items, found, strict=True)}

    def vectorise(self, texts, *, should_cancel=None, on_chunk=None):
        import numpy as np

        out = np.empty((len(texts), vectors.DIMS), dtype=np.float32)
        rest = []
        for i, t in enumerate(texts):
            row = self.by_text.get(t)
            if row is None:
                rest.append(i)
            else:
                out[i] = row
        if rest:
            out[rest] = self.base.vectorise([texts[i] for i in rest], should_cancel=should_cancel)
        if on_chunk:
            on_chunk(len(texts))
        return out


def _analyse_and_save(run: AnalysisRun, reporter: _Reporter, llm_client=None):
    from policycycle.analysis.themes import run_analysis

    started = time.perf_counter()
    units = list(iter_units(run.consultation_id, run.scope))
    AnalysisRun.objects.filter(pk=run.pk).update(units_total=len(units))
    read_s = time.perf_counter() - started
    if llm_client is None and run.engine == "llm":
        llm_client = engines.llm_client()
    kwargs = {"llm_client": llm_client} if llm_client is not None else {}
    engine = run.engine
    if engine == "embeddings" and len(units) > analysis.EMBEDDINGS_MAX_RESPONSES and vectors.available():
        # past the size a run could embed within budget, it reads the vectors the worker stored after
        # enrichment (computing and storing only those missing: engines.default_engine chose this engine
        # when they were few)
        reporter.progress("reading stored vectors", 0)

        def embedded(done: int, total: int) -> None:
            reporter.progress(f"embedding responses with no stored vector ({done:,} of {total:,})", 0)

        engine = StoredVectors(
            units, run.consultation_id, should_cancel=reporter.should_cancel, progress=embedded
        )
    result = run_analysis(
        units, engine=engine, progress=reporter.progress, should_cancel=reporter.should_cancel, **kwargs
    )
    del units
    reporter.progress("saving results", 100)
    t = time.perf_counter()
    timings = {"read": round(read_s, 3), **{k: round(v, 3) for k, v in result.timings.items()}}
    return save_result(run.pk, result, timings=timings, save_started=t, total_started=started)


def _mine(run_id: int):
    """The run while this worker still owns it (not re-queued by recovery meanwhile)."""
    return AnalysisRun.objects.filter(pk=run_id, state=AnalysisRun.State.RUNNING)


def analysis_run_execute(run_id: int, *, on_progress=None, llm_client=None) -> AnalysisRun | None:
    """The task body: analyse and save, or fail with the error. Returns the run (None if it does not exist).
    A run that is not queued (already taken, done, cancelled) is returned untouched."""
    if not _claim(run_id):
        return AnalysisRun.objects.filter(pk=run_id).first()
    run = AnalysisRun.objects.get(pk=run_id)
    reporter = _Reporter(run_id, on_progress)
    try:
        with _Heartbeat(run_id):
            saved = _analyse_and_save(run, reporter, llm_client)
    except AnalysisCancelled:
        saved = None
    except Exception as exc:  # noqa: BLE001 - any engine or save error fails the run, with its message
        logger.exception("analysis run failed", extra={"run": run_id})
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        _mine(run_id).update(
            state=AnalysisRun.State.FAILED, error=last[:4000], step="failed", finished_at=timezone.now()
        )
        return AnalysisRun.objects.get(pk=run_id)
    if saved is None:  # cancelled during the run or just before saving: nothing was written
        _mine(run_id).filter(cancel_requested=True).update(
            state=AnalysisRun.State.CANCELLED, step="cancelled", finished_at=timezone.now()
        )
    return AnalysisRun.objects.get(pk=run_id)
