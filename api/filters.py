from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django_filters.fields import IsoDateTimeField

from consultations.models import Consultation, Document, Section


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 with any UTC offset Python accepts (up to +/-23:59), handed to the database in UTC:
    PostgreSQL refuses offsets beyond +/-15:59, and a date at the calendar's edge may not exist in UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a date and time between the years 1 and 9999.") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ConsultationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Consultation.State.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Consultation.Kind.choices)
    phase = django_filters.ChoiceFilter(
        choices=[("open", "Open now"), ("upcoming", "Upcoming"), ("closed", "Closed or concluded")],
        method="filter_phase",
        help_text="Derived from the dates, as the public pages show it.",
    )
    opens_after = DateTimeFilter(field_name="opens_at", lookup_expr="gte")
    opens_before = DateTimeFilter(field_name="opens_at", lookup_expr="lt")
    closes_after = DateTimeFilter(field_name="closes_at", lookup_expr="gte")
    closes_before = DateTimeFilter(field_name="closes_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, help_text="Words in the title, summary or body."
    )
    team = django_filters.CharFilter(field_name="team__slug", max_length=80)

    class Meta:
        model = Consultation
        fields = ["state", "kind", "team"]

    def filter_phase(self, queryset, name, value):
        now = timezone.now()
        return {
            "open": queryset.open_now(now),
            "upcoming": queryset.upcoming(now),
            "closed": queryset.closed(now),
        }[value]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return queryset


class DocumentFilter(django_filters.FilterSet):
    consultation = django_filters.CharFilter(field_name="consultation__slug", max_length=120)
    state = django_filters.MultipleChoiceFilter(choices=Document.State.choices)

    class Meta:
        model = Document
        fields = ["consultation", "state", "slug"]


MAX_ID = 2**63 - 1


class SectionFilter(django_filters.FilterSet):
    document = django_filters.NumberFilter(field_name="document_id", min_value=1, max_value=MAX_ID)
    kind = django_filters.MultipleChoiceFilter(choices=Section.Kind.choices)
    lineage_key = django_filters.CharFilter(max_length=200)

    class Meta:
        model = Section
        fields = ["document", "kind", "lineage_key", "anchor"]
