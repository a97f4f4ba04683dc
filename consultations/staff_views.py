"""Staff pages for publishers: create, edit, import, check, preview and move a consultation through its
lifecycle. Every view loads through `access`; only the consultation's team sees it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import has_team_role, is_official, teams_where

from . import access, services
from . import invitations as invites
from .forms import (
    ConsultationForm,
    DocumentImportForm,
    ExtendForm,
    InviteCSVForm,
    InviteForm,
    ReasonForm,
    RevokeForm,
    SectionNoteForm,
    VersionUploadForm,
)
from .importers import jobs
from .models import Consultation, Document, DocumentImport, Invitation, Section
from .standard import check_standard
from .views import _detail_context

STAFF_PANELS = [
    "comments/_staff_links.html",
    "responses/_staff_links.html",
    "insights/_staff_links.html",
    "dashboards/_staff_links.html",
    "policycycle/_staff_links.html",
]


def _require_official(request: HttpRequest) -> None:
    if not is_official(request.user):
        raise PermissionDenied("This area is for consultation teams.")


@login_required
def staff_index(request: HttpRequest) -> HttpResponse:
    _require_official(request)
    qs = Consultation.objects.select_related("team").annotate(n_docs=Count("documents"))
    if not request.user.is_superuser:
        qs = qs.filter(team__in=teams_where(request.user))
    publisher_teams = teams_where(request.user, Role.PUBLISHER)
    return render(
        request,
        "consultations/staff/index.html",
        {"consultations": qs.order_by("-created_at"), "can_create": publisher_teams.exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    _require_official(request)
    initial = {}
    if request.GET.get("kind") in Consultation.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = ConsultationForm(request.POST or None, user=request.user, initial=initial)
    if request.GET.get("project"):  # started from a policy project's page (policycycle)
        form.initial["project"] = form.fields["project"].queryset.filter(slug=request.GET["project"]).first()
    if not form.fields["team"].queryset.exists():
        raise PermissionDenied("Only publishers can create consultations.")
    if request.method == "POST" and form.is_valid():
        consultation = services.consultation_save(consultation=form.save(commit=False), by=request.user)
        form.save_m2m()
        messages.success(request, "Draft consultation created. Import the draft document next.")
        return redirect("staff:consultation-manage", slug=consultation.slug)
    return render(request, "consultations/staff/consultation_form.html", {"form": form, "creating": True})


_UNIT_NAMES = {
    Section.Kind.CLAUSE: ("clause", "clauses"),
    Section.Kind.SCHEDULE: ("schedule", "schedules"),
    Section.Kind.AMENDMENT: ("amendment", "amendments"),
}


def _with_commentable_counts(documents) -> list[Document]:
    """Each document with `units`: what people can comment on, by kind ("12 clauses and 2 schedules",
    "5 amendments", "nothing to comment on yet")."""
    counts = {kind: Count("sections", filter=Q(sections__kind=kind)) for kind in _UNIT_NAMES}
    documents = list(documents.annotate(**{f"n_{kind}": c for kind, c in counts.items()}))
    for d in documents:
        parts = [
            f"{n} {ngettext(one, many, n)}"
            for kind, (one, many) in _UNIT_NAMES.items()
            if (n := getattr(d, f"n_{kind}"))
        ]
        d.units = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        d.units = d.units or "nothing to comment on yet"
    return documents


@login_required
def consultation_manage(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug)
    return render(
        request,
        "consultations/staff/manage.html",
        {
            "consultation": consultation,
            "phase": consultation.phase(),
            "documents": _with_commentable_counts(consultation.documents.all()),
            "failures": check_standard(consultation) if consultation.state == "draft" else [],
            "is_publisher": has_team_role(request.user, consultation.team_id, Role.PUBLISHER),
            # the panels offer each person only the pages their role opens
            "can": {
                role.value: has_team_role(request.user, consultation.team_id, role)
                for role in (Role.MODERATOR, Role.ANALYST, Role.PUBLISHER)
            },
            "panels": STAFF_PANELS,
            "history": consultation.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    if consultation.state in (Consultation.State.CONCLUDED, Consultation.State.WITHDRAWN):
        raise PermissionDenied("A concluded or withdrawn consultation can no longer be edited.")
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_save(consultation=form.save(commit=False), by=request.user)
        except services.StandardNotMet as exc:
            standard_errors(form, exc.failures)
        else:
            form.save_m2m()
            messages.success(request, "Changes saved.")
            return redirect("staff:consultation-manage", slug=consultation.slug)
    return render(
        request,
        "consultations/staff/consultation_form.html",
        {"form": form, "consultation": consultation},
    )


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n)


@login_required
@require_http_methods(["GET", "POST"])
def document_import_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An import's page: refreshes itself while the worker reads the file (a meta refresh and a link, no
    JavaScript), then says what was imported, why nothing was, or what was only partly understood and
    asks the publisher to confirm."""
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    job = get_object_or_404(DocumentImport, pk=pk, consultation=consultation)
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            jobs.import_confirm(job=job)
            return redirect("staff:document-import-progress", slug=slug, pk=job.pk)
        jobs.import_cancel(job=job)
        messages.success(request, f"“{job.filename}” was not imported.")
        return redirect("staff:consultation-manage", slug=slug)
    if job.state == DocumentImport.State.DONE and job.document_id and job.previous_version_id:
        messages.success(
            request, f"Version {job.document.version} uploaded. Check the changes, then publish it."
        )
        return redirect("consultations:document-changes", slug=slug, doc=job.document.slug)
    if job.state == DocumentImport.State.DONE and job.document_id:
        later = (
            " It is not public yet: check it, then publish it from this page."
            if consultation.state != Consultation.State.DRAFT
            else ""
        )
        messages.success(request, f"Imported “{job.document.title}”: {_counted(job.counts)}.{later}")
        return redirect("staff:consultation-manage", slug=slug)
    form = DocumentImportForm()
    if job.state == DocumentImport.State.FAILED:
        form = DocumentImportForm(data={"format": job.source_format, "title": job.title})
        form.is_valid()
        form.errors.clear()
        form.add_error("file", job.error)
    return render(
        request,
        "consultations/staff/import_progress.html",
        {
            "consultation": consultation,
            "job": job,
            "form": form,
            "counts": _counted(job.counts),
            "refresh_seconds": 2,
            "retry_url": (
                reverse("staff:version-upload", kwargs={"slug": slug, "doc": job.previous_version.slug})
                if job.previous_version_id
                else reverse("staff:document-import", kwargs={"slug": slug})
            ),
        },
    )


