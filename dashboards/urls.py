from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/explore/", views.explorer, name="explorer"),
    path("<slug:slug>/explore/bulk/", views.explorer_bulk, name="explorer-bulk"),
    path("<slug:slug>/explore/stance/", views.explorer_stance, name="explorer-stance"),
    path("<slug:slug>/explore/views/", views.saved_view_create, name="saved-view-create"),
    path("<slug:slug>/explore/views/<int:pk>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("<slug:slug>/respondents/<str:key>/", views.respondent, name="respondent"),
    path("<slug:slug>/exports/", views.export_list, name="export-list"),
    path("<slug:slug>/exports/<str:dataset>.<str:fmt>", views.export_download, name="export-download"),
    path("<slug:slug>/reports/", views.report_list, name="report-list"),
    path("<slug:slug>/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("<slug:slug>/reports/<int:pk>/report.html", views.report_html, name="report-html"),
    path("<slug:slug>/reports/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:slug>/reports/<int:pk>/publish/", views.report_publish, name="report-publish"),
    path("<slug:slug>/reports/<int:pk>/withdraw/", views.report_withdraw, name="report-withdraw"),
]
