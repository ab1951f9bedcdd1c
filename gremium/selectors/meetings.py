"""Reads for meetings and their agendas, comments and the members' answers."""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.utils import timezone

from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.discussion.models import Comment
from erfurt_srp.discussion.selectors import comment_list_for_targets, comment_threads
from erfurt_srp.discussion.services import comment_can_edit

from ..models import (
    AgendaItem,
    Committee,
    Consultation,
    File,
    Meeting,
    MeetingResponse,
    Membership,
    Paper,
    StatementRound,
    Vote,
)
from ..permissions import (
    can_view_internal,
    guest_item_q,
    meeting_visibility_q,
    paper_visibility_q,
    user_committee_ids,
    user_memberships,
)


def meeting_list_for_user(user, *, committee: Committee | None = None, upcoming=None):
    """Meetings the user may see, committee and location joined, with the count of visible items."""
    qs = Meeting.objects.select_related("committee", "location")
    visible = meeting_visibility_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    if committee is not None:
        qs = qs.filter(committee=committee)
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(end__gte=now).order_by("start", "id")
    elif upcoming is False:
        qs = qs.filter(end__lt=now).order_by("-start", "-id")
    items_q = Q()
    if not is_staff(user):
        ids = user_committee_ids(user)
        items_q = Q(agenda_items__public=True)
        if ids:
            items_q |= Q(committee_id__in=ids)
        guest = guest_item_q(user, "agenda_items__")
        if guest is not None:
            items_q |= guest
    return qs.annotate(visible_item_count=Count("agenda_items", filter=items_q, distinct=True))


def public_meetings():
    """Meetings for the public calendar and feed."""
    return Meeting.objects.public().select_related("committee", "location").order_by("start")


# The agenda's EXISTS flags are built once per process (and per content type id): every
# annotate() resolves a copy, so the shared expressions are never changed.
@functools.cache
def _item_has_files_and_papers() -> dict:
    return {
        "has_files": Exists(File.objects.filter(agenda_item=OuterRef("pk"))),
        "has_papers": Exists(Consultation.objects.filter(agenda_item=OuterRef("pk"))),
    }


@functools.cache
def _item_activity(item_type_id: int) -> dict:
    item_pk = Cast(OuterRef("pk"), CharField())
    about_item = {"subject_type_id": item_type_id, "subject_id": item_pk}
    return {
        "has_comments": Exists(
            Comment.objects.filter(target_type_id=item_type_id, target_id=item_pk)
        ),
        "has_votes": Exists(Vote.objects.filter(**about_item)),
        "has_round": Exists(StatementRound.objects.filter(**about_item)),
    }


def agenda_for_user(user, meeting: Meeting, *, activity: bool = False) -> list[AgendaItem]:
    """The meeting's agenda as the user may see it, with papers and files (`item.file_list`):
    one query, one more each for the papers and the files when some item has them.

    With `activity`, each item also says whether anything was written about it: comments
    (`has_comments`), votes (`has_votes`) and statement rounds (`has_round`), whoever may see
    them; the meeting page then reads those only where there are some."""
    qs = meeting.agenda_items.all()
    if not can_view_internal(user, meeting):
        guest = guest_item_q(user)
        qs = qs.filter(Q(public=True) | guest if guest is not None else Q(public=True))
    qs = qs.order_by("order").annotate(**_item_has_files_and_papers())
    if activity:
        qs = qs.annotate(**_item_activity(ContentType.objects.get_for_model(AgendaItem).pk))
    items = list(qs)
    with_papers = [item for item in items if item.has_papers]
    with_files = [item for item in items if item.has_files]
    for item in items:
        # (set before the prefetch, the attribute would count as already fetched)
        if not item.has_papers:
            item.visible_consultations = []
        if not item.has_files:
            item.file_list = []
    if with_papers:
        # The agenda shows reference, name and visibility of a paper, not its text.
        papers_q = (
            Consultation.objects.select_related("paper")
            .defer("paper__text")
            .order_by("paper__reference")
        )
        visible = paper_visibility_q(user)
        if visible is not None:
            papers_q = papers_q.filter(paper__in=Paper.objects.filter(visible))
        prefetch_related_objects(
            with_papers,
            Prefetch("consultations", queryset=papers_q, to_attr="visible_consultations"),
        )
    prefetch_related_objects(
        with_files,
        Prefetch("files", queryset=File.objects.order_by("name", "id"), to_attr="file_list"),
    )
    return items


