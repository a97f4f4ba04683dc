"""Dashboard, response explorer, respondent view, exports and reports: analysts and publishers only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from consultations.access import consultation_for_team, consultation_for_viewer
from consultations.visibility import is_public
from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import has_team_role
from insights import services as insights_services
from insights.models import AnalysisRun, Report, Theme
from policycycle.analysis.stance import stance_caveat

from . import closed, exports, selectors, services
from .explorer import explore
from .models import ExportLog, SavedView
from .reports import public_snapshot
from .respondents import respondent_units


def _team(request, slug):
    return consultation_for_team(request.user, slug, Role.ANALYST)


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    tallies = selectors.Tallies(consultation)  # the page's counts, of one state of the responses
    cube = selectors.respondent_cube(consultation, tallies=tallies)  # one scan of the responses for both
    closed_results, closed_html = closed.dashboard_results(consultation, cube=cube, tallies=tallies)
    checked = tallies.get(
        "stance_checked", lambda: insights_services.stance_checked(consultation), activity=True
    )
    ctx = {
        "consultation": consultation,
        **selectors.dashboard(consultation, cube, tallies),
        "closed": closed_results,
        "closed_html": closed_html,  # rendered with the results, kept in the cache with them
        "stance_caveat": stance_caveat(**checked),
    }
    return render(request, "dashboards/dashboard.html", ctx)


@login_required
def explorer(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    ctx = explore(consultation, request.GET, request.GET.get("page"))
    ctx.update(
        {
            "consultation": consultation,
            "themes": Theme.objects.filter(consultation=consultation, is_active=True),
            "saved_views": SavedView.objects.filter(consultation=consultation, owner=request.user),
            "query": request.GET.urlencode(),
            "stance_choices": insights_services.stances.CHOICES,
            "stance_caveat": stance_caveat(**insights_services.stance_checked(consultation)),
        }
    )
    return render(request, "dashboards/explorer.html", ctx, status=400 if ctx["form"].errors else 200)


def _back_to_explorer(request: HttpRequest, slug: str) -> HttpResponse:
    """Back to the explorer a form was posted from, with its filters (the form's `query`)."""
    return redirect(f"{reverse('dashboards:explorer', args=[slug])}?{request.POST.get('query', '')}")


@login_required
@require_POST
def explorer_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    theme = None
    if request.POST.get("theme", "").isdigit():
        theme = Theme.objects.filter(pk=int(request.POST["theme"]), consultation=consultation).first()
    try:
        n = services.units_bulk_action(
            consultation=consultation,
            by=request.user,
            action=request.POST.get("action", ""),
            units=request.POST.getlist("units"),
            theme=theme,
        )
    except services.BulkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{n} response{'s' if n != 1 else ''} updated")
    return _back_to_explorer(request, slug)


@login_required
@require_POST
def explorer_stance(request: HttpRequest, slug: str) -> HttpResponse:
    """An official corrects (or confirms) the stance of one response; back to the same filtered page."""
    consultation = _team(request, slug)
    try:
        insights_services.stance_correct(
            consultation=consultation,
            unit=request.POST.get("unit", ""),
            stance=request.POST.get("stance", ""),
            by=request.user,
        )
    except insights_services.StanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Stance set to \u201c{request.POST['stance']}\u201d")
    return _back_to_explorer(request, slug)


@login_required
@require_POST
def saved_view_create(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    query = request.POST.get("query", "")
    try:
        services.saved_view_create(
            consultation=consultation, owner=request.user, name=request.POST.get("name", ""), query=query
        )
    except services.BulkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "View saved")
    return _back_to_explorer(request, slug)


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _team(request, slug)
    try:
        services.saved_view_delete(consultation=consultation, owner=request.user, pk=pk)
    except services.BulkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Saved view deleted")
    return redirect("dashboards:explorer", slug)


@login_required
def respondent(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    consultation = _team(request, slug)
    ctx = respondent_units(consultation, key)
    if ctx is None:
        raise Http404("No such respondent")
    return render(request, "dashboards/respondent.html", {"consultation": consultation, **ctx})


@login_required
def export_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    logs = ExportLog.objects.filter(consultation=consultation).select_related("user")[:20]
    return render(
        request,
        "dashboards/export_list.html",
        {
            "consultation": consultation,
            "datasets": exports.DATASETS,
            "formats": list(exports.FORMATS),
            "logs": logs,
        },
    )


@login_required
def export_download(request: HttpRequest, slug: str, dataset: str, fmt: str) -> HttpResponse:
    consultation = _team(request, slug)
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404("No such export")
    personal = request.GET.get("personal") == "1"
    log = services.export_log_start(
        consultation=consultation, user=request.user, dataset=dataset, fmt=fmt, personal=personal
    )
    rows = exports.Counter(
        exports.ROWS[dataset](consultation, personal),
        lambda n: services.export_log_finish(log_id=log.pk, rows=n),
    )
    name = f"{consultation.slug}-{dataset}{'-personal' if personal else ''}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(rows, dataset),
            as_attachment=True,
            filename=name,
            content_type=exports.FORMATS[fmt],
        )
    stream = exports.csv_stream(rows) if fmt == "csv" else exports.json_stream(rows)
    response = StreamingHttpResponse(stream, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _team(request, slug)
    runs = AnalysisRun.objects.filter(consultation=consultation, state=AnalysisRun.State.DONE)
    if request.method == "POST":
        run = runs.filter(pk=request.POST.get("run") or 0).first() if request.POST.get("run") else None
        if request.POST.get("run") and run is None:
            messages.error(request, "Choose a finished analysis run")
        else:
            report = services.report_create(
                consultation=consultation, by=request.user, run=run, title=request.POST.get("title", "")
            )
            messages.success(request, "Report created")
            return redirect("dashboards:report-detail", slug, report.pk)
    reports = Report.objects.filter(consultation=consultation)
    return render(
        request,
        "dashboards/report_list.html",
        {"consultation": consultation, "runs": runs, "reports": reports},
    )


def _report(request, slug, pk, role=Role.ANALYST):
    consultation = consultation_for_team(request.user, slug, role)
    return consultation, get_object_or_404(Report, pk=pk, consultation=consultation)


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, report = _report(request, slug, pk)
    return render(
        request,
        "dashboards/report_detail.html",
        {
            "consultation": consultation,
            "report": report,
            "s": report.snapshot,
            "can_publish": has_team_role(request.user, consultation.team_id, Role.PUBLISHER),
            "public_ok": is_public(consultation),
        },
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, report = _report(request, slug, pk, Role.PUBLISHER)
    try:
        services.report_publish(report=report, by=request.user)
    except services.ReportPublishError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The report is published, without respondents' own words")
    return redirect("dashboards:report-detail", slug, pk)


@login_required
def report_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, report = _report(request, slug, pk, Role.PUBLISHER)
    if not report.is_published:
        messages.error(request, "This report is not published.")
        return redirect("dashboards:report-detail", slug, pk)
    error = ""
    reason = request.POST.get("reason", "").strip() if request.method == "POST" else ""
    if request.method == "POST":
        try:
            services.report_withdraw(report=report, by=request.user, reason=reason)
        except services.ReportPublishError as exc:
            error = str(exc)
        else:
            messages.success(request, "The report is withdrawn from the public pages and the API")
            return redirect("dashboards:report-detail", slug, pk)
    return render(
        request,
        "dashboards/report_withdraw.html",
        {"consultation": consultation, "report": report, "error": error, "reason": reason},
        status=400 if error else 200,
    )


def _standalone(report, *, public: bool = False) -> str:
    snapshot = public_snapshot(report.snapshot) if public else report.snapshot
    return render_to_string(
        "dashboards/report_file.html", {"report": report, "s": snapshot, "public": public}
    )


def _pdf(report, *, public: bool = False) -> HttpResponse:
    from weasyprint import HTML

    pdf = HTML(string=_standalone(report, public=public)).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(report.title)[:60]}.pdf"'
    return response


def _published_report(request, slug, pk):
    consultation = consultation_for_viewer(request.user, slug)
    report = get_object_or_404(Report, pk=pk, consultation=consultation, is_published=True)
    return consultation, report


def public_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A published report as anyone may read it: figures, themes, stances and method, no quotes."""
    consultation, report = _published_report(request, slug, pk)
    return render(
        request,
        "dashboards/public_report.html",
        {
            "consultation": consultation,
            "report": report,
            "s": public_snapshot(report.snapshot),
            "public": True,
        },
    )


def public_report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, report = _published_report(request, slug, pk)
    return _pdf(report, public=True)


@login_required
def report_html(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, report = _report(request, slug, pk)
    response = HttpResponse(_standalone(report), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(report.title)[:60]}.html"'
    return response


@login_required
def report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, report = _report(request, slug, pk)
    return _pdf(report)
