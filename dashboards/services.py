"""Writes from the dashboards: bulk tagging through the insights curation services (audited there),
review marks, saved views, the export log and frozen reports."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.visibility import is_public
from dhdigital.lib import history, pagecache
from insights import units as unit_registry
from insights.curation import CurationError, tag_add, tag_decide, tag_remove
from insights.models import Report, Theme, ThemeAssignment
from insights.units import UnitKey

from .models import ExportLog, SavedView, UnitReview
from .reports import build_snapshot

BULK_ACTIONS = ("tag", "untag", "review")
MAX_BULK = 500


class BulkError(Exception):
    pass


def _units(consultation, units: list[str]) -> list[UnitKey]:
    out = []
    for uid in units[:MAX_BULK]:
        try:
            out.append(unit_registry.key_in(consultation.pk, uid))
        except ValueError as exc:
            raise BulkError("Choose responses of this consultation.") from exc
    if not out:
        raise BulkError("Select at least one response")
    return out


@transaction.atomic
def units_bulk_action(*, consultation, by, action: str, units: list[str], theme: Theme | None = None) -> int:
    """Tag, untag or mark reviewed every selected response; all or nothing. Returns how many changed."""
    if action not in BULK_ACTIONS:
        raise BulkError("Choose an action")
    refs = _units(consultation, units)
    if action in ("tag", "untag") and (
        theme is None or theme.consultation_id != consultation.pk or not theme.is_active
    ):
        raise BulkError("Choose a theme to tag or untag with")
    changed = 0
    try:
        for key in refs:
            if action == "tag":
                tag_add(theme=theme, by=by, unit=str(key))
                changed += 1
            elif action == "untag":
                tag = ThemeAssignment.objects.filter(theme=theme, rejected=False, **key.ref()).first()
                if tag is not None:
                    tag_remove(tag=tag, by=by)
                    changed += 1
            else:
                changed += _review(consultation, by, key)
    except CurationError as exc:
        raise BulkError(str(exc)) from exc
    return changed


def _review(consultation, by, key: UnitKey) -> int:
    """Reviewing a response confirms its machine tags that nobody has decided on yet."""
    _, created = UnitReview.objects.get_or_create(
        kind=key.kind, unit_id=key.pk, defaults={"consultation": consultation, "reviewed_by": by}
    )
    for tag in ThemeAssignment.objects.filter(source="machine", confirmed=False, rejected=False, **key.ref()):
        tag_decide(tag=tag, by=by, confirm=True)
    return int(created)


def saved_view_create(*, consultation, owner, name: str, query: str) -> SavedView:
    name = name.strip()
    if not name:
        raise BulkError("Enter a name for the view")
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                consultation=consultation, owner=owner, name=name[:100], query=query[:1000]
            )
    except IntegrityError as exc:
        raise BulkError("You already have a view with that name") from exc


def saved_view_delete(*, consultation, owner, pk: int) -> None:
    """Delete one of the official's own saved views; someone else's is "not found", never deleted."""
    deleted, _ = SavedView.objects.filter(pk=pk, consultation=consultation, owner=owner).delete()
    if not deleted:
        raise BulkError("That saved view does not exist")


def export_log_start(*, consultation, user, dataset: str, fmt: str, personal: bool) -> ExportLog:
    return ExportLog.objects.create(
        consultation=consultation, user=user, dataset=dataset, format=fmt, personal_data=personal
    )


def export_log_finish(*, log_id: int, rows: int) -> None:
    ExportLog.objects.filter(pk=log_id).update(row_count=rows)


@transaction.atomic
def report_create(*, consultation, by, run=None, title: str = "") -> Report:
    """Freeze the analysis as it is now: pages, HTML and PDF render only from this snapshot."""
    now = timezone.now()
    title = title.strip() or f"Analysis of responses to {consultation.title}"
    snapshot = build_snapshot(consultation, run=run, title=title, now=now)
    report = Report(consultation=consultation, run=run, title=title[:250], snapshot=snapshot, created_by=by)
    history.save(report, by=by, reason="report frozen")
    return report


class ReportPublishError(Exception):
    pass


def _set_published(report: Report, published: bool, change_reason: str) -> Report:
    """Save the report's publishing state with its reason in the audit trail, and clear the consultation's
    cached public pages (which list its published reports) once the change commits."""
    report.is_published, report.published_at = published, timezone.now() if published else None
    history.save(report, reason=change_reason, update_fields=["is_published", "published_at"])
    slug = report.consultation.slug
    transaction.on_commit(lambda: pagecache.bump(slug))
    return report


@transaction.atomic
def report_publish(*, report: Report, by) -> Report:
    """Put a frozen report on the consultation's public page, the open API and its PDF, without the
    respondents' own words (dashboards.reports.public_snapshot). Reports of a consultation the public
    cannot see yet wait: publishing one then would announce what is not public."""
    report = Report.objects.select_for_update().select_related("consultation").get(pk=report.pk)
    if report.is_published:
        raise ReportPublishError("This report is already published.")
    if not is_public(report.consultation):
        raise ReportPublishError("Publish the consultation first: its reports cannot be public before it is.")
    return _set_published(report, True, f"report published by {by.pk}")


@transaction.atomic
def report_withdraw(*, report: Report, by, reason: str) -> Report:
    """Take a published report off the public pages and the API, with the reason in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ReportPublishError("Give the reason for withdrawing the report.")
    report = Report.objects.select_for_update().select_related("consultation").get(pk=report.pk)
    if not report.is_published:
        raise ReportPublishError("This report is not published.")
    return _set_published(report, False, f"report withdrawn by {by.pk}: {reason[:1000]}")
