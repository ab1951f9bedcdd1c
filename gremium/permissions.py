"""Who may see and change what in gremium.

The rule is derived from memberships, computed on every request from
`Membership.objects.active()`: a user sees a committee's non-public agenda items, papers and
minutes while they hold an active membership (member or deputy) in it. Nothing is stored per
object, so the services that change memberships (membership_create / membership_end /
membership_replace) grant and revoke access simply by writing the membership: an ended
membership stops counting on its end date, the same day, with no stale grant left behind.
Staff (Geschäftsstelle) and admins see and change everything.

Views call `get_meeting_for_user` / `get_paper_for_user` / ... first (404 when invisible, 403 when
read-only but write was asked); selectors filter lists by the same rule.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from erfurt_srp.accounts.roles import is_staff

from .models import AgendaItem, Consultation, File, Meeting, Membership, Paper


class ActiveMembership(NamedTuple):
    committee_id: int
    institution_id: int
    institution_kind: str
    person_id: int


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
            .values_list("committee_id", "institution_id", "institution__kind", "person_id")
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


# --- meetings ------------------------------------------------------------------------------


def can_view_meeting(user, meeting: Meeting) -> bool:
    if is_staff(user):
        return True
    if meeting.state == Meeting.State.DRAFT:
        return False
    if is_committee_member(user, meeting.committee_id):
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
    return item.public or can_view_internal(user, item.meeting)


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
    return visible


def can_view_paper(user, paper: Paper) -> bool:
    if paper.public or is_staff(user):
        return True
    ids = user_committee_ids(user)
    if not ids:
        return False
    if paper.committee_id in ids:
        return True
    return paper.consultations.filter(
        Q(committee_id__in=ids) | Q(meeting__committee_id__in=ids)
    ).exists()


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
