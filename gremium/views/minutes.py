"""Attendance and minutes: staff record, members read the published draft, PDF for both."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.exports.pdf import render_pdf

from ..forms.minutes import (
    AttendanceGuestForm,
    MinutesApproveForm,
    MinutesForm,
    MinutesRevokeForm,
)
from ..models import Minutes
from ..permissions import can_view_internal, get_meeting_for_user
from ..selectors import meetings as meeting_selectors
from ..selectors import minutes as minutes_selectors
from ..services import minutes as minutes_services


@login_required
def attendance_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    rows = meeting_selectors.responses_for_meeting(meeting)
    present = {a.membership_id for a in meeting.attendances.all() if a.membership_id}
    guests = [
        (a.guest_name, a.guest_organisation)
        for a in meeting.attendances.all()
        if not a.membership_id
    ]
    error = None
    guest_errors = {}
    if request.method == "POST":
        try:
            ids = [int(x) for x in request.POST.getlist("present")]
        except ValueError:
            ids, error = [], _("Ungültige Auswahl.")
        names = request.POST.getlist("guest_name")
        orgs = request.POST.getlist("guest_organisation")
        guests = list(zip(names, orgs + [""] * (len(names) - len(orgs)), strict=False))
        present = set(ids)
        guest_forms = [
            AttendanceGuestForm({"guest_name": name, "guest_organisation": org})
            for name, org in guests
        ]
        guest_errors = {
            index: form.errors for index, form in enumerate(guest_forms) if not form.is_valid()
        }
        if guest_errors and error is None:
            error = _(
                "Bitte korrigieren Sie die markierten Felder; Ihre Eingaben bleiben erhalten."
            )
        if error is None:
            try:
                minutes_services.attendance_record(
                    actor=request.user, meeting=meeting, present_membership_ids=ids, guests=guests
                )
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Die Anwesenheit wurde gespeichert."))
                return redirect(meeting)
    guests = [
        (name, org, guest_errors.get(index, {}))
        for index, (name, org) in enumerate(guests)
        if name or org
    ] + [("", "", {})] * 3
    return render(
        request,
        "gremium/attendance_form.html",
        {"meeting": meeting, "rows": rows, "present": present, "guests": guests, "error": error},
        status=400 if error else 200,
    )


def _minutes_context(request, meeting):
    minutes = getattr(meeting, "minutes", None)
    items = meeting_selectors.agenda_for_user(request.user, meeting)
    entries = {e.agenda_item_id: e for e in minutes.entries.all()} if minutes else {}
    for item in items:
        item.entry = entries.get(item.pk)
    comments = []
    if minutes is not None and can_view_internal(request.user, meeting):
        from erfurt_srp.discussion.selectors import comment_list_for_targets, comment_threads

        comments = comment_threads(comment_list_for_targets(targets=[minutes]))
    return {
        "comments": comments,
        "meeting": meeting,
        "minutes": minutes,
        "items": items,
        "attendances": minutes_selectors.attendance_for_meeting(meeting),
        "internal": can_view_internal(request.user, meeting),
    }


def _visible_minutes(request, pk):
    """Minutes: staff always; members once published; the public once approved (public items)."""
    meeting = get_meeting_for_user(request.user, pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None:
        raise Http404
    if is_staff(request.user):
        return meeting
    if minutes.state == Minutes.State.APPROVED:
        return meeting
    if minutes.state == Minutes.State.PUBLISHED and can_view_internal(request.user, meeting):
        return meeting
    raise Http404


@require_GET
def minutes_detail(request, pk):
    meeting = _visible_minutes(request, pk)
    context = _minutes_context(request, meeting)
    context["staff"] = is_staff(request.user)
    if context["staff"]:
        _with_staff_forms(context, meeting)
    return render(request, "gremium/minutes_detail.html", context)


def _with_staff_forms(context, meeting, **forms) -> None:
    """The approve form (published draft) or the revoke form (approved), and the history."""
    minutes = context["minutes"]
    context["staff"] = True
    if minutes.state == Minutes.State.PUBLISHED:
        context["approve_form"] = MinutesApproveForm(meeting=meeting)
    elif minutes.state == Minutes.State.APPROVED:
        context["revoke_form"] = MinutesRevokeForm()
    context.update(forms)  # a form posted with errors is shown with them
    context["approval_history"] = minutes_selectors.approval_history(minutes)


@require_GET
def minutes_pdf(request, pk):
    meeting = _visible_minutes(request, pk)
    pdf = render_pdf("gremium/pdf/minutes.html", _minutes_context(request, meeting))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="niederschrift-{meeting.pk}.pdf"'
    return response


@login_required
def minutes_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    context = _minutes_context(request, meeting)
    items = context["items"]
    error = None
    if request.method == "POST":
        form = MinutesForm(request.POST, items=items)
        if form.is_valid():
            try:
                minutes_services.minutes_save(
                    actor=request.user,
                    meeting=meeting,
                    introduction=form.cleaned_data["introduction"],
                    entries=form.entries(),
                )
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Die Niederschrift wurde gespeichert."))
                return redirect("gremium:minutes_detail", pk=meeting.pk)
        else:
            error = _("Bitte korrigieren Sie die markierten Felder; Ihr Text bleibt erhalten.")
    else:
        minutes = context["minutes"]
        initial = {"introduction": minutes.introduction if minutes else ""}
        for item in items:
            if item.entry:
                initial[f"text_{item.pk}"] = item.entry.text
                initial[f"result_{item.pk}"] = item.entry.result
        form = MinutesForm(initial=initial, items=items)
    context["form"] = form
    context["error"] = error
    return render(request, "gremium/minutes_form.html", context, status=400 if error else 200)


@require_POST
@login_required
def minutes_publish(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        minutes_services.minutes_publish(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Der Entwurf ist für die Mitglieder zur Kommentierung veröffentlicht.")
        )
    return redirect("gremium:minutes_detail", pk=meeting.pk)


@require_POST
@login_required
def minutes_approve(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = MinutesApproveForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            minutes_services.minutes_approve(
                actor=request.user, meeting=meeting, approved_in=form.cleaned_data["approved_in"]
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Die Niederschrift ist genehmigt."))
            return redirect("gremium:minutes_detail", pk=meeting.pk)
    context = _minutes_context(request, meeting)
    if context["minutes"] is None:
        raise Http404
    _with_staff_forms(context, meeting, approve_form=form)
    return render(request, "gremium/minutes_detail.html", context, status=400)


@require_POST
@login_required
def minutes_approval_revoke(request, pk):
    """Staff undo a wrong approval, with a reason kept in the minutes' history."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = MinutesRevokeForm(request.POST)
    if form.is_valid():
        try:
            minutes_services.minutes_approval_revoke(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Die Genehmigung ist aufgehoben; die Niederschrift ist wieder ein Entwurf."),
            )
            return redirect("gremium:minutes_detail", pk=meeting.pk)
    context = _minutes_context(request, meeting)
    if context["minutes"] is None:
        raise Http404
    _with_staff_forms(context, meeting, revoke_form=form)
    return render(request, "gremium/minutes_detail.html", context, status=400)


@require_POST
@login_required
def minutes_comment_add(request, pk):
    """Members comment on the published draft of the minutes."""
    from erfurt_srp.discussion.models import Comment
    from erfurt_srp.discussion.services import comment_create

    from ..forms.meetings import CommentForm

    meeting = _visible_minutes(request, pk)
    minutes = meeting.minutes
    if minutes.state != Minutes.State.PUBLISHED or not can_view_internal(request.user, meeting):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        try:
            comment_create(
                target=minutes, body=form.cleaned_data["body"], author=request.user, parent=parent
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
    else:
        messages.error(request, _("Bitte geben Sie einen Kommentar ein."))
    return redirect("gremium:minutes_detail", pk=meeting.pk)
