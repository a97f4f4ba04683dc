from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Activity,
    CapabilityAssessment,
    CapabilityScore,
    CaseStudy,
    PolicyProject,
    ProjectDecision,
    Stage,
    Technique,
    Testimonial,
)


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "stage"]


@admin.register(Technique)
class TechniqueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "effort", "portal_feature"]
    filter_horizontal = ["stages", "activities"]


class TestimonialInline(admin.StackedInline):
    model = Testimonial
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "year", "is_published"]
    search_fields = ["title", "summary", "body"]
    inlines = [TestimonialInline]


@admin.register(PolicyProject)
class PolicyProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "team", "stage", "is_public"]
    list_filter = ["stage", "is_public"]


@admin.register(ProjectDecision)
class ProjectDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "stage", "decided_on", "is_public"]


class CapabilityScoreInline(admin.TabularInline):
    model = CapabilityScore
    extra = 0


@admin.register(CapabilityAssessment)
class CapabilityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["team", "assessed_on"]
    inlines = [CapabilityScoreInline]
