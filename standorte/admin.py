from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Deliberation,
    District,
    ExportJob,
    Indicator,
    IndicatorValue,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
    SocialArea,
)


class DistrictInline(admin.TabularInline):
    model = District
    fields = ["number", "name", "area_km2"]
    extra = 0
    show_change_link = True


@admin.register(SocialArea)
class SocialAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "is_public", "is_demo"]
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "area_km2", "social_area", "geometry_source"]
    list_filter = ["social_area"]
    search_fields = ["name"]
    exclude = ["geometry"]  # boundaries come from the GeoJSON import


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "unit", "is_index", "order"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["district", "indicator", "year", "value", "is_demo", "source"]
    list_filter = ["indicator", "year", "is_demo"]
    list_select_related = ["district", "indicator"]


@admin.register(NeighbourhoodProject)
class NeighbourhoodProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "committee", "is_public"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["partners"]


@admin.register(SiteProposal)
class SiteProposalAdmin(SimpleHistoryAdmin):
    list_display = ["name", "address", "district", "project", "proposer", "is_demo"]
    list_filter = ["project", "is_demo"]
    list_select_related = ["district", "project"]


@admin.register(Deliberation)
class DeliberationAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["statement_round", "vote"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recommended_on", "paper", "decision", "decision_date", "public"]
    list_filter = ["decision", "public"]
    raw_id_fields = ["site", "paper", "deliberation"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "format", "state", "progress", "total", "requested_by"]
    list_filter = ["state", "format"]
