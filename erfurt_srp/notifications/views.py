"""Staff pages of the outbox: list, detail, send again."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core.errors import DomainError
from erfurt_srp.core.pagination import paginate

from . import selectors, services
from .forms import OutboxFilterForm

PAGE_SIZE = 50


@require_GET
@staff_required
def outbox_list(request):
    form = OutboxFilterForm(
        request.GET or None,
        kinds=selectors.outbox_kinds(),
        related_types=selectors.outbox_related_types(),
    )
    if form.is_bound:
        form.is_valid()
    rows = selectors.outbox_list(**form.filters())
    page = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "notifications/outbox_list.html",
        {
            "form": form,
            "page": page,
            "status_counts": selectors.outbox_status_summary(),
        },
    )


@require_GET
@staff_required
def outbox_detail(request, pk: int):
    message = selectors.outbox_get(message_id=pk)
    if message is None:
        raise Http404
    return render(request, "notifications/outbox_detail.html", {"message": message})


@require_POST
@staff_required
def outbox_resend(request, pk: int):
    try:
        services.message_resend(message_id=pk, actor=request.user)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404
        messages.error(request, str(error))
    else:
        messages.success(request, _("Die Nachricht wird erneut gesendet."))
    return redirect("notifications:outbox_detail", pk=pk)
