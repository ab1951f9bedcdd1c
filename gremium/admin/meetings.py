"""Admin for meetings, agenda items, papers, minutes (staff work in the app; this is for repairs)."""

from django.contrib import admin
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
