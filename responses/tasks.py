"""Thin Celery wrappers: emails to respondents, sent after the transaction commits."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from dhdigital.lib.site import absolute_url

from . import extraction, services
from .models import Response, ResponseAttachment


def _recipient(response: Response) -> str:
    return response.respondent.email if response.respondent is not None else response.email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_receipt(response_id: int) -> None:
    """Receipt with the reference number and a copy of the answers."""
    response = Response.objects.select_related("consultation", "respondent").get(pk=response_id)
    to = _recipient(response)
    if not to:
        return
    answers = response.answers.select_related("question").order_by("question__position")
    body = render_to_string(
        "responses/email/receipt.txt",
        {
            "response": response,
            "answers": answers,
            "consultation": response.consultation,
            "check_url": absolute_url(
                reverse("responses:response-check", kwargs={"slug": response.consultation.slug})
            ),
        },
    )
    subject = f"Your response to {response.consultation.title}: {response.reference}"
    send_mail(subject, body, None, [to])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_resume_link(response_id: int) -> None:
    response = Response.objects.select_related("consultation", "respondent").get(pk=response_id)
    to = _recipient(response)
    if not to:
        return
    token = services.resume_token(response)
    link = absolute_url(reverse("responses:response-resume", kwargs={"token": token}))
    body = render_to_string(
        "responses/email/resume.txt",
        {"response": response, "consultation": response.consultation, "link": link},
    )
    send_mail(f"Continue your response to {response.consultation.title}", body, None, [to])


@shared_task(acks_late=True)
def queue_imported_analysis(kind: str, pks: list[int]) -> int:
    """Fan out analysis for a bulk import from a worker, so the import request sends one message
    instead of thousands. Units missed here are caught by the insights enrichment sweep."""
    return services.enqueue_now(kind, pks)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def extract_attachment_text(attachment_id: int) -> str:
    """Read an attached file's text (responses.extraction, with its size and time limits) and queue it for
    analysis; a file with nothing to read is flagged for a person to read."""
    a = ResponseAttachment.objects.filter(pk=attachment_id).first()
    if a is None:
        return "gone"
    with a.file.open("rb") as fh:
        result = extraction.extract(fh, a.kind, a.size)
    services.attachment_text_save(attachment=a, state=result.state, text=result.text)
    return result.state
