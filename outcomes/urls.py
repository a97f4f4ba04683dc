"""The team's ledger and government response pages, in the `staff` namespace (dhdigital/urls.py puts them
there beside consultations/staff_urls.py, ahead of its consultation actions)."""

from django.urls import path

from . import views

urlpatterns = [
    path("consultations/<slug:slug>/ledger/", views.ledger, name="ledger"),
    path(
        "consultations/<slug:slug>/ledger/questions/<int:pk>/", views.ledger_question, name="ledger-question"
    ),
    path("consultations/<slug:slug>/ledger/<path:lineage>/", views.ledger_entry, name="ledger-entry"),
    path("consultations/<slug:slug>/outcome/", views.outcome_publish, name="outcome-publish"),
]
