"""Admin for votes, ballots and statements.

Secret votes: the admin shows who took part (Participation) but never a choice next to a voter.
SecretTally (the running sums of an open secret vote) is not registered at all, and vote pages
show counts only once a vote is closed.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Ballot, Participation, Statement, StatementRound, Vote, VoteOption


class VoteOptionInline(admin.TabularInline):
    model = VoteOption
    extra = 0
    fields = ["position", "label", "key"]
    readonly_fields = ["position", "label", "key"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyMixin:
    """Votes, ballots and statements change only through gremium.services.votes and .statements (rules, history, mail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "question",
        "committee",
        "subject_label",
        "status",
        "result",
        "secret",
        "deadline",
    ]
    list_filter = ["status", "result", "secret", "committee"]
    search_fields = ["question", "subject_label"]
    inlines = [VoteOptionInline]
    exclude = ["result_counts", "result_points"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Vote._meta.fields if f.name not in self.exclude]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Ballots of open (not secret) votes only; secret votes store no Ballot rows."""

    list_display = ["vote", "institution", "person", "cast_role", "choice", "changed_at"]
    list_filter = ["vote__committee"]
    list_select_related = ["vote", "institution", "person", "choice"]
    readonly_fields = [
        "vote",
        "voter_key",
        "institution",
        "person",
        "cast_role",
        "choice",
        "ranking",
    ]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who took part in a secret vote; no ballot is stored, only sums per option."""

    list_display = ["vote", "institution", "person", "cast_role"]
    list_select_related = ["vote", "institution", "person"]
    readonly_fields = ["vote", "voter_key", "institution", "person", "cast_role"]


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = ["institution", "author", "updated_at"]
    readonly_fields = ["institution", "author", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StatementRound)
class StatementRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "subject_label", "status", "deadline"]
    list_filter = ["status", "committee"]
    readonly_fields = ["committee", "subject_type", "subject_id", "subject_label", "opened_by"]
    inlines = [StatementInline]

    def has_add_permission(self, request):
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["institution", "round", "author", "updated_at"]
    list_select_related = ["institution", "round", "author"]
    readonly_fields = ["round", "institution", "text", "file", "author"]
