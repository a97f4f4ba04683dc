from django.urls import path

from . import idea_views, staff_views, views

app_name = "responses"
staff = "staff/<slug:slug>"
urlpatterns = [
    path("resume/<str:token>/", views.response_resume, name="response-resume"),
    # Staff pages (the consultation's team).
    path(f"{staff}/questions/", staff_views.question_list, name="staff-question-list"),
    path(f"{staff}/questions/new/", staff_views.question_edit, name="staff-question-create"),
    path(f"{staff}/questions/<int:pk>/", staff_views.question_edit, name="staff-question-edit"),
    path(
        f"{staff}/questions/<int:pk>/<str:action>/", staff_views.question_action, name="staff-question-action"
    ),
    path(f"{staff}/responses/", staff_views.response_list, name="staff-response-list"),
    path(f"{staff}/responses/new/", staff_views.response_enter, name="staff-response-enter"),
    path(f"{staff}/responses/import/", staff_views.import_upload, name="staff-import-upload"),
    path(f"{staff}/responses/import/template.csv", staff_views.import_template, name="staff-import-template"),
    path(f"{staff}/responses/import/<str:key>/", staff_views.import_preview, name="staff-import-preview"),
    path(f"{staff}/responses/<str:reference>/", staff_views.response_detail, name="staff-response-detail"),
    path(
        f"{staff}/responses/<str:reference>/files/<int:pk>/",
        staff_views.attachment_download,
        name="staff-attachment-download",
    ),
    path(f"{staff}/publication/", staff_views.publication, name="staff-publication"),
    path(f"{staff}/events/", staff_views.event_manage, name="staff-event-manage"),
    path(f"{staff}/events/<int:pk>/", staff_views.event_detail, name="staff-event-detail"),
    path(f"{staff}/ideas/", idea_views.staff_idea_list, name="staff-idea-list"),
    path(f"{staff}/ideas/<int:pk>/", idea_views.staff_idea_detail, name="staff-idea-detail"),
    # Public pages.
    path("<slug:slug>/respond/", views.response_start, name="response-start"),
    path("<slug:slug>/respond/about-you/", views.response_about, name="response-about"),
    path(
        "<slug:slug>/respond/about-you/organisation/",
        views.response_organisation,
        name="response-organisation",
    ),
    path("<slug:slug>/respond/about-you/region/", views.response_region, name="response-region"),
    path("<slug:slug>/respond/about-you/publishing/", views.response_consent, name="response-consent"),
    path("<slug:slug>/respond/question-<int:position>/", views.response_question, name="response-question"),
    path("<slug:slug>/respond/continue/", views.response_continue, name="response-continue"),
    path("<slug:slug>/respond/check/", views.response_check, name="response-check"),
    path("<slug:slug>/respond/saved/", views.response_saved, name="response-saved"),
    path("<slug:slug>/respond/receipt/", views.response_receipt, name="response-receipt"),
    path("<slug:slug>/published/", views.published_list, name="published-list"),
    path("<slug:slug>/events/", views.event_list, name="event-list"),
    path("<slug:slug>/ideas/", idea_views.idea_list, name="idea-list"),
    path("<slug:slug>/ideas/new/", idea_views.idea_create, name="idea-create"),
    path("<slug:slug>/ideas/<int:pk>/", idea_views.idea_detail, name="idea-detail"),
    path("<slug:slug>/ideas/<int:pk>/vote/", idea_views.idea_vote, name="idea-vote"),
    path("<slug:slug>/ideas/<int:pk>/report/", idea_views.idea_flag, name="idea-flag"),
]
