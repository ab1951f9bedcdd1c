"""Views for statement rounds: thin, they check access, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate

from ..forms.statements import StatementForm, StatementRoundOpenForm
from ..models import Statement, StatementRound
from ..permissions import (
    can_manage_votes,
    get_round_for_user,
    statement_author_for,
)
from ..selectors import statements as statement_selectors
from ..selectors import votes as vote_selectors
from ..services import statements as statement_services
from .common import PAGE_SIZE, subject_from_request


@login_required
def statement_round_list(request):
    status = (
        request.GET.get("status")
        if request.GET.get("status") in StatementRound.Status.values
        else None
    )
    page = paginate(
        request,
        statement_selectors.statement_round_list_for_user(request.user, status=status),
        PAGE_SIZE,
    )
    rounds = statement_selectors.visible_rounds(request.user, page.object_list)
    return render(
        request,
        "gremium/votes/round_list.html",
        {
            "page": page,
            "rounds": rounds,
            "status": status,
            "can_manage": can_manage_votes(request.user),
        },
    )


@staff_required
def statement_round_create(request):
    subject, ct, object_id = subject_from_request(request)
    initial = {"title": _("Fachliche Stellungnahmen zu: %(subject)s") % {"subject": subject}}
    if request.GET.get("committee"):
        initial["committee"] = request.GET["committee"]
    form = StatementRoundOpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement_round = statement_services.statement_round_open(
                committee=data["committee"],
                subject=subject,
                title=data["title"],
                description=data["description"],
                deadline=data["deadline"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Die Stellungnahmerunde ist eröffnet; alle Institutionen wurden angeschrieben."),
            )
            return redirect(statement_round)
    return render(
        request,
        "gremium/votes/round_form.html",
        {"form": form, "subject": subject, "ct": ct, "object_id": object_id},
    )


@login_required
def statement_round_detail(request, pk):
    statement_round = get_round_for_user(request.user, pk)
    rows = statement_selectors.statement_completeness(statement_round)
    membership = statement_author_for(request.user, statement_round)
    own = None
    if membership is not None:
        own = next((r for r in rows if r.institution.pk == membership.institution_id), None)
    return render(
        request,
        "gremium/votes/round_detail.html",
        {
            "round": statement_round,
            "subject": statement_round.subject,
            "rows": rows,
            "given": sum(1 for r in rows if r.statement),
            "missing": [r for r in rows if not r.statement],
            "membership": membership,
            "own": own,
            "can_manage": can_manage_votes(request.user),
            "votes": vote_selectors.votes_for_subject(statement_round.subject)
            if statement_round.subject
            else [],
        },
    )


@login_required
def statement_edit(request, pk):
    statement_round = get_round_for_user(request.user, pk)
    membership = statement_author_for(request.user, statement_round)
    if membership is None:
        raise PermissionDenied
    existing = Statement.objects.filter(
        round=statement_round, institution_id=membership.institution_id
    ).first()
    initial = {"text": existing.text} if existing else {}
    form = StatementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _statement, created = statement_services.statement_submit(
                statement_round=statement_round,
                actor=request.user,
                text=form.cleaned_data["text"],
                file=form.cleaned_data.get("file"),
                remove_file=form.cleaned_data.get("remove_file", False),
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Ihre Stellungnahme wurde gespeichert.")
                if created
                else _("Ihre Stellungnahme wurde aktualisiert."),
            )
            return redirect(statement_round)
    return render(
        request,
        "gremium/votes/statement_form.html",
        {
            "round": statement_round,
            "form": form,
            "existing": existing,
            "membership": membership,
            "closed": statement_round.status != StatementRound.Status.OPEN,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def statement_round_remind(request, pk):
    statement_round = get_round_for_user(request.user, pk, write=True)
    try:
        count = statement_services.statement_round_remind(
            statement_round=statement_round, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s Erinnerung wurde verschickt.",
                "%(count)s Erinnerungen wurden verschickt.",
                count,
            )
            % {"count": count},
        )
    return redirect(statement_round)


@login_required
@require_POST
def statement_round_close(request, pk):
    statement_round = get_round_for_user(request.user, pk, write=True)
    try:
        statement_services.statement_round_close(
            statement_round=statement_round, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Stellungnahmerunde ist abgeschlossen."))
    return redirect(statement_round)


@login_required
def statement_file(request, pk, statement_pk):
    statement_round = get_round_for_user(request.user, pk)
    statement = Statement.objects.filter(round=statement_round, pk=statement_pk).first()
    if statement is None or not statement.file:
        raise Http404
    return FileResponse(
        statement.file.open("rb"),
        as_attachment=True,
        filename=statement.file.name.rsplit("/", 1)[-1],
    )
