"""Meeting pages: calendar/list, meeting page, iCal, agenda PDF, and staff preparation."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core import versioned_cache
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import page_number
from erfurt_srp.notifications.selectors import outbox_for_object

from .. import cache, ics
from ..forms.meetings import CancelForm, CommentForm, MeetingForm, ResponseForm
from ..models import Committee, Meeting
from ..permissions import (
    can_answer_invitation,
    can_comment,
    can_view_internal,
    get_meeting_for_user,
    guest_scope,
    user_committee_ids,
    user_memberships,
)
from ..selectors import committees as committee_selectors
from ..selectors import meetings as meeting_selectors
from ..selectors import votes as vote_selectors
from ..services import meetings as meeting_services

PAGE_SIZE = 25


def _is_public_view(user) -> bool:
    """The visitor sees only public content: the page is the same for all such visitors."""
    return not is_staff(user) and not user_committee_ids(user) and not guest_scope(user)


@require_GET
def meeting_list(request):
    """Calendar: coming and past meetings the user may see (public: public meetings only)."""
    committee = None
    slug = request.GET.get("gremium", "")
    if slug:
        committee = Committee.objects.filter(slug=slug).first()
    upcoming = request.GET.get("zeit", "kommend") != "vergangen"
    number = page_number(request)
    shown = {}

    def body():
        qs = meeting_selectors.meeting_list_for_user(
            request.user, committee=committee, upcoming=upcoming
        )
        page = Paginator(qs, PAGE_SIZE).get_page(number)
        shown["page"] = page.number
        context = {
            "page": page,
            "meetings": page.object_list,
            "committee": committee,
            "committees": Committee.objects.filter(is_public=True).order_by("kind", "name"),
            "upcoming": upcoming,
            "feed_url": request.build_absolute_uri(reverse("gremium:meeting_feed")),
            "can_create": is_staff(request.user),
        }
        return render_to_string("gremium/partials/meeting_list_body.html", context, request=request)

    # The list holds no forms that post and depends only on what the visitor may see: public,
    # staff, or the set of committees they belong to. Render it once per content version. The
    # key holds what the page shows, never the raw query string: other parameters, unknown
    # committees and pages past the end add no keys.
    if is_staff(request.user):
        scope = "staff"
    else:
        scope = "c" + "-".join(str(i) for i in sorted(user_committee_ids(request.user)))
        guest = guest_scope(request.user)
        if guest:
            scope += "g" + "-".join(str(i) for i in sorted(guest.visible_meeting_ids))
            scope += "i" + "-".join(str(i) for i in sorted(guest.item_ids))
    html = versioned_cache.get_or_set(
        cache.NAMESPACE,
        (
            "list",
            scope,
            get_language(),
            request.get_host(),
            committee.pk if committee else None,
            upcoming,
            number,
        ),
        body,
        keep=lambda _html: shown.get("page") == number,
    )
    return render(request, "gremium/meeting_list.html", {"body": mark_safe(html)})  # noqa: S308


@require_GET
def meeting_feed(request):
    """iCal feed of public meetings (coming and of the last year)."""
    since = timezone.now() - timedelta(days=365)
    meetings = meeting_selectors.public_meetings().filter(start__gte=since)[:500]
    body = ics.meetings_feed(
        meetings, url_for=lambda m: request.build_absolute_uri(m.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sitzungen.ics"'
    return response


def _meeting_context(request, meeting, **extra):
    user = request.user
    internal = can_view_internal(user, meeting)
    # Comments, votes and rounds are read only for the items that have any (the agenda query
    # says which); the public sees none of them.
    items = meeting_selectors.agenda_for_user(user, meeting, activity=internal)
    threads = (
        meeting_selectors.comments_for_items([i for i in items if i.has_comments], user=user)
        if internal
        else {}
    )
    # Votes and statement rounds of all items at once (none for the public: only staff and
    # the committee's members may see votes).
    subject_votes = vote_selectors.subject_votes_for_subjects(
        user,
        items,
        with_votes={i.pk for i in items if i.has_votes} if internal else None,
        with_rounds={i.pk for i in items if i.has_round} if internal else None,
    )
    for item in items:
        item.threads = threads.get(item.pk, [])
        item.subject_votes = subject_votes.get(item.pk)
    context = {
        "meeting": meeting,
        "items": items,
        "internal": internal,
        "staff": is_staff(user),
        "can_comment": can_comment(user, meeting),
        "can_answer": can_answer_invitation(user, meeting),
        "comment_form": CommentForm(),
        "minutes": getattr(meeting, "minutes", None),
    }
    if context["can_answer"]:
        response = meeting_selectors.response_for_user(user, meeting)
        context["my_response"] = response
        # the role decides the form's choices; the page has read the memberships already
        context["my_membership"] = next(
            (m for m in user_memberships(user) if m.committee_id == meeting.committee_id), None
        )
        if getattr(context["my_membership"], "role", "") == "deputy":
            context["standing_in_for"] = meeting_selectors.stand_in_requests_for_user(
                user, [meeting]
            ).get(meeting.pk, [])
        context["response_form"] = ResponseForm(
            initial={"answer": response.answer, "note": response.note} if response else None,
            deputy=getattr(context["my_membership"], "role", "") == "deputy",
        )
    if context["staff"]:
        context["late"] = (
            meeting.state == Meeting.State.DRAFT and meeting_services.invitation_is_late(meeting)
        )
        context["cancel_form"] = CancelForm()
    context.update(extra)
    return context


@require_GET
def meeting_detail(request, pk):
    if _is_public_view(request.user):
        # Public visitors all see the same page: title and body are cached per content version
        # (a draft is never cached: get_meeting_for_user raises 404 before).
        def render_public():
            meeting = get_meeting_for_user(request.user, pk)
            body = render_to_string(
                "gremium/partials/meeting_body.html",
                _meeting_context(request, meeting),
                request=request,
            )
            return (meeting.title, body)

        title, body = versioned_cache.get_or_set(
            cache.NAMESPACE, ("meeting", pk, get_language()), render_public
        )
        return render(
            request,
            "gremium/meeting_detail.html",
            {"title": title, "body": mark_safe(body)},  # noqa: S308  rendered by our template
        )
    meeting = get_meeting_for_user(request.user, pk)
    return render(request, "gremium/meeting_detail.html", _meeting_context(request, meeting))


@require_GET
def meeting_ics(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    body = ics.meeting_ics(
        meeting,
        url=request.build_absolute_uri(meeting.get_absolute_url()),
        with_video=can_view_internal(request.user, meeting),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sitzung-{meeting.pk}.ics"'
    return response


@require_GET
def meeting_agenda_pdf(request, pk):
    """The agenda as PDF: with non-public items only for those who may see them."""
    meeting = get_meeting_for_user(request.user, pk)
    pdf = meeting_services.agenda_pdf(meeting.pk, internal=can_view_internal(request.user, meeting))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tagesordnung-{meeting.pk}.pdf"'
    return response


def _with_location(request, cleaned: dict) -> dict:
    """Turn the form's "new place" fields into a Location (kept for later meetings)."""
    data = dict(cleaned)
    description = data.pop("new_location", "")
    street = data.pop("new_location_street", "")
    room = data.pop("new_location_room", "")
    if description:
        data["location"] = meeting_services.location_get_or_create(
            actor=request.user, description=description, street_address=street, room=room
        )
    return data


