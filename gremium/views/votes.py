"""Views for votes: thin, they check access, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate
from erfurt_srp.exports import CSV, PDF
from erfurt_srp.exports.csv import csv_bytes

from ..forms.votes import BallotForm, ShowOfHandsForm, VoteOpenForm
from ..models import Vote
from ..permissions import (
    can_manage_votes,
    get_vote_for_user,
)
from ..selectors import votes as vote_selectors
from ..services import votes as vote_services
from .common import PAGE_SIZE, subject_from_request


@login_required
def vote_list(request):
    status = request.GET.get("status") if request.GET.get("status") in Vote.Status.values else None
    page = paginate(
        request, vote_selectors.vote_list_for_user(request.user, status=status), PAGE_SIZE
    )
    votes = vote_selectors.visible_votes(request.user, page.object_list)
    return render(
        request,
        "gremium/votes/vote_list.html",
        {
            "page": page,
            "votes": votes,
            "status": status,
            "can_manage": can_manage_votes(request.user),
        },
    )


@staff_required
def vote_create(request):
    subject, ct, object_id = subject_from_request(request)
    initial = {}
    if request.GET.get("committee"):
        initial["committee"] = request.GET["committee"]
    form = VoteOpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = vote_services.vote_open(
                committee=data["committee"],
                subject=subject,
                question=data["question"],
                description=data["description"],
                kind=data["kind"],
                options=form.option_list(),
                ballot_unit=data["ballot_unit"],
                secret=data["secret"],
                deadline=data["deadline"],
                quorum=data["quorum"],
                requires_complete_statement_round=form.requires_value(),
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request, _("Die Abstimmung ist eröffnet; die Mitglieder wurden benachrichtigt.")
            )
            return redirect(vote)
    return render(
        request,
        "gremium/votes/vote_form.html",
        {"form": form, "subject": subject, "ct": ct, "object_id": object_id},
    )


def _vote_context(request, vote, ballot_form=None):
    voter, mine = vote_selectors.my_ballot(request.user, vote)
    options = list(vote.options.all())
    accepts = vote.is_open and (vote.deadline is None or timezone.now() < vote.deadline)
    can_cast = voter is not None and accepts and not (vote.secret and mine is not None)
    if ballot_form is None and can_cast:
        initial = {}
        if mine is not None and not vote.secret:
            if vote.kind == Vote.Kind.RANKED:
                initial = {f"rank_{oid}": str(i) for i, oid in enumerate(mine.ranking, start=1)}
            else:
                initial = {"choice": str(mine.choice_id)}
        ballot_form = BallotForm(vote=vote, options=options, initial=initial)
    result = vote_selectors.vote_result(vote, options)
    context = {
        "vote": vote,
        "subject": vote.subject,
        "options": options,
        "result": result,
        "voter": voter,
        "my_ballot": mine,
        "can_cast": can_cast,
        "ballot_form": ballot_form,
        "can_manage": can_manage_votes(request.user),
        "deadline_passed": vote.deadline is not None and timezone.now() >= vote.deadline,
    }
    if context["can_manage"]:
        context["history"] = _vote_history(vote, options)
        if vote.is_open and vote.secret and result.participants < settings.SECRET_VOTE_MIN_BALLOTS:
            context["close_refusal"] = vote_services.secret_close_refusal(vote, result.participants)
    return context


def _vote_history(vote, options) -> list[dict]:
    """Opening, closing and (open votes only) every ballot change, oldest first."""
    rows = []
    for record in vote.history.select_related("history_user").order_by("history_date")[:200]:
        what = {
            "+": _("eröffnet"),
            "~": _("geändert") if record.status == Vote.Status.OPEN else _("abgeschlossen"),
            "-": _("gelöscht"),
        }[record.history_type]
        rows.append({"when": record.history_date, "who": record.history_user, "what": what})
    if not vote.secret:
        labels = {o.pk: o.display_label for o in options}
        ballot_history = vote.ballots.model.history.filter(vote_id=vote.pk).select_related(
            "institution", "person"
        )
        for record in ballot_history.order_by("history_date")[:500]:
            label = (
                " > ".join(labels.get(int(i), "?") for i in record.ranking)
                if record.ranking
                else labels.get(record.choice_id, "")
            )
            who = record.institution.name if record.institution_id else str(record.person)
            rows.append(
                {
                    "when": record.history_date,
                    "who": f"{who} ({record.person})",
                    "what": _("Stimme: %(label)s") % {"label": label},
                }
            )
    rows.sort(key=lambda r: r["when"])
    return rows


@login_required
def vote_detail(request, pk):
    vote = get_vote_for_user(request.user, pk)
    return render(request, "gremium/votes/vote_detail.html", _vote_context(request, vote))


@login_required
@require_POST
def vote_ballot(request, pk):
    vote = get_vote_for_user(request.user, pk)
    form = BallotForm(request.POST, vote=vote, options=vote.options.all())
    if form.is_valid():
        try:
            vote_services.ballot_cast(
                vote=vote,
                actor=request.user,
                choice=form.cleaned_data.get("choice"),
                ranking=form.cleaned_data.get("ranking"),
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Ihre Stimme wurde gespeichert."))
            return redirect(vote)
    vote.refresh_from_db()
    context = _vote_context(request, vote, ballot_form=form)
    context["ballot_form"] = form
    context["can_cast"] = True
    return render(request, "gremium/votes/vote_detail.html", context, status=400)


@login_required
@require_POST
def vote_close(request, pk):
    vote = get_vote_for_user(request.user, pk, write=True)
    try:
        vote_services.vote_close(vote=vote, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Abstimmung ist abgeschlossen."))
    return redirect(vote)


@login_required
def vote_show_of_hands(request, pk):
    vote = get_vote_for_user(request.user, pk, write=True)
    options = list(vote.options.all())
    form = ShowOfHandsForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        try:
            vote_services.vote_record_show_of_hands(
                vote=vote, counts=form.counts(), actor=request.user
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request, _("Das Ergebnis der Abstimmung per Handzeichen ist gespeichert.")
            )
            return redirect(vote)
    return render(request, "gremium/votes/show_of_hands.html", {"vote": vote, "form": form})


@login_required
@require_POST
def vote_remind(request, pk):
    vote = get_vote_for_user(request.user, pk, write=True)
    try:
        count = vote_services.vote_remind(vote=vote, actor=request.user)
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
    return redirect(vote)


def _result_rows(result):
    rows = [[_("Frage"), result.vote.question], [_("Gegenstand"), result.vote.subject_display]]
    rows.append([_("Gremium"), str(result.vote.committee)])
    rows.append([_("Ergebnis"), result.result_label])
    rows.append([_("Abgegebene Stimmen"), result.participants])
    rows.append([_("Stimmberechtigte"), result.eligible])
    rows.append([_("Beschlussfähig ab"), result.quorum])
    rows.append([_("Geheim"), _("ja") if result.vote.secret else _("nein")])
    return rows


@login_required
def vote_result_csv(request, pk):
    vote = get_vote_for_user(request.user, pk)
    result = vote_selectors.vote_result(vote)
    ranked = vote.kind == Vote.Kind.RANKED
    rows = [[label, value, ""] for label, value in _result_rows(result)]
    rows.append(["", "", ""])
    rows.append(
        [
            _("Option"),
            _("Stimmen (Erstpräferenz)") if ranked else _("Stimmen"),
            _("Punkte") if ranked else "",
        ]
    )
    rows += [
        [o.label, "" if result.counts_hidden else o.count, o.points if ranked else ""]
        for o in result.options
    ]
    if not vote.secret and result.ballots:
        rows.append(["", "", ""])
        rows.append([_("Institution / Person"), _("Stimme"), _("abgegeben von")])
        rows += [
            [b.institution or b.person, b.choice, f"{b.person} ({b.role})"] for b in result.ballots
        ]
    data = csv_bytes([_("Ergebnisblatt"), "", ""], rows)
    response = HttpResponse(data, content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="abstimmung-{vote.pk}.csv"'
    return response


@login_required
def vote_result_pdf(request, pk):
    from erfurt_srp.exports.pdf import render_pdf

    vote = get_vote_for_user(request.user, pk)
    result = vote_selectors.vote_result(vote)
    data = render_pdf(
        "gremium/votes/result_sheet_pdf.html",
        {"vote": vote, "result": result, "now": timezone.now()},
    )
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="abstimmung-{vote.pk}.pdf"'
    return response
