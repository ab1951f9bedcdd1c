"""Who may see and change what in gremium.

The rule is derived from memberships, computed on every request from
`Membership.objects.active()`: a user sees a committee's non-public agenda items, papers and
minutes while they hold an active membership (member or deputy) in it. Nothing is stored per
object, so the services that change memberships (membership_create / membership_end /
membership_replace) grant and revoke access simply by writing the membership: an ended
membership stops counting on its end date, the same day, with no stale grant left behind.
Staff (Geschäftsstelle) and admins see and change everything.

Guests (`GuestAccess`, see gremium/models/guests.py) are the one per-object exception: staff let a
named person see the non-public papers of one meeting or one agenda item until an end date. The
right is guardian's object permission `view_nonpublic_papers`, counted only while its record is
live (`guest_scope`). A guest sees the meeting, the granted non-public items with their files and
the papers consulted there; never the members' answers, comments, minutes, votes or other items.

Views call `get_meeting_for_user` / `get_paper_for_user` / ... first (404 when invisible, 403 when
read-only but write was asked); selectors filter lists by the same rule.

This module holds every predicate of gremium; `is_committee_member(user, committee_id)` and
`user_committee_ids(user)` are the one membership rule. The platform-wide role "member"
(erfurt_srp.accounts.roles.is_committee_member) is not a second rule: accounts must not import
gremium, so GremiumConfig.ready() registers `user_has_active_membership` below as the member
check, and roles asks the registered checks.

Votes and statement rounds:
- Staff (Geschäftsstelle) and admins see every vote and round, open and close votes, enter a
  show-of-hands result and send reminders. They never cast ballots or write statements.
- Active members and deputies of the vote's committee see its votes and rounds and vote / write
  the statement for their own institution, as long as they can see the subject.
- Everybody else gets a 404.

Subject visibility is pluggable: an app registers `subject_visibility.register(Model, fn)` in its
AppConfig.ready(), where `fn(user, subject) -> bool`; without a registration a subject is visible
to whoever may see the vote. gremium registers its AgendaItem rule in GremiumConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from erfurt_srp.accounts.grants import live_q
from erfurt_srp.accounts.roles import is_staff

from .models import (
    AgendaItem,
    AgendaItemUserObjectPermission,
    Consultation,
    File,
    GuestAccess,
    Institution,
    Meeting,
    MeetingUserObjectPermission,
    Membership,
    Paper,
    Person,
    StatementRound,
    Vote,
)
from .models.guests import GUEST_PERMISSION


class ActiveMembership(NamedTuple):
    committee_id: int
    institution_id: int
    institution_kind: str
    person_id: int
    role: str


def user_memberships(user) -> tuple[ActiveMembership, ...]:
    """The user's active memberships (member or deputy): one query per request, cached on the
    user object. Every membership rule of the platform derives from this (gremium's committee
    ids, the votes, leitlinien's insiders and audiences, standorte), so a page runs it once."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_srp_memberships", None)
    if cached is None:
        cached = tuple(
            ActiveMembership(*row)
            for row in Membership.objects.active()
            .filter(person__user=user)
            .order_by()  # the default ordering would join committee and institution by name
            .values_list("committee_id", "institution_id", "institution__kind", "person_id", "role")
        )
        user._srp_memberships = cached
    return cached


def user_has_active_membership(user) -> bool:
    """Shares user_memberships' query and per-request cache (no extra EXISTS per page)."""
    return bool(user_memberships(user))


def user_committee_ids(user) -> frozenset[int]:
    """Ids of the committees the user is an active member or deputy of (user_memberships)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_srp_committee_ids", None)
    if cached is None:
        cached = frozenset(m.committee_id for m in user_memberships(user))
        user._srp_committee_ids = cached
    return cached


def is_committee_member(user, committee_id: int) -> bool:
    return committee_id in user_committee_ids(user)


# --- guests ---------------------------------------------------------------------------------


class GuestScope(NamedTuple):
    meeting_ids: frozenset[int]  # whole meetings granted
    item_ids: frozenset[int]  # single agenda items granted
    item_meeting_ids: frozenset[int]  # the meetings of those items

    @property
    def visible_meeting_ids(self) -> frozenset[int]:
        return self.meeting_ids | self.item_meeting_ids

    def __bool__(self) -> bool:
        return bool(self.meeting_ids or self.item_ids)


NO_GUEST_SCOPE = GuestScope(frozenset(), frozenset(), frozenset())


def guest_scope(user) -> GuestScope:
    """What the user may see as a guest: guardian's `view_nonpublic_papers` on meetings and
    agenda items, counted while a live GuestAccess record stands beside it and the meeting is
    published. One query per request, cached on the user."""
    if not user.is_authenticated or is_staff(user):
        return NO_GUEST_SCOPE
    cached = getattr(user, "_srp_guest_scope", None)
    if cached is None:
        meeting_perms = MeetingUserObjectPermission.objects.filter(
            user=user, permission__codename=GUEST_PERMISSION
        ).values("content_object_id")
        item_perms = AgendaItemUserObjectPermission.objects.filter(
            user=user, permission__codename=GUEST_PERMISSION
        ).values("content_object_id")
        rows = (
            GuestAccess.objects.filter(live_q(), user=user)
            .filter(Q(meeting_id__in=meeting_perms) | Q(agenda_item_id__in=item_perms))
            .exclude(meeting__state=Meeting.State.DRAFT)
            .exclude(agenda_item__meeting__state=Meeting.State.DRAFT)
            .order_by()
            .values_list("meeting_id", "agenda_item_id", "agenda_item__meeting_id")
        )
        meetings, items, item_meetings = set(), set(), set()
        for meeting_id, item_id, item_meeting_id in rows:
            if meeting_id:
                meetings.add(meeting_id)
            else:
                items.add(item_id)
                item_meetings.add(item_meeting_id)
        cached = GuestScope(frozenset(meetings), frozenset(items), frozenset(item_meetings))
        user._srp_guest_scope = cached
    return cached


def is_guest_of(user, meeting: Meeting) -> bool:
    """Has a live guest grant on the meeting or one of its items (and the meeting is not a draft)."""
    return (
        meeting.state != Meeting.State.DRAFT and meeting.pk in guest_scope(user).visible_meeting_ids
    )


def guest_sees_item(user, item: AgendaItem) -> bool:
    scope = guest_scope(user)
    return item.meeting.state != Meeting.State.DRAFT and (
        item.meeting_id in scope.meeting_ids or item.pk in scope.item_ids
    )


def guest_item_q(user, prefix: str = "") -> Q | None:
    """Agenda items the user sees as a guest (None: none)."""
    scope = guest_scope(user)
    if not scope:
        return None
    return Q(**{f"{prefix}meeting_id__in": scope.meeting_ids}) | Q(
        **{f"{prefix}pk__in": scope.item_ids}
    )


def guest_consultation_q(user) -> Q | None:
    """Consultations (Beratungsfolge steps) at what the user sees as a guest (None: none)."""
    scope = guest_scope(user)
    if not scope:
        return None
    return (
        Q(meeting_id__in=scope.meeting_ids)
        | Q(agenda_item__meeting_id__in=scope.meeting_ids)
        | Q(agenda_item_id__in=scope.item_ids)
    )


# --- meetings ------------------------------------------------------------------------------


def can_view_meeting(user, meeting: Meeting) -> bool:
    if is_staff(user):
        return True
    if meeting.state == Meeting.State.DRAFT:
        return False
    if is_committee_member(user, meeting.committee_id) or is_guest_of(user, meeting):
        return True
    return meeting.committee.is_public


def can_view_internal(user, meeting: Meeting) -> bool:
    """May see the meeting's non-public items, papers, answers and comments."""
    return is_staff(user) or (
        meeting.state != Meeting.State.DRAFT and is_committee_member(user, meeting.committee_id)
    )


def can_manage_meeting(user, meeting: Meeting | None = None) -> bool:
    return is_staff(user)


def can_answer_invitation(user, meeting: Meeting) -> bool:
    return meeting.state == Meeting.State.PUBLISHED and is_committee_member(
        user, meeting.committee_id
    )


def can_comment(user, meeting: Meeting) -> bool:
    return can_view_internal(user, meeting) and meeting.state != Meeting.State.CANCELLED


def meeting_visibility_q(user) -> Q | None:
    """A filter for Meeting querysets with what the user may see; None means everything."""
    if is_staff(user):
        return None
    visible = Q(committee__is_public=True)
    ids = user_committee_ids(user)
    if ids:
        visible |= Q(committee_id__in=ids)
    guest_meetings = guest_scope(user).visible_meeting_ids
    if guest_meetings:
        visible |= Q(pk__in=guest_meetings)
    return visible & ~Q(state=Meeting.State.DRAFT)


def agenda_item_visibility_q(user, prefix: str = "") -> Q | None:
    """Filter for AgendaItem querysets (prefix e.g. "agenda_item__"); None means everything."""
    if is_staff(user):
        return None
    meeting_q = meeting_visibility_q(user)
    meeting_q = Q(**{f"{prefix}meeting__in": Meeting.objects.filter(meeting_q)})
    internal = Q(**{f"{prefix}public": True})
    ids = user_committee_ids(user)
    if ids:
        internal |= Q(**{f"{prefix}meeting__committee_id__in": ids})
    guest = guest_item_q(user, prefix)
    if guest is not None:
        internal |= guest
    return meeting_q & internal


def get_meeting_for_user(user, pk, write: bool = False) -> Meeting:
    """Return the meeting; 404 when the user may not see it, 403 when write is asked but not allowed."""
    meeting = (
        Meeting.objects.select_related("committee", "location", "minutes").filter(pk=pk).first()
    )
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404
    if write and not can_manage_meeting(user, meeting):
        raise PermissionDenied
    return meeting


def can_view_agenda_item(user, item: AgendaItem) -> bool:
    if not can_view_meeting(user, item.meeting):
        return False
    return item.public or can_view_internal(user, item.meeting) or guest_sees_item(user, item)


def get_agenda_item_for_user(user, pk, write: bool = False) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related("meeting__committee", "meeting__location")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_view_agenda_item(user, item):
        raise Http404
    if write and not can_manage_meeting(user, item.meeting):
        raise PermissionDenied
    return item


# --- papers --------------------------------------------------------------------------------


def paper_visibility_q(user) -> Q | None:
    if is_staff(user):
        return None
    visible = Q(public=True)
    ids = user_committee_ids(user)
    if ids:
        consulted = Consultation.objects.filter(
            Q(committee_id__in=ids) | Q(meeting__committee_id__in=ids)
        ).values("paper_id")
        visible |= Q(committee_id__in=ids) | Q(pk__in=consulted)
    guest = guest_consultation_q(user)
    if guest is not None:
        visible |= Q(pk__in=Consultation.objects.filter(guest).values("paper_id"))
    return visible


def can_view_paper(user, paper: Paper) -> bool:
    if paper.public or is_staff(user):
        return True
    ids = user_committee_ids(user)
    guest = guest_consultation_q(user)
    if not ids and guest is None:
        return False
    if paper.committee_id in ids:
        return True
    consulted = Q(pk__in=[])
    if ids:
        consulted |= Q(committee_id__in=ids) | Q(meeting__committee_id__in=ids)
    if guest is not None:
        consulted |= guest
    return paper.consultations.filter(consulted).exists()


def get_paper_for_user(user, pk, write: bool = False) -> Paper:
    paper = Paper.objects.select_related("committee").filter(pk=pk).first()
    if paper is None or not can_view_paper(user, paper):
        raise Http404
    if write and not is_staff(user):
        raise PermissionDenied
    return paper


def get_file_for_user(user, pk) -> File:
    file = (
        File.objects.select_related("paper", "agenda_item__meeting__committee")
        .filter(pk=pk)
        .first()
    )
    if file is None:
        raise Http404
    if file.paper_id and can_view_paper(user, file.paper):
        return file
    if file.agenda_item_id and can_view_agenda_item(user, file.agenda_item):
        return file
    raise Http404


# --- committees ----------------------------------------------------------------------------


def can_manage_members(user) -> bool:
    return is_staff(user)


# --- votes and statement rounds ------------------------------------------------------------


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

    def accepts(self, model: type) -> bool:
        """Whether votes and statement rounds may be about objects of this model: exactly the
        registered models (an unregistered one has no visibility rule of its own)."""
        return getattr(model, "_meta", None) is not None and (
            model._meta.concrete_model in self._checks
        )

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


def can_view_vote(user, vote: Vote) -> bool:
    if not user.is_authenticated:
        return False
    if not (is_staff(user) or is_committee_member(user, vote.committee_id)):
        return False
    return subject_visibility.can_view(user, vote.subject)


def can_view_round(user, statement_round: StatementRound) -> bool:
    if not user.is_authenticated:
        return False
    if not (is_staff(user) or is_committee_member(user, statement_round.committee_id)):
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
