from django.urls import path

from . import views

# In the `consultations` namespace with dashboards/report_urls.py (dhdigital/urls.py).
urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("<slug:slug>/", views.consultation_detail, name="consultation-detail"),
    path("<slug:slug>/<slug:doc>/", views.document_detail, name="document-detail"),
    path("<slug:slug>/<slug:doc>/v<int:version>/", views.document_detail, name="document-version"),
    path("<slug:slug>/<slug:doc>/changes/", views.document_changes, name="document-changes"),
    path(
        "<slug:slug>/<slug:doc>/v<int:version>/<slug:anchor>/", views.section_detail, name="section-version"
    ),
    path("<slug:slug>/<slug:doc>/<slug:anchor>/", views.section_detail, name="section-detail"),
]
