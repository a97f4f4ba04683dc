"""Atom feeds: new consultations, consultations closing soon, published outcomes (public ones only)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from consultations.models import Consultation

FEED_SIZE = 50


def _public():
    return Consultation.objects.published().select_related("team")


class _ConsultationFeed(Feed):
    """Atom 1.0 (RFC 4287). Each feed has its own permanent id, and each entry an id that is unique
    across the three feeds (an aggregator must not take a published outcome for an update of the
    'new consultation' entry)."""

    feed_type = Atom1Feed
    entry_fragment = ""

    def feed_guid(self) -> str:
        return f"{settings.SITE_URL}{self.feed_url}"

    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        return item.summary

    def item_author_name(self, item: Consultation) -> str:
        return item.team.department or item.team.name

    def item_categories(self, item: Consultation):
        return [item.get_kind_display()]

    def item_guid(self, item: Consultation) -> str:
        return f"{settings.SITE_URL}{item.get_absolute_url()}{self.entry_fragment}"

    def item_guid_is_permalink(self, item: Consultation) -> bool:
        return False

    def item_pubdate(self, item: Consultation):
        return item.published_at

    def item_updateddate(self, item: Consultation):
        return item.updated_at


class NewConsultationsFeed(_ConsultationFeed):
    title = "New consultations"
    subtitle = "Consultations and draft bills as they are published."
    link = reverse_lazy("consultations:consultation-list")
    feed_url = reverse_lazy("api:feed-new")

    def items(self):
        return _public().filter(published_at__isnull=False).order_by("-published_at", "-id")[:FEED_SIZE]


class ClosingConsultationsFeed(_ConsultationFeed):
    title = "Consultations closing soon"
    subtitle = "Open consultations closing in the next 14 days, soonest first."
    link = reverse_lazy("consultations:consultation-list")
    feed_url = reverse_lazy("api:feed-closing")
    entry_fragment = "#closing"

    def items(self):
        now = timezone.now()
        return (
            _public()
            .open_now(now)
            .filter(closes_at__lte=now + timedelta(days=14))
            .order_by("closes_at", "id")[:FEED_SIZE]
        )

    def item_description(self, item: Consultation) -> str:
        closes = timezone.localtime(item.closes_at).strftime("%-d %B %Y at %-I:%M%p").replace(":00", "")
        return f"Closes {closes}. {item.summary}"


class OutcomesFeed(_ConsultationFeed):
    title = "Published outcomes"
    subtitle = "Government responses to consultations: what was said and what was done."
    link = reverse_lazy("consultations:consultation-list")
    feed_url = reverse_lazy("api:feed-outcomes")
    entry_fragment = "#outcome"

    def item_link(self, item: Consultation) -> str:
        return f"{item.get_absolute_url()}#outcome"

    def items(self):
        return (
            _public()
            .filter(outcome_published_at__isnull=False)
            .order_by("-outcome_published_at", "-id")[:FEED_SIZE]
        )

    def item_description(self, item: Consultation) -> str:
        return item.outcome_summary

    def item_pubdate(self, item: Consultation):
        return item.outcome_published_at
