"""Admin for committees, institutions, persons and memberships."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Committee, Institution, Membership, Person


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_public"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind", "committees"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "email", "user", "is_demo"]
    search_fields = ["first_name", "last_name", "email"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "institution", "committee", "role", "start_date", "end_date"]
    list_filter = ["committee", "role"]
    raw_id_fields = ["person"]
