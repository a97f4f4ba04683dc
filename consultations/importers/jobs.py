"""Imports in the worker: the upload request stores the file as a DocumentImport and queues it; the
worker reads it within time and memory limits (`limits.parse_with_limits`) and saves the document, or
records why not, or what it only partly understood for the publisher to confirm first."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Document, DocumentImport
from dhdigital.celery import app as celery_app
from dhdigital.lib.background import in_thread, send_long_task

from .. import tasks
from .limits import parse_with_limits
from .save import document_import
from .tree import ImporterError

logger = logging.getLogger(__name__)


def import_queue(
    *,
    consultation: Consultation,
    upload,
    fmt: str,
    title: str,
    by,
    previous_version: Document | None = None,
) -> DocumentImport:
    """Store an uploaded file (already checked for size by the form) and queue it for the worker; with
    `previous_version`, it is a revised draft of that document."""
    job = DocumentImport(
        consultation=consultation,
        previous_version=previous_version,
        requested_by=by,
        filename=(upload.name or "upload")[:250],
        source_format=fmt or "",
        title=title or "",
    )
    job.upload.save((upload.name or "upload").rsplit("/", 1)[-1][-100:], upload, save=False)
    job.save()
    _send(job.pk)
    return job


def import_confirm(*, job: DocumentImport) -> DocumentImport:
    """The publisher has read what was only partly understood and wants it imported all the same."""
    updated = DocumentImport.objects.filter(pk=job.pk, state=DocumentImport.State.CONFIRM).update(
        state=DocumentImport.State.QUEUED, confirmed=True
    )
    if updated:
        _send(job.pk)
    job.refresh_from_db()
    return job


def import_cancel(*, job: DocumentImport) -> DocumentImport:
    DocumentImport.objects.filter(pk=job.pk, state=DocumentImport.State.CONFIRM).update(
        state=DocumentImport.State.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    if job.state == DocumentImport.State.CANCELLED and job.upload:
        job.upload.delete(save=True)
    return job


def _send(job_id: int) -> None:
    """To the worker; with in-process tasks, to a thread (after the commit), as analysis runs are."""

    def send() -> None:
        try:
            send_long_task(tasks.document_import_run, job_id)
        except Exception as exc:  # noqa: BLE001 - broker down: the job stays queued, its page says so
            logger.warning("import not queued", extra={"import": job_id, "reason": type(exc).__name__})

    if celery_app.conf.task_always_eager and not in_thread():
        send()  # in-process and inline (the tests): the row is visible on this connection already
    else:
        transaction.on_commit(send)


def import_run(job_id: int) -> str:
    """Read and save one queued import (the worker's task). Returns its final state."""
    claimed = DocumentImport.objects.filter(pk=job_id, state=DocumentImport.State.QUEUED).update(
        state=DocumentImport.State.RUNNING, started_at=timezone.now(), error=""
    )
    if not claimed:
        return "not queued"
    job = DocumentImport.objects.select_related("consultation", "previous_version").get(pk=job_id)
    try:
        with job.upload.open("rb") as stored:
            data = stored.read(settings.MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise ImporterError("The file is too big", job.filename)
        parsed = parse_with_limits(
            data,
            fmt=job.source_format or None,
            filename=job.filename,
            seconds=settings.IMPORT_TIME_LIMIT_S,
            memory_bytes=settings.IMPORT_MEMORY_LIMIT_MB * 1_048_576,
        )
        if parsed.skipped and not job.confirmed:
            return _finish(
                job, DocumentImport.State.CONFIRM, skipped=parsed.skipped_lines(), counts=parsed.counts()
            )
        if job.previous_version_id:
            result = services.document_upload_version(
                document=job.previous_version,
                data=data,
                filename=job.filename,
                fmt=job.source_format or None,
                by=job.requested_by,
                parsed=parsed,
            )
        else:
            result = document_import(
                consultation=job.consultation,
                parsed=parsed,
                title=job.title or None,
                source_name=job.filename,
                source_bytes=data,
            )
    except ImporterError as exc:
        return _finish(job, DocumentImport.State.FAILED, error=exc.for_people())
    except ValidationError as exc:
        error = f"{exc.messages[0].rstrip('.')}. Nothing was imported."
        return _finish(job, DocumentImport.State.FAILED, error=error)
    except Exception:
        logger.exception("import failed", extra={"import": job_id})
        _finish(job, DocumentImport.State.FAILED, error="The import failed. Nothing was imported.")
        raise
    return _finish(job, DocumentImport.State.DONE, counts=result.counts, document=result.document)


def _finish(job: DocumentImport, state: str, **fields) -> str:
    DocumentImport.objects.filter(pk=job.pk).update(state=state, finished_at=timezone.now(), **fields)
    if state in (DocumentImport.State.DONE, DocumentImport.State.FAILED):
        job.upload.delete(save=False)  # kept in the document's own source file when it was imported
        DocumentImport.objects.filter(pk=job.pk).update(upload="")
    return state
