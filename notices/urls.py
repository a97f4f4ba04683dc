from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("activity/", views.activity, name="activity"),
    path("activity/follows/<int:pk>/stop/", views.follow_stop, name="follow-stop"),
    path("activity/emails/on/", views.unmute, name="unmute"),
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email-alerts/", views.bulletin_subscribe, name="bulletin-subscribe"),
    path("email-alerts/confirm/<str:token>/", views.bulletin_confirm, name="bulletin-confirm"),
    path("email-alerts/unsubscribe/<str:token>/", views.bulletin_unsubscribe, name="bulletin-unsubscribe"),
]