def comments_for_items(items, *, user=None) -> dict[int, list]:
    """Threads per agenda item id: {item.pk: [(comment, replies), ...]} (one query).
    With a user, each comment says whether that user may still edit it (`editable`)."""
    if not items:
        return {}
    by_item: dict[str, list] = {}
    for comment in comment_list_for_targets(targets=items):
        comment.editable = user is not None and comment_can_edit(comment, user)
        by_item.setdefault(comment.target_id, []).append(comment)
    return {item.pk: comment_threads(by_item.get(str(item.pk), [])) for item in items}


def response_for_user(user, meeting: Meeting) -> MeetingResponse | None:
    if not user.is_authenticated:
        return None
    return (
        MeetingResponse.objects.filter(meeting=meeting, membership__person__user=user)
        .only("meeting_id", "membership_id", "answer", "note", "answered_at")
        .first()
    )


def responses_for_meeting(meeting: Meeting) -> list[dict]:
    """Per active member/deputy: the membership and its answer (2 queries)."""
    memberships = list(
        Membership.objects.active()
        .filter(committee_id=meeting.committee_id)
        .select_related("person", "institution")
        .order_by("institution__name", "role")
    )
    answers = {r.membership_id: r for r in meeting.responses.all()}
    return [{"membership": m, "response": answers.get(m.pk)} for m in memberships]


def dashboard_meetings_for_user(user, *, limit: int = 5) -> tuple[list[Meeting], list[Meeting]]:
    """Coming and past meetings of the user's committees (staff: all), in one query (two on
    SQLite, which cannot slice the parts of a UNION); a member's coming meetings carry
    `my_response` (their answer to the invitation, or None).

    The panel shows no item counts: no join and GROUP BY over every meeting's agenda (which made
    PostgreSQL aggregate all meetings before the LIMIT), and only the columns it shows."""
    base = Meeting.objects.select_related("committee").only(
        # what the panel shows: no long texts, no calendar columns
        *("id", "committee_id", "number", "name", "start", "end", "state", "changed_at"),
        *("committee__id", "committee__name", "committee__short_name"),
    )
    member = not is_staff(user)
    if member:
        base = base.filter(committee_id__in=user_committee_ids(user)).exclude(
            state=Meeting.State.DRAFT
        )
        # the member's person, from the memberships already read (no join to people and users)
        person_ids = {m.person_id for m in user_memberships(user)}
        answers = MeetingResponse.objects.filter(
            meeting=OuterRef("pk"), membership__person_id__in=person_ids
        ).order_by("-answered_at")
        base = base.annotate(my_answer=Subquery(answers.values("answer")[:1]))
    now = timezone.now()
    coming_rows = base.filter(end__gte=now).order_by("start", "id")[:limit]
    past_rows = base.filter(end__lt=now).order_by("-start", "-id")[:limit]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(coming_rows.union(past_rows, all=True))
    else:  # SQLite (the demo site): two queries
        rows = [*coming_rows, *past_rows]
    coming = sorted((m for m in rows if m.end >= now), key=lambda m: (m.start, m.pk))
    past = sorted((m for m in rows if m.end < now), key=lambda m: (m.start, m.pk), reverse=True)
    for meeting in coming:
        answer = getattr(meeting, "my_answer", None)
        meeting.my_response = MeetingResponse(answer=answer) if answer else None
    return coming, past


def stand_in_requests_for_user(user, meetings) -> dict[int, list[Membership]]:
    """For a deputy: per meeting id, the members of their institution who answered that they
    will not come and so asked the deputy to stand in ({} for everyone else, without a query)."""
    seats = [
        (m.committee_id, m.institution_id)
        for m in user_memberships(user)
        if m.role == Membership.Role.DEPUTY
    ]
    if not seats or not meetings:
        return {}
    seat_q = Q()
    for committee_id, institution_id in seats:
        seat_q |= Q(
            membership__committee_id=committee_id, membership__institution_id=institution_id
        )
    responses = (
        MeetingResponse.objects.filter(
            seat_q,
            meeting__in=meetings,
            answer__in=MeetingResponse.NOT_ATTENDING,
            membership__role=Membership.Role.MEMBER,
        )
        .select_related("membership__person", "membership__institution")
        .order_by("membership__person__last_name")
    )
    requests: dict[int, list[Membership]] = {}
    for response in responses:
        requests.setdefault(response.meeting_id, []).append(response.membership)
    return requests
