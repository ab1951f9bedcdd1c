"""Staff pages of the reporting cycle and the plan's text parts. Thin: form, one service."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form

from .. import services as plan_services
from ..forms import (
    PlanTextsForm,
    ReportCycleForm,
    ReportDraftForm,
    ReportSubmitForm,
    ReportTextForm,
)
from ..models import ProgressReport
from ..selectors import plan_texts
from . import selectors, services
from .export import report_sections


@staff_required
def plan_texts_edit(request):
    form = PlanTextsForm(request.POST or None, texts=plan_texts())
    if request.method == "POST" and form.is_valid():
        plan_services.plan_texts_save(actor=request.user, texts=form.cleaned_data)
        messages.success(request, _("Die Textteile des Plans wurden gespeichert."))
        return redirect("leitlinien:plan_index")
    return render(
        request,
        "leitlinien/form.html",
        {"form": form, "title": _("Textteile des Sozialraumplans")},
    )


def _cycle_initial(cycle) -> dict:
    if cycle is None:
        return {"interval_months": 12, "remind_days_before": 28}
    return {
        "interval_months": cycle.interval_months,
        "next_due_on": cycle.next_due_on,
        "remind_days_before": cycle.remind_days_before,
        "committee": cycle.committee,
    }


@staff_required
def report_index(request):
    cycle = services.report_cycle_get()
    cycle_form = ReportCycleForm(
        request.POST if request.method == "POST" else None, initial=_cycle_initial(cycle)
    )
    if request.method == "POST" and cycle_form.is_valid():
        try:
            services.report_cycle_set(actor=request.user, **cycle_form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(cycle_form, error)
        else:
            messages.success(request, _("Der Berichtszyklus wurde gespeichert."))
            return redirect("leitlinien:report_index")
    return render(
        request,
        "leitlinien/report_index.html",
        {
            "cycle": cycle,
            "cycle_form": cycle_form,
            "draft_form": ReportDraftForm(initial={"period_end": timezone.localdate()}),
            "reports": selectors.report_list()[:50],
        },
    )


@staff_required
@require_POST
def report_draft(request):
    form = ReportDraftForm(request.POST)
    if form.is_valid():
        try:
            report = services.progress_report_draft(
                actor=request.user, period_end=form.cleaned_data["period_end"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Der Bericht wurde aus den aktuellen Daten entworfen."))
            return redirect(report)
    else:
        messages.error(request, _("Bitte geben Sie ein gültiges Datum an."))
    return redirect("leitlinien:report_index")


def _text_initial(report: ProgressReport) -> dict:
    return {"title": report.title, **{f: getattr(report, f) for f in ProgressReport.TEXT_FIELDS}}


@staff_required
def report_detail(request, pk):
    report = get_object_or_404(ProgressReport.objects.select_related("paper"), pk=pk)
    form = ReportTextForm(
        request.POST if request.method == "POST" else None, initial=_text_initial(report)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_update(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Berichtstext wurde gespeichert."))
            return redirect(report)
    cycle = services.report_cycle_get()
    return render(
        request,
        "leitlinien/report_detail.html",
        {
            "report": report,
            "form": form,
            "sections": report_sections(report),
            "exports": selectors.report_exports(report),
            "current_export": services.current_export(report),
            "submit_form": ReportSubmitForm(committee=cycle.committee if cycle else None),
            "cycle": cycle,
        },
    )


@staff_required
@require_POST
def report_refresh(request, pk):
    report = get_object_or_404(ProgressReport, pk=pk)
    try:
        services.progress_report_refresh(actor=request.user, report=report)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Tabellen wurden aus den aktuellen Daten neu erstellt."))
    return redirect(report)


@staff_required
@require_POST
def report_export(request, pk):
    report = get_object_or_404(ProgressReport, pk=pk)
    export = services.progress_report_export_request(actor=request.user, report=report)
    messages.success(request, _("PDF und DOCX des Berichts werden im Hintergrund erstellt."))
    return redirect(export)


@staff_required
def report_submit(request, pk):
    report = get_object_or_404(ProgressReport, pk=pk)
    cycle = services.report_cycle_get()
    form = ReportSubmitForm(request.POST or None, committee=cycle.committee if cycle else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Bericht liegt dem Ausschuss als Drucksache vor."))
            return redirect(report)
    return render(
        request,
        "leitlinien/form.html",
        {"form": form, "title": _("Bericht dem Ausschuss vorlegen"), "back": report},
    )
