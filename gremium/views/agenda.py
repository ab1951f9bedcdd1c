"""Agenda items: add, edit, reorder (htmx with plain-POST fallback), delete, files, comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.discussion.models import Comment
from erfurt_srp.discussion.services import (
    comment_can_edit,
    comment_create,
    comment_edit,
    comment_hide,
)

from ..forms.meetings import AgendaItemForm, AgendaItemMoveForm, CommentForm, CommentHideForm
from ..forms.papers import FileForm
from ..models import AgendaItem
from ..permissions import (
    can_comment,
    can_view_internal,
    get_agenda_item_for_user,
    get_file_for_user,
    get_meeting_for_user,
)
from ..selectors import meetings as meeting_selectors
from ..services import meetings as meeting_services
from ..services import papers as paper_services


@login_required
def agenda_item_add(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.agenda_item_add(
                    actor=request.user, meeting=meeting, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Der Tagesordnungspunkt wurde angelegt."))
                if "again" in request.POST:
                    return redirect("gremium:agenda_item_add", pk=meeting.pk)
                return redirect(meeting)
    else:
        form = AgendaItemForm()
    return render(
        request, "gremium/agenda_item_form.html", {"form": form, "meeting": meeting, "item": None}
    )


@login_required
def agenda_item_edit(request, pk):
    item = get_agenda_item_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.agenda_item_update(
                    actor=request.user, item=item, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Der Tagesordnungspunkt wurde gespeichert."))
                return redirect(item.meeting)
    else:
        form = AgendaItemForm(
            initial={
                "name": item.name,
                "public": item.public,
                "text": item.text,
                "papers": [c.paper_id for c in item.consultations.all()],
            }
        )
    return render(
        request,
        "gremium/agenda_item_form.html",
        {"form": form, "meeting": item.meeting, "item": item},
    )


@require_POST
@login_required
def agenda_item_move(request, pk):
    """Move to a position; htmx requests get the agenda block back, others a redirect."""
    item = get_agenda_item_for_user(request.user, pk, write=True)
    meeting = item.meeting
    form = AgendaItemMoveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            meeting_services.agenda_item_move(
                actor=request.user, item=item, position=form.cleaned_data["position"]
            )
        except DomainError as exc:
            error = str(exc)
    else:
        error = _("Bitte geben Sie eine Position als Zahl an.")
    if request.htmx:
        from .meetings import _meeting_context

        meeting = get_meeting_for_user(request.user, meeting.pk)
        context = _meeting_context(request, meeting, move_error=error, move_item=item.pk)
        return render(
            request, "gremium/partials/agenda.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Die Reihenfolge wurde geändert."))
    return redirect(meeting)


@require_POST
@login_required
def agenda_item_delete(request, pk):
    item = get_agenda_item_for_user(request.user, pk, write=True)
    meeting = item.meeting
    try:
        meeting_services.agenda_item_delete(actor=request.user, item=item)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Der Tagesordnungspunkt wurde gestrichen."))
    return redirect(meeting)


@login_required
def agenda_item_file_add(request, pk):
    item = get_agenda_item_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = FileForm(request.POST, request.FILES, for_paper=False)
        if form.is_valid():
            try:
                paper_services.file_attach(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    agenda_item=item,
                    name=form.cleaned_data["name"],
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Datei wurde angehängt."))
                return redirect(item.meeting)
    else:
        form = FileForm(for_paper=False)
    return render(
        request,
        "gremium/file_form.html",
        {"form": form, "target": item, "back": item.meeting.get_absolute_url()},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def file_download(request, pk):
    file = get_file_for_user(request.user, pk)
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(
        handle, as_attachment=True, filename=file.file_name, content_type=file.mime_type
    )


# --- comments ------------------------------------------------------------------------------


def _item_comments(request, item, form=None, status=200):
    threads = meeting_selectors.comments_for_items([item], user=request.user).get(item.pk, [])
    return render(
        request,
        "gremium/partials/comments.html",
        {
            "item": item,
            "threads": threads,
            "comment_form": form or CommentForm(),
            "can_comment": can_comment(request.user, item.meeting),
            "staff": is_staff(request.user),
        },
        status=status,
    )


@require_POST
@login_required
def comment_add(request, pk):
    item = get_agenda_item_for_user(request.user, pk)
    if not can_comment(request.user, item.meeting):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        try:
            comment_create(
                target=item, body=form.cleaned_data["body"], author=request.user, parent=parent
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            if request.htmx:
                return _item_comments(request, item)
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
            return redirect(item)
    if request.htmx:
        return _item_comments(request, item, form, status=400)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(item)


def _comment_for_user(request, pk):
    comment = Comment.objects.select_related("author").filter(pk=pk).first()
    if comment is None or comment.target_type.model_class() is not AgendaItem:
        raise Http404
    item = get_agenda_item_for_user(request.user, comment.target_id)
    if not can_view_internal(request.user, item.meeting):
        raise Http404
    return comment, item


@login_required
def comment_edit_view(request, pk):
    comment, item = _comment_for_user(request, pk)
    if not comment_can_edit(comment, request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment_edit(comment=comment, body=form.cleaned_data["body"], actor=request.user)
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Ihr Kommentar wurde geändert."))
                return redirect(item)
    else:
        form = CommentForm(initial={"body": comment.body})
    return render(
        request, "gremium/comment_form.html", {"form": form, "comment": comment, "item": item}
    )


@login_required
def comment_hide_view(request, pk):
    comment, item = _comment_for_user(request, pk)
    if not is_staff(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CommentHideForm(request.POST)
        if form.is_valid():
            try:
                comment_hide(
                    comment=comment, reason=form.cleaned_data["reason"], actor=request.user
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Der Kommentar ist ausgeblendet."))
                return redirect(item)
    else:
        form = CommentHideForm()
    return render(
        request,
        "gremium/comment_hide.html",
        {"form": form, "comment": comment, "item": item},
        status=400 if request.method == "POST" else 200,
    )
