from django.urls import path

from . import staff_views as v

# In the `staff` namespace with outcomes/urls.py (dhdigital/urls.py).
urlpatterns = [
    path("", v.staff_index, name="index"),
    path("consultations/new/", v.consultation_create, name="consultation-create"),
    path("consultations/<slug:slug>/", v.consultation_manage, name="consultation-manage"),
    path("consultations/<slug:slug>/edit/", v.consultation_edit, name="consultation-edit"),
    path("consultations/<slug:slug>/import/", v.document_import, name="document-import"),
    path(
        "consultations/<slug:slug>/import/<int:pk>/",
        v.document_import_progress,
        name="document-import-progress",
    ),
    path("consultations/<slug:slug>/check/", v.consultation_check, name="consultation-check"),
    path("consultations/<slug:slug>/preview/", v.consultation_preview, name="consultation-preview"),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/new-version/", v.version_upload, name="version-upload"
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/publish/", v.document_publish, name="document-publish"
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/v<int:version>/publish/",
        v.version_publish,
        name="version-publish",
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/v<int:version>/notes/",
        v.document_notes,
        name="document-notes",
    ),
    path(
        "consultations/<slug:slug>/documents/<slug:doc>/v<int:version>/notes/<slug:anchor>/",
        v.section_note_edit,
        name="section-note-edit",
    ),
    path("consultations/<slug:slug>/invitations/", v.invitation_list, name="invitation-list"),
    path(
        "consultations/<slug:slug>/invitations/<int:pk>/revoke/",
        v.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "consultations/<slug:slug>/<str:action>/", v.consultation_transition, name="consultation-transition"
    ),
]
