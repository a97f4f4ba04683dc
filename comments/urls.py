from django.urls import path

from . import staff_views, views

app_name = "comments"
urlpatterns = [
    path("house-rules/", views.house_rules_page, name="house-rules"),
    path("follow/", views.follow, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("consultations/<slug:slug>/new/", views.comment_create, name="comment-create"),
    path("<int:pk>/", views.comment_detail, name="comment-detail"),
    path("<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("<int:pk>/react/", views.comment_react, name="comment-react"),
    path("<int:pk>/flag/", views.comment_flag, name="comment-flag"),
    path("<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("<int:pk>/withdraw/", views.comment_withdraw, name="comment-withdraw"),
    path("<int:pk>/appeal/", views.comment_appeal, name="comment-appeal"),
    path("staff/<slug:slug>/moderation/", staff_views.moderation_queue, name="moderation-queue"),
    path("staff/<slug:slug>/comments/<int:pk>/", staff_views.comment_moderate, name="comment-moderate"),
    path("staff/<slug:slug>/appeals/<int:pk>/", staff_views.appeal_decide, name="appeal-decide"),
    path("staff/<slug:slug>/users/<int:user_id>/", staff_views.user_sanction, name="user-sanction"),
]
