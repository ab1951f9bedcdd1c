"""Committees and their members: list, detail, staff management and history."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form

from ..forms.committees import MembershipEndForm, MembershipForm, MembershipReplaceForm
from ..models import Committee, Institution, Membership
from ..permissions import is_committee_member
from ..selectors import committees as committee_selectors
from ..selectors import meetings as meeting_selectors
from ..services import committees as committee_services


def _committee_for_user(user, slug) -> Committee:
    committee = Committee.objects.filter(slug=slug).first()
    if committee is None:
        raise Http404
    if committee.is_public or is_staff(user) or is_committee_member(user, committee.pk):
        return committee
    raise Http404


@require_GET
def committee_list(request):
    qs = Committee.objects.all()
    if not is_staff(request.user):
        qs = qs.filter(is_public=True)
    return render(request, "gremium/committee_list.html", {"committees": qs})


@require_GET
def committee_detail(request, slug):
    committee = _committee_for_user(request.user, slug)
    staff = is_staff(request.user)
    show_people = staff or is_committee_member(request.user, committee.pk)
    memberships = list(committee_selectors.committee_members(committee))
    # Persons who represent only themselves are not named to the public.
    institutions = (
        Institution.objects.filter(committees=committee)
        .exclude(kind=Institution.Kind.INDIVIDUAL)
        .order_by("name")
    )
    coming = list(
        meeting_selectors.meeting_list_for_user(request.user, committee=committee, upcoming=True)[
            :5
        ]
    )
    return render(
        request,
        "gremium/committee_detail.html",
        {
            "committee": committee,
            "memberships": memberships,
            "institutions": institutions,
            "show_people": show_people,
            "staff": staff,
            "coming": coming,
        },
    )


def _person_from_form(request, data: dict):
    """The person named in a membership form (found by e-mail, or created)."""
    return committee_services.person_get_or_create(
        actor=request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
    )


@staff_required
def membership_add(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    if request.method == "POST":
        form = MembershipForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = _person_from_form(request, data)
                committee_services.membership_create(
                    actor=request.user,
                    committee=committee,
                    person=person,
                    role=data["role"],
                    function=data["function"],
                    start_date=data["start_date"],
                    **form.representation(),
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Mitgliedschaft wurde angelegt."))
                return redirect("gremium:committee_detail", slug=committee.slug)
    else:
        form = MembershipForm()
    return render(
        request,
        "gremium/membership_form.html",
        {"form": form, "committee": committee, "title": _("Mitglied hinzufügen")},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def membership_end(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("committee", "person", "institution"), pk=pk
    )
    if request.method == "POST":
        form = MembershipEndForm(request.POST)
        if form.is_valid():
            try:
                committee_services.membership_end(
                    actor=request.user,
                    membership=membership,
                    end_date=form.cleaned_data["end_date"],
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Mitgliedschaft wurde beendet."))
                return redirect("gremium:committee_detail", slug=membership.committee.slug)
    else:
        form = MembershipEndForm()
    return render(
        request,
        "gremium/membership_form.html",
        {
            "form": form,
            "committee": membership.committee,
            "membership": membership,
            "title": _("Mitgliedschaft beenden"),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def membership_replace(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("committee", "person", "institution"), pk=pk
    )
    if request.method == "POST":
        form = MembershipReplaceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = _person_from_form(request, data)
                committee_services.membership_replace(
                    actor=request.user,
                    membership=membership,
                    person=person,
                    start_date=data["start_date"],
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Person wurde ersetzt."))
                return redirect("gremium:committee_detail", slug=membership.committee.slug)
    else:
        form = MembershipReplaceForm()
    return render(
        request,
        "gremium/membership_form.html",
        {
            "form": form,
            "committee": membership.committee,
            "membership": membership,
            "title": _("%(role)s ersetzen") % {"role": membership.get_role_display()},
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def committee_history(request, slug):
    """Staff: every change to the committee's memberships (who, when, what)."""
    committee = get_object_or_404(Committee, slug=slug)
    records = list(
        Membership.history.filter(committee_id=committee.pk)
        .select_related("history_user", "person", "institution")
        .order_by("-history_date")[:300]
    )
    return render(
        request, "gremium/committee_history.html", {"committee": committee, "records": records}
    )
