from django.contrib import admin

from .models import (
    Event,
    EventMessage,
    EventTable,
    InvitationCode,
    ProgrammeItem,
    Registration,
    ShredLog,
)


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0


class EventTableInline(admin.TabularInline):
    model = EventTable
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "venue", "capacity", "access", "published"]
    list_filter = ["published", "access"]
    search_fields = ["title", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["reminder_due_at", "reminder_sent_at", "followup_sent_at", "shredded_at"]
    inlines = [ProgrammeItemInline, EventTableInline]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    list_display = ["event", "starts_at", "title"]
    list_select_related = ["event"]


@admin.register(EventTable)
class EventTableAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "capacity"]
    list_select_related = ["event"]


@admin.register(InvitationCode)
class InvitationCodeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "event", "max_uses", "active"]
    list_select_related = ["event"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: capacity changes go through the services (locks, waiting list)."""

    list_display = ["name", "email", "event", "table", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "event", "kind"]
    list_select_related = ["event", "table"]
    search_fields = ["name", "email", "organisation"]
    readonly_fields = [
        "event",
        "status",
        "table",
        "public_id",
        "expires_at",
        "held_until",
        "email_confirmed_at",
        "confirmed_at",
        "waiting_since",
        "cancelled_at",
        "anonymised_at",
        "privacy_version",
        "consent_at",
        "created_at",
    ]

    exclude = ["client_key"]

    def has_add_permission(self, request):
        return False


@admin.register(EventMessage)
class EventMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "event", "audience", "recipients", "created_at"]
    list_select_related = ["event"]
    readonly_fields = ["recipients", "sent_by", "created_at"]


@admin.register(ShredLog)
class ShredLogAdmin(admin.ModelAdmin):
    list_display = ["event", "ran_at", "anonymised", "messages_deleted", "actor"]
    list_select_related = ["event", "actor"]
    readonly_fields = ["event", "ran_at", "anonymised", "messages_deleted", "counts", "actor"]
