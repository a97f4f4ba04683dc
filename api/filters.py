from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from consultations.models import Consultation, Document, Section


class ConsultationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Consultation.State.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Consultation.Kind.choices)
    phase = django_filters.ChoiceFilter(
        choices=[("open", "Open now"), ("upcoming", "Upcoming"), ("closed", "Closed or concluded")],
        method="filter_phase",
        help_text="Derived from the dates, as the public pages show it.",
    )
    opens_after = django_filters.IsoDateTimeFilter(field_name="opens_at", lookup_expr="gte")
    opens_before = django_filters.IsoDateTimeFilter(field_name="opens_at", lookup_expr="lt")
    closes_after = django_filters.IsoDateTimeFilter(field_name="closes_at", lookup_expr="gte")
    closes_before = django_filters.IsoDateTimeFilter(field_name="closes_at", lookup_expr="lt")
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
