"""Consultation and idea events become notice events (recorded in the sender's transaction; the fan-out
is queued on commit)."""

from __future__ import annotations

from consultations import events as consultation_events
from responses import events as idea_events

from . import services
from .models import Event


def on_published(sender, consultation, **kwargs):
    services.event_record(
        kind=Event.Kind.NEW_CONSULTATION, key=f"new:{consultation.pk}", consultation=consultation
    )


def on_closed(sender, consultation, **kwargs):
    services.event_record(kind=Event.Kind.CLOSED, key=f"closed:{consultation.pk}", consultation=consultation)


def on_outcome(sender, consultation, **kwargs):
    services.event_record(
        kind=Event.Kind.OUTCOME, key=f"outcome:{consultation.pk}", consultation=consultation
    )


def on_version(sender, consultation, document, **kwargs):
    services.event_record(
        kind=Event.Kind.VERSION, key=f"version:{document.pk}", consultation=consultation, document=document
    )


def on_idea_status(sender, idea, **kwargs):
    if idea.author_id is None:
        return
    n = idea.history.count() if hasattr(idea, "history") else 0
    services.event_record(
        kind=Event.Kind.IDEA_STATUS,
        key=f"idea:{idea.pk}:{n}",
        consultation=idea.consultation,
        idea=idea,
        detail=idea.status,
    )


def connect() -> None:
    pairs = [
        (consultation_events.consultation_published, on_published),
        (consultation_events.consultation_closed, on_closed),
        (consultation_events.outcome_published, on_outcome),
        (consultation_events.version_published, on_version),
        (idea_events.idea_status_changed, on_idea_status),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notices.{receiver.__name__}")