@staff_required
def meeting_create(request):
    committee = Committee.objects.filter(slug=request.GET.get("gremium", "")).first()
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = _with_location(request, form.cleaned_data)
            try:
                meeting = meeting_services.meeting_create(actor=request.user, **data)
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Sitzung wurde als Entwurf angelegt."))
                return redirect(meeting)
    else:
        initial = {"notice_days": 7}
        if committee:
            initial.update(
                committee=committee, number=meeting_services.meeting_next_number(committee)
            )
        form = MeetingForm(initial=initial)
    return render(request, "gremium/meeting_form.html", {"form": form, "meeting": None})


@login_required
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = MeetingForm(request.POST, editing=meeting)
        if form.is_valid():
            data = _with_location(request, form.cleaned_data)
            note = data.pop("change_note", "")
            try:
                meeting_services.meeting_update(
                    actor=request.user, meeting=meeting, change_note=note, **data
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                if meeting.is_announced:
                    messages.success(
                        request,
                        _(
                            "Die Sitzung wurde geändert; alle Eingeladenen erhalten eine Aktualisierung."
                        ),
                    )
                else:
                    messages.success(request, _("Die Sitzung wurde gespeichert."))
                return redirect(meeting)
    else:
        form = MeetingForm(
            editing=meeting,
            initial={
                "name": meeting.name,
                "start": timezone.localtime(meeting.start),
                "end": timezone.localtime(meeting.end),
                "location": meeting.location,
                "video_url": meeting.video_url,
                "notice_days": meeting.notice_days,
            },
        )
    return render(request, "gremium/meeting_form.html", {"form": form, "meeting": meeting})


def _state_action(request, pk, action, success):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        action(meeting)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(meeting)


@require_POST
@login_required
def meeting_publish(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    late = meeting_services.invitation_is_late(meeting)
    try:
        meeting_services.meeting_publish(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(meeting)
    invited = len(meeting_services.meeting_recipients(meeting))
    messages.success(
        request,
        ngettext(
            "Die Sitzung ist veröffentlicht; die Einladung an %(count)s Person wird verschickt.",
            "Die Sitzung ist veröffentlicht; die Einladungen an %(count)s Personen werden "
            "verschickt.",
            invited,
        )
        % {"count": invited},
    )
    if late:
        messages.warning(
            request,
            _("Achtung: Die Ladungsfrist von %(days)s Tagen ist nicht eingehalten.")
            % {"days": meeting.notice_days},
        )
    return redirect(meeting)


@require_POST
@login_required
def meeting_cancel(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "gremium/meeting_detail.html",
            _meeting_context(request, meeting, cancel_form=form),
            status=400,
        )
    try:
        meeting_services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Die Sitzung ist abgesagt; die Eingeladenen werden benachrichtigt.")
        )
    return redirect(meeting)


@require_POST
@login_required
def meeting_held(request, pk):
    return _state_action(
        request,
        pk,
        lambda m: meeting_services.meeting_mark_held(actor=request.user, meeting=m),
        _("Die Sitzung ist als durchgeführt markiert."),
    )


@login_required
def meeting_outbox(request, pk):
    """Staff: who was invited, when, and which sends failed."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    outbox = outbox_for_object(meeting)
    return render(
        request,
        "gremium/meeting_outbox.html",
        {
            "meeting": meeting,
            "outbox": outbox,
            "failed": [m for m in outbox if m.status == "failed"],
            "responses": meeting_selectors.responses_for_meeting(meeting),
        },
    )


@require_POST
@login_required
def meeting_respond(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    if not can_answer_invitation(request.user, meeting):
        raise PermissionDenied
    membership = committee_selectors.membership_for_user(request.user, meeting.committee_id)
    form = ResponseForm(request.POST, deputy=getattr(membership, "role", "") == "deputy")
    if form.is_valid():
        try:
            meeting_services.invitation_answer(
                actor=request.user,
                meeting=meeting,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Danke, Ihre Antwort ist gespeichert."))
            return redirect(meeting)
    context = _meeting_context(request, meeting, response_form=form)
    return render(request, "gremium/meeting_detail.html", context, status=400)
