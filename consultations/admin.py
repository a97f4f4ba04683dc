from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consultation, Document, Section


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "state", "team", "opens_at", "closes_at"]
    list_filter = ["state", "kind", "team"]
    search_fields = ["title", "summary", "slug"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "consultation", "version", "state", "source_format"]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "document", "kind", "position", "lineage_key"]
    list_filter = ["kind"]
    search_fields = ["heading", "text", "lineage_key"]
