from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/progress.json", views.run_progress, name="run-progress"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
    path("runs/<int:pk>/rerun/", views.run_rerun, name="run-rerun"),
    path("themes/<int:pk>/", views.theme_detail, name="theme-detail"),
    path("themes/<int:pk>/delete/", views.theme_delete, name="theme-delete"),
    path("themes/<int:pk>/<str:action>/", views.theme_action, name="theme-action"),
    path("tags/<int:pk>/", views.tag_action, name="tag-action"),
    path("<slug:slug>/", views.run_list, name="run-list"),
    path("<slug:slug>/themes/", views.theme_list, name="theme-list"),
    path("<slug:slug>/retrain/", views.tagger_retrain, name="tagger-retrain"),
    path("<slug:slug>/campaigns/", views.campaign_list, name="campaign-list"),
]
