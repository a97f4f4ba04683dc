"""Public pages: the home page, the consultation list, a consultation, a document reader and a clause page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dhdigital.lib.pagecache import public_page

from . import access, invitations, search, selectors
from .forms import SearchForm
from .models import Consultation, Document, Section
from .versions import clause_change, compare_documents


def home(request: HttpRequest) -> HttpResponse:
    consultations = Consultation.objects.listed_for(request.user).select_related("team")
    return render(
        request,
        "home.html",
        {
            "open_consultations": consultations.open_now().order_by("closes_at")[:6],
            "upcoming_consultations": consultations.upcoming().order_by("opens_at")[:3],
        },
    )


def consultation_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = Paginator(selectors.consultation_search(user=request.user, q=q, status=status), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/consultation_list.html",
        {"form": form, "page_obj": page, "q": q, "status": status, "statuses": form.fields["status"].choices},
    )


@public_page
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_viewer(request.user, slug)
    return render(request, "consultations/consultation_detail.html", _detail_context(request, consultation))


def _detail_context(request: HttpRequest, consultation, *, preview: bool = False) -> dict:
    documents = consultation.documents.all()
    if not preview:
        documents = documents.filter(state=Document.State.PUBLISHED)
    documents = list(documents)
    for d in documents:
        d.consultation = consultation
    updates = [] if preview else selectors.public_updates(consultation)
    reports = list(
        consultation.reports.filter(is_published=True)
        .order_by("-published_at")
        .only("pk", "title", "published_at")
    )
    return {
        "reports": reports,
        "consultation": consultation,
        "phase": consultation.phase(),
        "documents": documents,
        "preview": preview,
        "updates": updates,
        "last_update": updates[-1] if len(updates) > 1 else None,
    }


@public_page
def document_detail(request: HttpRequest, slug: str, doc: str, version: int | None = None) -> HttpResponse:
    consultation = access.consultation_for_viewer(request.user, slug)
    document = access.document_for_viewer(request.user, consultation, doc, version)
    sections = selectors.document_sections(document)
    counts = selectors.section_counts(document)
    for s in sections:
        s.comment_count = counts.get(s.id, 0)
    return render(
        request,
        "consultations/document_detail.html",
        {
            "consultation": consultation,
            "phase": consultation.phase(),
            "document": document,
            "sections": sections,
            "toc": selectors.table_of_contents(sections, counts),
            "total_comments": sum(counts.get(s.id, 0) for s in sections if s.is_commentable),
        },
    )


@public_page
def section_detail(
    request: HttpRequest, slug: str, doc: str, anchor: str, version: int | None = None
) -> HttpResponse:
    consultation = access.consultation_for_viewer(request.user, slug)
    document = access.document_for_viewer(request.user, consultation, doc, version)
    section = access.section_for_viewer(document, anchor)
    subtree = selectors.with_indent(list(Section.objects.subtree(section).order_by("position")))
    prev, nxt = selectors.neighbours(section)
    for neighbour in (prev, nxt):
        if neighbour is not None:
            neighbour.document = document  # their URLs need the document and consultation already loaded
            # reading an earlier version: its neighbours are that version's clauses, not the latest ones
            neighbour.url = (
                reverse(
                    "consultations:section-version",
                    kwargs={"slug": slug, "doc": doc, "version": version, "anchor": neighbour.anchor},
                )
                if version is not None
                else neighbour.get_absolute_url()
            )
    change = clause_change(section, subtree)
    earlier = change.old if change and change.old else None
    if earlier is not None:
        earlier.document = Document.objects.get(pk=document.previous_version_id)
        earlier.document.consultation = consultation
    return render(
        request,
        "consultations/section_detail.html",
        {
            "consultation": consultation,
            "phase": consultation.phase(),
            "document": document,
            "section": section,
            "subtree": subtree,
            "ancestors": selectors.ancestors(section),
            "previous": prev,
            "next": nxt,
            "change": change,
            "earlier": earlier,
        },
    )


def document_changes(request: HttpRequest, slug: str, doc: str) -> HttpResponse:
    """What changed between a version and the one before it, clause by clause, word by word."""
    consultation = access.consultation_for_viewer(request.user, slug)
    newest = access.document_for_viewer(request.user, consultation, doc)
    if newest.previous_version_id is None:
        raise Http404("This document has only one version.")
    previous = Document.objects.get(pk=newest.previous_version_id)
    previous.consultation = consultation
    comparison = compare_documents(previous, newest)
    show = request.GET.get("show", "changed")
    clauses = comparison.clauses if show == "all" else [c for c in comparison.clauses if not c.unchanged]
    return render(
        request,
        "consultations/document_changes.html",
        {
            "consultation": consultation,
            "document": newest,
            "previous": previous,
            "comparison": comparison,
            "clauses": clauses,
            "show": show,
            "phase": consultation.phase(),
        },
    )


def site_search(request: HttpRequest) -> HttpResponse:
    """One search box: consultations, clauses and what the apps above register (published comments)."""
    q = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("type") if request.GET.get("type") in search.SOURCES else ""
    context: dict = {"q": q, "kind": kind}
    if q:
        per_page = 20 if kind else 5
        for name, find in search.SOURCES.items():
            if kind and name != kind:
                continue
            page = Paginator(find(q), per_page).get_page(request.GET.get("page") if kind else 1)
            items = list(page.object_list)
            if name == "clauses":
                items = search.with_units(items)
            context[name] = {"page": page, "items": items, "count": page.paginator.count}
            if kind:
                context["page_obj"] = page
    return render(request, "consultations/search.html", context)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's link: signed out, it asks the person to sign in or create an account with the
    invited address and come back; signed in with that address, it lets them in to the consultation."""
    invitation = invitations.from_token(token)
    if invitation is None:
        return render(request, "consultations/invitation.html", {"invalid": True}, status=404)
    consultation = invitation.consultation
    context = {"invitation": invitation, "consultation": consultation, "masked": _masked(invitation.email)}
    if not request.user.is_authenticated:
        return render(request, "consultations/invitation.html", context)
    try:
        invitations.invitation_accept(invitation=invitation, user=request.user)
    except invitations.WrongAddress:
        return render(
            request, "consultations/invitation.html", {**context, "wrong_address": True}, status=403
        )
    except PermissionDenied as exc:
        return render(request, "consultations/invitation.html", {**context, "refused": str(exc)}, status=403)
    if consultation.state == Consultation.State.DRAFT:
        return render(request, "consultations/invitation.html", {**context, "not_yet": True})
    messages.success(request, "You have accepted the invitation. You can now read and respond.")
    return redirect(consultation.get_absolute_url())


def _masked(email: str) -> str:
    """j…@example.org: enough for the person to know which address, not the whole address to anyone else
    who holds the link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"
