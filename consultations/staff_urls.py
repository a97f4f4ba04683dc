from django.urls import path

from . import outcome_views as o
from . import staff_views as v

app_name = "staff"
urlpatterns = [
    path("", v.staff_index, name="index"),
    path("consultations/new/", v.consultation_create, name="consultation-create"),
    path("consultations/<slug:slug>/", v.consultation_manage, name="consultation-manage"),
    path("consultations/<slug:slug>/edit/", v.consultation_edit, name="consultation-edit"),
    path("consultations/<slug:slug>/import/", v.document_import, name="document-import"),
    path("consultations/<slug:slug>/check/", v.consultation_check, name="consultation-check"),
    path("consultations/<slug:slug>/preview/", v.consultation_preview, name="consultation-preview"),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/new-version/", o.version_upload, name="version-upload"
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/publish/", v.document_publish, name="document-publish"
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/v<int:version>/publish/",
        o.version_publish,
        name="version-publish",
    ),
    path("consultations/<slug:slug>/ledger/", o.ledger, name="ledger"),
    path("consultations/<slug:slug>/ledger/questions/<int:pk>/", o.ledger_question, name="ledger-question"),
    path("consultations/<slug:slug>/ledger/<path:lineage>/", o.ledger_entry, name="ledger-entry"),
    path("consultations/<slug:slug>/outcome/", o.outcome_publish, name="outcome-publish"),
    path(
        "consultations/<slug:slug>/<str:action>/", v.consultation_transition, name="consultation-transition"
    ),
]
