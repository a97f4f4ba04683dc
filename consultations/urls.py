from django.urls import path

from dashboards import views as report_views

from . import outcome_views, views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("<slug:slug>/", views.consultation_detail, name="consultation-detail"),
    # "reports" is never a document's slug (consultations/importers/save.py)
    path("<slug:slug>/reports/<int:pk>/", report_views.public_report, name="report"),
    path("<slug:slug>/reports/<int:pk>/report.pdf", report_views.public_report_pdf, name="report-pdf"),
    path("<slug:slug>/<slug:doc>/", views.document_detail, name="document-detail"),
    path("<slug:slug>/<slug:doc>/v<int:version>/", views.document_detail, name="document-version"),
    path("<slug:slug>/<slug:doc>/changes/", outcome_views.document_changes, name="document-changes"),
    path(
        "<slug:slug>/<slug:doc>/v<int:version>/<slug:anchor>/", views.section_detail, name="section-version"
    ),
    path("<slug:slug>/<slug:doc>/<slug:anchor>/", views.section_detail, name="section-detail"),
]
