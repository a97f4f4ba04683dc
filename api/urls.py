from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import (
    feeds,
    views,
    views_exports,
    views_insights,
    views_moderation,
    views_opendata,
    views_pages,
    views_results,
    views_staff,
)
from . import views_participation as vp
from . import views_themes as vt

app_name = "api"


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


v1 = [
    path("consultations/", views.ConsultationList.as_view(), name="consultation-list"),
    path("consultations/<slug:slug>/", views.ConsultationDetail.as_view(), name="consultation-detail"),
    path("documents/", views.DocumentList.as_view(), name="document-list"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document-detail"),
    path("documents/<int:pk>/akn.xml", views.DocumentAkn.as_view(), name="document-akn"),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("sections/<int:pk>/", views.SectionDetail.as_view(), name="section-detail"),
    path(
        "consultations/<slug:slug>/open-data.zip",
        views_opendata.ConsultationZip.as_view(),
        name="consultation-zip",
    ),
    path(
        "documents/<int:pk>/annotations.jsonld",
        views_opendata.DocumentAnnotations.as_view(),
        name="document-annotations",
    ),
    path("comments/", vp.CommentListCreate.as_view(), name="comment-list"),
    path("comments/<int:pk>/", vp.CommentDetail.as_view(), name="comment-detail"),
    path("consultations/<slug:slug>/questions/", vp.QuestionList.as_view(), name="question-list"),
    path("consultations/<slug:slug>/responses/", vp.PublishedResponseList.as_view(), name="response-list"),
    path("consultations/<slug:slug>/ideas/", vp.IdeaList.as_view(), name="idea-list"),
    path("consultations/<slug:slug>/ledger/", vp.LedgerList.as_view(), name="ledger-list"),
    path(
        "staff/consultations/<slug:slug>/comments/", vp.StaffCommentList.as_view(), name="staff-comment-list"
    ),
    path("staff/consultations/<slug:slug>/moderation/", vp.StaffModerate.as_view(), name="staff-moderate"),
    path(
        "staff/consultations/<slug:slug>/appeals/",
        views_moderation.AppealList.as_view(),
        name="staff-appeal-list",
    ),
    path(
        "staff/consultations/<slug:slug>/appeals/<int:pk>/decide/",
        views_moderation.AppealDecide.as_view(),
        name="staff-appeal-decide",
    ),
    path(
        "staff/consultations/<slug:slug>/sanctions/",
        views_moderation.SanctionListCreate.as_view(),
        name="staff-sanction-list",
    ),
    path("tokens/", views_staff.TokenListCreate.as_view(), name="token-list"),
    path("tokens/<int:pk>/", views_staff.TokenRevoke.as_view(), name="token-revoke"),
    path("staff/webhooks/", views_staff.WebhookListCreate.as_view(), name="webhook-list"),
    path("staff/webhooks/<int:pk>/", views_staff.WebhookDetail.as_view(), name="webhook-detail"),
    path(
        "staff/webhooks/<int:pk>/deliveries/", views_staff.DeliveryList.as_view(), name="webhook-deliveries"
    ),
    path(
        "staff/consultations/<slug:slug>/responses/",
        vp.StaffResponseList.as_view(),
        name="staff-response-list",
    ),
    path(
        "staff/consultations/<slug:slug>/exports/",
        views_exports.ExportIndex.as_view(),
        name="staff-export-list",
    ),
    path(
        "staff/consultations/<slug:slug>/exports/<slug:dataset>.<slug:fmt>",
        views_exports.ExportDownload.as_view(),
        name="staff-export",
    ),
    path(
        "consultations/<slug:slug>/reports/", views_insights.PublishedReportList.as_view(), name="report-list"
    ),
    path("staff/consultations/<slug:slug>/runs/", views_insights.RunListStart.as_view(), name="run-list"),
    path(
        "staff/consultations/<slug:slug>/question-results/",
        views_results.QuestionResults.as_view(),
        name="question-results",
    ),
    path("staff/runs/<int:pk>/", views_insights.RunDetail.as_view(), name="run-detail"),
    path("staff/runs/<int:pk>/cancel/", views_insights.RunCancel.as_view(), name="run-cancel"),
    path("staff/consultations/<slug:slug>/themes/", vt.ThemeListCreate.as_view(), name="theme-list"),
    path("staff/themes/<int:pk>/", vt.ThemeDetail.as_view(), name="theme-detail"),
    path("staff/themes/<int:pk>/confirm/", vt.ThemeConfirm.as_view(), name="theme-confirm"),
    path("staff/themes/<int:pk>/merge/", vt.ThemeMerge.as_view(), name="theme-merge"),
    path("staff/themes/<int:pk>/split/", vt.ThemeSplit.as_view(), name="theme-split"),
    path("staff/themes/<int:pk>/tags/", vt.TagListAdd.as_view(), name="tag-list"),
    path("staff/tags/<int:pk>/", vt.TagRemove.as_view(), name="tag-remove"),
    path("staff/tags/<int:pk>/decide/", vt.TagDecide.as_view(), name="tag-decide"),
    path("staff/tags/<int:pk>/move/", vt.TagMove.as_view(), name="tag-move"),
    re_path(r"^[\s\S]*$", views.api_not_found),
]

urlpatterns = [
    path("", views.api_index, name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", views_pages.token_list, name="token-list-page"),
    path("tokens/<int:pk>/revoke/", views_pages.token_revoke, name="token-revoke-page"),
    path("v1/", include(v1)),
    path("feeds/new.atom", feeds.NewConsultationsFeed(), name="feed-new"),
    path("feeds/closing.atom", feeds.ClosingConsultationsFeed(), name="feed-closing"),
    path("feeds/outcomes.atom", feeds.OutcomesFeed(), name="feed-outcomes"),
]
