from django.contrib import admin

from .models import (
    ConsultationRound,
    Disposition,
    Guideline,
    GuidelineVersion,
    Measure,
    PlanExport,
    RoundInvitation,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "decided_on", "position", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ["title", "theme"]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(admin.ModelAdmin):
    """Read-only: versions change through the guideline pages so that freezing is enforced."""

    list_display = ["guideline", "number", "state", "adopted_on"]
    list_filter = ["state"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsultationRound)
class ConsultationRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "audience", "starts_at", "ends_at", "evaluated_at"]
    list_filter = ["audience"]
    readonly_fields = ["evaluated_at", "evaluated_by"]


@admin.register(RoundInvitation)
class RoundInvitationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "group", "round", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
    search_fields = ["name", "email", "group"]


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ["comment", "decision", "round", "answered_at"]
    list_filter = ["decision"]
    raw_id_fields = ["comment"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "guideline", "planning_level", "status", "time_frame"]
    list_filter = ["planning_level", "status"]


@admin.register(PlanExport)
class PlanExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "progress", "finished_at"]
    readonly_fields = [f.name for f in PlanExport._meta.fields]
