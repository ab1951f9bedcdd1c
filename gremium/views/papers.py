"""Papers (Drucksachen): list, detail with Beratungsfolge, create/edit, files, consultations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate

from ..forms.papers import ConsultationForm, FileForm, PaperForm, PaperNumberSequenceForm
from ..permissions import get_paper_for_user
from ..selectors import papers as paper_selectors
from ..services import papers as paper_services

PAGE_SIZE = 30


@require_GET
def paper_list(request):
    query = request.GET.get("q", "").strip()[:100]
    qs = paper_selectors.paper_list_for_user(request.user, query=query)
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "gremium/paper_list.html",
        {"page": page, "papers": page.object_list, "query": query, "staff": is_staff(request.user)},
    )


@require_GET
def paper_detail(request, pk):
    paper = get_paper_for_user(request.user, pk)
    return render(
        request,
        "gremium/paper_detail.html",
        {
            "paper": paper,
            "files": list(paper.files.all()),
            "consultations": paper_selectors.paper_consultations_for_user(request.user, paper),
            "staff": is_staff(request.user),
        },
    )


@staff_required
def paper_create(request):
    if request.method == "POST":
        form = PaperForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                paper = paper_services.paper_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Drucksache wurde angelegt."))
                return redirect(paper)
    else:
        form = PaperForm()
    return render(
        request,
        "gremium/paper_form.html",
        {"form": form, "paper": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def paper_edit(request, pk):
    paper = get_paper_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = PaperForm(request.POST, instance=paper)
        if form.is_valid():
            try:
                paper_services.paper_update(actor=request.user, paper=paper, **form.cleaned_data)
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Drucksache wurde gespeichert."))
                return redirect(paper)
    else:
        form = PaperForm(instance=paper)
    return render(
        request,
        "gremium/paper_form.html",
        {"form": form, "paper": paper},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def paper_file_add(request, pk):
    paper = get_paper_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                paper_services.file_attach(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    paper=paper,
                    is_main=form.cleaned_data["is_main"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Datei wurde hochgeladen."))
                return redirect(paper)
    else:
        form = FileForm()
    return render(
        request,
        "gremium/file_form.html",
        {"form": form, "target": paper, "back": paper.get_absolute_url()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def consultation_add(request, pk):
    paper = get_paper_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = ConsultationForm(request.POST)
        if form.is_valid():
            try:
                paper_services.consultation_add(
                    actor=request.user, paper=paper, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Die Beratung wurde zur Beratungsfolge hinzugefügt."))
                return redirect(paper)
    else:
        form = ConsultationForm()
    return render(
        request,
        "gremium/consultation_form.html",
        {"form": form, "paper": paper},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def paper_numbers(request):
    """Staff see each year's Drucksache number sequence and set where it continues."""
    from django.utils import timezone

    form = PaperNumberSequenceForm(
        request.POST or None, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            paper_services.paper_number_sequence_set(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Nummernkreis wurde gespeichert."))
            return redirect("gremium:paper_numbers")
    return render(
        request,
        "gremium/paper_numbers.html",
        {"form": form, "sequences": paper_selectors.paper_number_sequences()},
        status=400 if request.method == "POST" else 200,
    )
