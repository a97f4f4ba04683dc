from django.contrib import admin

from .models import Bulletin, Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "consultation", "created_at", "fanned_out_at", "recipients"]
    list_filter = ["kind"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "topic", "confirmed_at", "unsubscribed_at"]
    search_fields = ["email"]
