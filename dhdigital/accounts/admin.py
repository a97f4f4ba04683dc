from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Team, TeamMembership, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "status", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["email", "display_name"]
    list_filter = ["status", "is_staff", "is_superuser"]


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
