"""Staff pages for the data behind the social areas: imports (upload, preview, confirm) and the
definition of indicators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from erfurt_srp.core.errors import DomainError

from . import permissions, selectors, services, services_import
from .forms import DistrictImportForm, IndicatorForm, IndicatorImportForm, ShapeImportForm
from .importers import ImportRejected
from .models import ImportUpload, Indicator

IMPORT_FORMS = {
    ImportUpload.Kind.DISTRICTS: (DistrictImportForm, "ortsteile"),
    ImportUpload.Kind.INDICATORS: (IndicatorImportForm, "werte"),
    ImportUpload.Kind.SHAPES: (ShapeImportForm, "umrisse"),
}


@login_required
@require_http_methods(["GET", "POST"])
def data_import(request):
    """Upload a file: it is checked completely and compared with the stored data; the preview
    page then asks for confirmation."""
    permissions.require_manage(request.user)
    forms = {kind: form_class(prefix=prefix) for kind, (form_class, prefix) in IMPORT_FORMS.items()}
    problems, problem_kind = [], None
    kind = request.POST.get("kind")
    if request.method == "POST" and kind in IMPORT_FORMS:
        form_class, prefix = IMPORT_FORMS[kind]
        form = forms[kind] = form_class(request.POST, request.FILES, prefix=prefix)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                stored, _result = services_import.import_upload_create(
                    actor=request.user,
                    kind=kind,
                    filename=upload.name,
                    data=upload.read(),
                    options=form.import_options(),
                )
            except ImportRejected as exc:
                problems, problem_kind = exc.problems, kind
                form.add_error(
                    "file",
                    _("Die Datei wurde nicht importiert: %(count)s Fehler, siehe Liste.")
                    % {"count": len(exc.problems)},
                )
            else:
                return redirect(stored.get_absolute_url())
    return render(
        request,
        "standorte/import.html",
        {
            "district_form": forms[ImportUpload.Kind.DISTRICTS],
            "indicator_form": forms[ImportUpload.Kind.INDICATORS],
            "shape_form": forms[ImportUpload.Kind.SHAPES],
            "problems": problems,
            "problem_kind": problem_kind,
        },
        status=400 if problems else 200,
    )


def _upload_for_user(user, pk) -> ImportUpload:
    permissions.require_manage(user)
    return get_object_or_404(ImportUpload, pk=pk, uploaded_by=user)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    """What the upload would change (new, changed, unchanged rows); confirm or discard."""
    upload = _upload_for_user(request.user, pk)
    problems = []
    if request.method == "POST" and request.POST.get("action") == "discard":
        upload.delete()
        messages.info(request, _("Die Datei wurde verworfen; es wurde nichts importiert."))
        return redirect("standorte:data_import")
    if request.method == "POST":
        try:
            result = services_import.import_upload_confirm(
                actor=request.user, upload=upload, sha256=request.POST.get("sha256", "")
            )
        except ImportRejected as exc:
            problems = exc.problems
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(upload.get_absolute_url())
        else:
            messages.success(
                request,
                _(
                    "„%(file)s“ importiert: %(new)s neu, %(changed)s geändert, "
                    "%(unchanged)s unverändert."
                )
                % {
                    "file": upload.filename,
                    "new": result.new,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("standorte:data_import")
    result = None
    if not problems:
        try:
            result = services_import.import_upload_preview(actor=request.user, upload=upload)
        except ImportRejected as exc:
            problems = exc.problems
    return render(
        request,
        "standorte/import_preview.html",
        {"upload": upload, "result": result, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def indicator_list(request):
    permissions.require_manage(request.user)
    return render(
        request,
        "standorte/indicator_list.html",
        {"indicators": selectors.indicators_with_value_counts()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk=None):
    permissions.require_manage(request.user)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(actor=request.user, indicator=form.save(commit=False))
        except DomainError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Der Indikator wurde gespeichert."))
            return redirect("standorte:indicator_list")
    return render(request, "standorte/indicator_form.html", {"form": form, "indicator": indicator})
