"""Who may see, vote on, open and close votes and statement rounds.

- Staff (Geschäftsstelle) and admins see every vote and round, open and close votes, enter a
  show-of-hands result and send reminders. They never cast ballots or write statements.
- Active members and deputies of the vote's committee see its votes and rounds and vote / write
  the statement for their own institution, as long as they can see the subject.
- Everybody else gets a 404.

Subject visibility is pluggable: an app registers `subject_visibility.register(Model, fn)` where
`fn(user, subject) -> bool`; without a registration a subject is visible to whoever may see the
vote. gremium registers its AgendaItem rule in `services_votes.register()`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from erfurt_srp.accounts.roles import is_staff

from .models import Institution, Membership, Person, StatementRound, Vote


class SubjectVisibility:
    """A registry: model class -> callable(user, subject) -> bool (plus a queryset to prefetch)."""

    def __init__(self):
        self._checks: dict[type, Callable] = {}
        self._querysets: dict[type, Callable] = {}

    def register(self, model: type, check: Callable, queryset: Callable | None = None) -> None:
        """Register check(user, subject) for a model; queryset() returns the queryset lists use
        to prefetch subjects with what the check needs (GenericPrefetch)."""
        self._checks[model] = check
        if queryset is not None:
            self._querysets[model] = queryset

    def can_view(self, user, subject) -> bool:
        if subject is None:
            return False
        check = self._checks.get(type(subject)._meta.concrete_model)
        return True if check is None else bool(check(user, subject))

    def prefetch_querysets(self) -> list:
        return [factory() for factory in self._querysets.values()]


subject_visibility = SubjectVisibility()


def user_committee_memberships(user, committee_id: int) -> list[Membership]:
    """The user's active memberships in one committee (one query, cached on the user)."""
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_srp_vote_memberships", None)
    if cache is None:
        cache = {}
        user._srp_vote_memberships = cache
    if committee_id not in cache:
        cache[committee_id] = list(
            Membership.objects.active()
            .filter(person__user=user, committee_id=committee_id)
            .select_related("person", "institution")
            .order_by("role", "institution__name")  # "deputy" < "member": sorted below
        )
        cache[committee_id].sort(key=lambda m: m.role != Membership.Role.MEMBER)
    return cache[committee_id]


def user_vote_committee_ids(user) -> frozenset[int]:
    """The user's active committees: the same rule (and per-request cache) as gremium's."""
    from .permissions import user_committee_ids

    return user_committee_ids(user)


def is_member_of(user, committee_id: int) -> bool:
    return committee_id in user_vote_committee_ids(user)


def can_view_vote(user, vote: Vote) -> bool:
    if not user.is_authenticated:
        return False
    if not (is_staff(user) or is_member_of(user, vote.committee_id)):
        return False
    return subject_visibility.can_view(user, vote.subject)


def can_view_round(user, statement_round: StatementRound) -> bool:
    if not user.is_authenticated:
        return False
    if not (is_staff(user) or is_member_of(user, statement_round.committee_id)):
        return False
    return subject_visibility.can_view(user, statement_round.subject)


def can_manage_votes(user) -> bool:
    return is_staff(user)


@dataclass(frozen=True)
class Voter:
    """Who a user votes as in one vote: the key of the one-ballot constraint and the role."""

    key: str
    person: Person
    institution: Institution | None
    role: str  # Ballot.CastRole value


def voter_for(user, vote: Vote) -> Voter | None:
    """Return the voter the user acts as in this vote, or None when the user has no vote."""
    if is_staff(user) and not user_committee_memberships(user, vote.committee_id):
        return None
    memberships = user_committee_memberships(user, vote.committee_id)
    if not memberships:
        return None
    membership = memberships[0]
    if vote.ballot_unit == Vote.BallotUnit.PERSON:
        return Voter(
            key=Vote.voter_key(person=membership.person),
            person=membership.person,
            institution=membership.institution,
            role="person",
        )
    return Voter(
        key=Vote.voter_key(institution=membership.institution),
        person=membership.person,
        institution=membership.institution,
        role=membership.role,
    )


def statement_author_for(user, statement_round: StatementRound) -> Membership | None:
    """The membership a user writes the statement under (their institution), or None."""
    memberships = user_committee_memberships(user, statement_round.committee_id)
    return memberships[0] if memberships else None


def get_vote_for_user(user, pk, write: bool = False) -> Vote:
    """Return the vote; 404 when the user may not see it, 403 when write is asked but not allowed."""
    vote = Vote.objects.select_related("committee", "subject_type").filter(pk=pk).first()
    if vote is None or not can_view_vote(user, vote):
        raise Http404
    if write and not can_manage_votes(user):
        raise PermissionDenied
    return vote


def get_round_for_user(user, pk, write: bool = False) -> StatementRound:
    statement_round = (
        StatementRound.objects.select_related("committee", "subject_type").filter(pk=pk).first()
    )
    if statement_round is None or not can_view_round(user, statement_round):
        raise Http404
    if write and not can_manage_votes(user):
        raise PermissionDenied
    return statement_round
