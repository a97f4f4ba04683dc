"""A consultation's published analysis reports, in the `consultations` namespace (dhdigital/urls.py puts
them there ahead of the document pages: "reports" is never a document's slug,
consultations/importers/save.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/reports/<int:pk>/", views.public_report, name="report"),
    path("<slug:slug>/reports/<int:pk>/report.pdf", views.public_report_pdf, name="report-pdf"),
]
