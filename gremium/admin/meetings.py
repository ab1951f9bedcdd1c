"""Admin for meetings, agenda items, papers, minutes (staff work in the app; this is for repairs)."""

from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    AgendaItem,
    Attendance,
    Consultation,
    File,
    Location,
    Meeting,
    MeetingResponse,
    Minutes,
    MinutesEntry,
    Paper,
    PaperNumberSequence,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "name", "public", "result"]
    extra = 0


class ConsultationInline(admin.TabularInline):
    model = Consultation
    fk_name = "paper"
    fields = [
        "position",
        "committee",
        "body_name",
        "meeting",
        "agenda_item",
        "date",
        "public",
        "role",
    ]
    raw_id_fields = ["meeting", "agenda_item"]
    extra = 0


class FileInline(admin.TabularInline):
    model = File
    fk_name = "paper"
    fields = ["name", "file", "is_main", "size", "mime_type"]
    readonly_fields = ["size", "mime_type"]
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["description", "street_address", "room"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "start", "state", "sequence"]
    list_filter = ["committee", "state"]
    list_select_related = ["committee"]
    date_hierarchy = "start"
    inlines = [AgendaItemInline]


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "name", "kind", "public", "date"]
    list_filter = ["kind", "public"]
    search_fields = ["reference", "name"]
    inlines = [ConsultationInline, FileInline]


@admin.register(PaperNumberSequence)
class PaperNumberSequenceAdmin(admin.ModelAdmin):
    """Staff set where a year's Drucksache numbers start (e.g. after the city's own numbers);
    the next number can be raised, never lowered below one already given out."""

    list_display = ["year", "next_number", "last_issued", "modified_at"]
    readonly_fields = ["last_issued", "modified_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.readonly_fields, "year"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # A number given out while the form was open is never handed out again.
        with transaction.atomic():
            locked = PaperNumberSequence.objects.select_for_update().get(pk=obj.pk)
            locked.next_number = max(obj.next_number, locked.last_issued + 1)
            locked.save(update_fields=["next_number", "modified_at"])
            obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # Deleting a year's row would start its numbers again at the beginning.
        return False


@admin.register(MeetingResponse)
class MeetingResponseAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "membership", "answer", "answered_at"]
    raw_id_fields = ["meeting", "membership"]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "__str__", "role", "present"]
    raw_id_fields = ["meeting", "membership"]


class MinutesEntryInline(admin.StackedInline):
    model = MinutesEntry
    raw_id_fields = ["agenda_item"]
    extra = 0


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "state", "approved_in"]
    raw_id_fields = ["meeting", "approved_in"]
    inlines = [MinutesEntryInline]