def standard_errors(form, failures) -> None:
    """Each failure of the minimum digital standard as an error on the field that fixes it, so the
    GOV.UK error summary names it and links to the field."""
    for failure in failures:
        named = failure.field in form.fields and not form[failure.field].field.disabled
        field = failure.field if named else None
        form.add_error(field, f"Minimum digital standard: {failure.title}. {failure.fix}")


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    if consultation.state not in (Consultation.State.DRAFT, Consultation.State.SCHEDULED):
        raise PermissionDenied("Documents can only be imported before the consultation opens.")
    form = DocumentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # The request only checks and stores the file: the worker reads it (consultations.importers.jobs).
        job = jobs.import_queue(
            consultation=consultation,
            upload=form.cleaned_data["file"],
            fmt=form.cleaned_data["format"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
        return redirect("staff:document-import-progress", slug=consultation.slug, pk=job.pk)
    return render(
        request, "consultations/staff/document_import.html", {"form": form, "consultation": consultation}
    )


@login_required
@require_http_methods(["POST"])
def document_publish(request: HttpRequest, slug: str, doc: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    document = access.document_for_viewer(request.user, consultation, doc)
    try:
        services.document_publish(document=document, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"“{document.title}” is published.")
    return redirect("staff:consultation-manage", slug=consultation.slug)


@login_required
def consultation_check(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug)
    return render(
        request,
        "consultations/staff/check.html",
        {"consultation": consultation, "failures": check_standard(consultation)},
    )


@login_required
def consultation_preview(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug)
    return render(
        request,
        "consultations/consultation_detail.html",
        _detail_context(request, consultation, preview=True),
    )


TRANSITIONS = {
    "schedule": ("Schedule and publish", None),
    "open-now": ("Open now", None),
    "close": ("Close early", ReasonForm),
    "extend": ("Extend the closing date", ExtendForm),
    "withdraw": ("Withdraw", ReasonForm),
}


@login_required
@require_http_methods(["GET", "POST"])
def consultation_transition(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404("Unknown action.")
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    title, form_class = TRANSITIONS[action]
    form = form_class(request.POST or None) if form_class else None
    failures = []
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            _apply_transition(action, consultation, request.user, data)
        except services.StandardNotMet as exc:
            failures = exc.failures
        except ValidationError as exc:
            target = form if form else None
            if target is not None:
                target.add_error(None, exc.messages[0])
            else:
                messages.error(request, exc.messages[0])
                return redirect("staff:consultation-manage", slug=consultation.slug)
        else:
            messages.success(request, f"{title}: done.")
            return redirect("staff:consultation-manage", slug=consultation.slug)
    return render(
        request,
        "consultations/staff/transition.html",
        {"consultation": consultation, "form": form, "title": title, "action": action, "failures": failures},
    )


def _apply_transition(action: str, consultation: Consultation, user, data: dict) -> None:
    if action == "schedule":
        services.consultation_schedule(consultation=consultation, by=user)
    elif action == "open-now":
        services.consultation_open_now(consultation=consultation, by=user)
    elif action == "close":
        services.consultation_close_early(consultation=consultation, by=user, reason=data["reason"])
    elif action == "extend":
        services.consultation_extend(
            consultation=consultation, by=user, closes_at=data["closes_at"], reason=data["reason"]
        )
    elif action == "withdraw":
        services.consultation_withdraw(consultation=consultation, by=user, reason=data["reason"])


@login_required
@require_http_methods(["GET", "POST"])
def version_upload(request: HttpRequest, slug: str, doc: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    current = Document.objects.filter(consultation=consultation, slug=doc).order_by("-version").first()
    if current is None:
        raise Http404("No such document.")
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if Document.objects.filter(previous_version=current).exists():
            form.add_error("file", "A newer version of this document already exists. Nothing was imported.")
        else:  # read in the worker, as a first import is
            job = jobs.import_queue(
                consultation=consultation,
                upload=form.cleaned_data["file"],
                fmt=form.cleaned_data["format"],
                title="",
                by=request.user,
                previous_version=current,
            )
            return redirect("staff:document-import-progress", slug=slug, pk=job.pk)
    return render(
        request,
        "consultations/staff/version_upload.html",
        {"form": form, "consultation": consultation, "document": current},
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, slug: str, doc: str, version: int) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    document = get_object_or_404(Document, consultation=consultation, slug=doc, version=version)
    try:
        services.document_publish_version(document=document, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Version {version} is published.")
    return redirect("staff:consultation-manage", slug=slug)


# --- explanatory notes -----------------------------------------------------------------------------


def _document_version(consultation: Consultation, doc: str, version: int) -> Document:
    document = get_object_or_404(Document, consultation=consultation, slug=doc, version=version)
    document.consultation = consultation
    return document


@login_required
def document_notes(request: HttpRequest, slug: str, doc: str, version: int) -> HttpResponse:
    """The clauses, schedules and parts of a document version, each with its note or a link to add one."""
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    document = _document_version(consultation, doc, version)
    sections = list(
        Section.objects.filter(document=document, kind__in=Section.NOTABLE)
        .order_by("position")
        .only("pk", "kind", "number", "heading", "text", "anchor", "depth", "explanatory_note")
    )
    return render(
        request,
        "consultations/staff/document_notes.html",
        {
            "consultation": consultation,
            "document": document,
            "sections": sections,
            "n_notes": sum(1 for s in sections if s.explanatory_note),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_note_edit(request: HttpRequest, slug: str, doc: str, version: int, anchor: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    if consultation.state == Consultation.State.WITHDRAWN:
        raise PermissionDenied("A withdrawn consultation can no longer be edited.")
    document = _document_version(consultation, doc, version)
    section = get_object_or_404(Section, document=document, anchor=anchor, kind__in=Section.NOTABLE)
    section.document = document
    form = SectionNoteForm(request.POST or None, initial={"note": section.explanatory_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_note_save(section=section, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            form.add_error("note", exc.messages[0])
        else:
            messages.success(request, f"Explanatory note for {section.label} saved.")
            return redirect("staff:document-notes", slug=slug, doc=doc, version=version)
    changes = (
        section.history.exclude(history_change_reason__isnull=True)
        .filter(history_change_reason__startswith="explanatory note")
        .select_related("history_user")
        .order_by("-history_date")[:10]
    )
    return render(
        request,
        "consultations/staff/section_note_form.html",
        {
            "consultation": consultation,
            "document": document,
            "section": section,
            "form": form,
            "subtree": Section.objects.subtree(section).order_by("position")[:40],
            "changes": changes,
        },
    )


# --- invitations -------------------------------------------------------------------------------------


def _invited_message(result: invites.Invited) -> str:
    parts = []
    n = len(result.created)
    if n:
        parts.append(f"{n} invitation{'s' if n != 1 else ''} will be emailed")
    if result.already:
        k = len(result.already)
        parts.append(f"{k} address{'es were' if k != 1 else ' was'} already invited")
    return ("; ".join(parts) or "Nobody new to invite") + "."


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite people to an invitation-only consultation, one address or a CSV, and revoke invitations."""
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    one = InviteForm(request.POST if "invite" in request.POST else None, prefix="one")
    upload = InviteCSVForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
        prefix="csv",
    )
    if request.method == "POST":
        try:
            if "invite" in request.POST and one.is_valid():
                result = invites.invitation_create(
                    consultation=consultation, email=one.cleaned_data["email"], by=request.user
                )
                messages.success(request, _invited_message(result))
                return redirect("staff:invitation-list", slug=slug)
            if "upload" in request.POST and upload.is_valid():
                f = upload.cleaned_data["file"]
                emails = invites.parse_csv(f.read(invites.MAX_CSV_BYTES + 1))
                result = invites.invitations_create(consultation=consultation, emails=emails, by=request.user)
                messages.success(request, _invited_message(result))
                return redirect("staff:invitation-list", slug=slug)
        except ValidationError as exc:
            (one if "invite" in request.POST else upload).add_error(
                "email" if "invite" in request.POST else "file", exc.messages[0]
            )
    rows = Invitation.objects.filter(consultation=consultation).select_related("invited_by", "user")
    return render(
        request,
        "consultations/staff/invitations.html",
        {
            "consultation": consultation,
            "one": one,
            "upload": upload,
            "forms": [one, upload],
            "invitations": rows,
            "counts": {
                "invited": sum(1 for i in rows if i.status == "Invited"),
                "accepted": sum(1 for i in rows if i.status == "Accepted"),
                "revoked": sum(1 for i in rows if i.status == "Revoked"),
            },
            "history": Invitation.history.filter(consultation_id=consultation.pk)
            .select_related("history_user")
            .order_by("-history_date")[:20],
        },
        status=400 if one.errors or upload.errors else 200,
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    invitation = get_object_or_404(Invitation, consultation=consultation, pk=pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    invites.invitation_revoke(invitation=invitation, by=request.user, reason=reason)
    messages.success(request, f"The invitation to {invitation.email} is revoked: its link no longer works.")
    return redirect("staff:invitation-list", slug=slug)
