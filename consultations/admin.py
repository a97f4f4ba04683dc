from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consultation, Document, Section
from .services import LIVE
from .standard import check_standard


class ConsultationAdminForm(forms.ModelForm):
    """The admin cannot edit the minimum digital standard away either (as services.consultation_save)."""

    class Meta:
        model = Consultation
        fields = "__all__"  # noqa: DJ007 - the admin edits every field

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk and self.instance.state in LIVE:
            for failure in check_standard(self.instance):
                field = failure.field if failure.field in self.fields else None
                self.add_error(field, f"Minimum digital standard: {failure.title}. {failure.fix}")


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    form = ConsultationAdminForm
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
