from django.urls import path

from . import project_views as pv
from . import views as v

app_name = "policycycle"
urlpatterns = [
    path("", v.toolkit_index, name="toolkit-index"),
    path("choose/", v.chooser, name="chooser"),
    path("stages/<slug:slug>/", v.stage_detail, name="stage-detail"),
    path("stages/<slug:slug>/edit/", v.content_edit, {"kind": "stage"}, name="stage-edit"),
    path("stages/<slug:slug>/history/", v.content_history, {"kind": "stage"}, name="stage-history"),
    path("stages/<slug:slug>/activities/new/", v.activity_edit, name="activity-create"),
    path("stages/<slug:slug>/activities/<slug:activity>/", v.activity_edit, name="activity-edit"),
    path("techniques/new/", v.content_create, {"kind": "technique"}, name="technique-create"),
    path("techniques/<slug:slug>/", v.technique_detail, name="technique-detail"),
    path("techniques/<slug:slug>/edit/", v.content_edit, {"kind": "technique"}, name="technique-edit"),
    path(
        "techniques/<slug:slug>/history/", v.content_history, {"kind": "technique"}, name="technique-history"
    ),
    path("case-studies/", v.casestudy_list, name="casestudy-list"),
    path("case-studies/new/", v.content_create, {"kind": "casestudy"}, name="casestudy-create"),
    path("case-studies/<slug:slug>/", v.casestudy_detail, name="casestudy-detail"),
    path("case-studies/<slug:slug>/edit/", v.content_edit, {"kind": "casestudy"}, name="casestudy-edit"),
    path(
        "case-studies/<slug:slug>/history/",
        v.content_history,
        {"kind": "casestudy"},
        name="casestudy-history",
    ),
    path("case-studies/<slug:slug>/testimonials/new/", v.testimonial_edit, name="testimonial-create"),
    path("case-studies/<slug:slug>/testimonials/<int:pk>/", v.testimonial_edit, name="testimonial-edit"),
    path(
        "case-studies/<slug:slug>/testimonials/<int:pk>/remove/",
        v.testimonial_remove,
        name="testimonial-remove",
    ),
    path("projects/", pv.project_list, name="project-list"),
    path("projects/new/", pv.project_create, name="project-create"),
    path("projects/<slug:slug>/", pv.project_detail, name="project-detail"),
    path("projects/<slug:slug>/team/", pv.project_team, name="project-team"),
    path("projects/<slug:slug>/edit/", pv.project_edit, name="project-edit"),
    path("projects/<slug:slug>/stage/", pv.project_move, name="project-move"),
    path("projects/<slug:slug>/decisions/new/", pv.decision_create, name="decision-create"),
    path("projects/<slug:slug>/events/new/", pv.event_create, name="project-event-create"),
    path("projects/<slug:slug>/evaluation/", pv.project_evaluation, name="project-evaluation"),
    path("consultations/<slug:slug>/evaluation/", pv.consultation_evaluation, name="consultation-evaluation"),
    path("evaluation/", pv.evaluation_compare, name="evaluation-compare"),
    path("capability/", pv.capability_index, name="capability-index"),
    path("capability/<slug:slug>/", pv.capability_team, name="capability-team"),
    path("capability/<slug:slug>/new/", pv.capability_create, name="capability-create"),
]
