from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    EngagementEvent,
    EventNote,
    Idea,
    IdeaCategory,
    IdeaVote,
    Question,
    Response,
    ResponseAttachment,
)


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "consultation", "position", "kind", "required"]
    list_filter = ["kind", "required"]
    raw_id_fields = ["consultation", "section"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["question"]


class AttachmentInline(admin.TabularInline):
    model = ResponseAttachment
    extra = 0
    readonly_fields = ["kind", "size", "uploaded_by"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["reference", "consultation", "channel", "status", "consent", "submitted_at"]
    list_filter = ["channel", "status", "consent", "imported"]
    search_fields = ["reference"]
    raw_id_fields = ["consultation", "respondent", "entered_by"]
    readonly_fields = ["reference", "resume_secret", "content_hash"]
    inlines = [AnswerInline, AttachmentInline]


class EventNoteInline(admin.TabularInline):
    model = EventNote
    extra = 0
    raw_id_fields = ["section", "created_by"]


@admin.register(EngagementEvent)
class EngagementEventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "consultation", "project", "attendees"]
    raw_id_fields = ["consultation", "project", "created_by"]
    inlines = [EventNoteInline]


@admin.register(IdeaCategory)
class IdeaCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "consultation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Idea)
class IdeaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "consultation", "status", "up_votes", "down_votes", "score"]
    list_filter = ["status"]
    raw_id_fields = ["consultation", "author", "merged_into", "category"]
    readonly_fields = ["up_votes", "down_votes", "score"]


@admin.register(IdeaVote)
class IdeaVoteAdmin(admin.ModelAdmin):
    list_display = ["idea", "value", "created_at"]
    raw_id_fields = ["idea", "user"]
