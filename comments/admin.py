from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Appeal, Comment, Flag, Reaction, Sanction, Subscription


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = (
        "pk",
        "consultation",
        "section",
        "author",
        "status",
        "hold_reason",
        "flag_count",
        "created_at",
    )
    list_filter = ("status", "hold_reason", "category", "is_official")
    search_fields = ("body",)
    raw_id_fields = ("consultation", "document", "section", "parent", "author", "moderated_by")
    readonly_fields = (
        "path",
        "depth",
        "reply_count",
        "agree_count",
        "disagree_count",
        "flag_count",
        "body_html",
    )


@admin.register(Flag)
class FlagAdmin(SimpleHistoryAdmin):
    list_display = ("comment", "user", "reason", "resolution", "created_at")
    list_filter = ("reason", "resolution")
    raw_id_fields = ("comment", "user", "resolved_by")


@admin.register(Appeal)
class AppealAdmin(SimpleHistoryAdmin):
    list_display = ("comment", "user", "state", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("comment", "user", "decided_by")


@admin.register(Sanction)
class SanctionAdmin(SimpleHistoryAdmin):
    list_display = ("user", "kind", "reason", "until", "by", "created_at")
    raw_id_fields = ("user", "consultation", "by")


admin.site.register(Reaction, list_display=("comment", "user", "value"), raw_id_fields=("comment", "user"))
admin.site.register(
    Subscription,
    list_display=("user", "kind", "frequency", "active"),
    raw_id_fields=("user", "consultation", "document", "section"),
)
