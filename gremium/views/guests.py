"""Staff pages for guest access: one page per meeting and per agenda item (list, grant, revoke,
history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erfurt_srp.core.errors import DomainError, add_domain_error_to_form

from ..forms.guests import GuestAccessForm
from ..models import GuestAccess, Meeting
from ..permissions import get_agenda_item_for_user, get_meeting_for_user
from ..selectors import guests as guest_selectors
from ..services import guests as guest_services


def _page(request, target, meeting):
    form = GuestAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        field = "meeting" if isinstance(target, Meeting) else "agenda_item"
        try:
            grant = guest_services.guest_access_grant(
                actor=request.user, **{field: target}, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            if grant.user_id:
                messages.success(
                    request, _("%(who)s hat jetzt Zugang.") % {"who": grant.holder_display}
                )
            else:
                messages.success(
                    request,
                    _(
                        "%(email)s hat noch kein Konto und wurde eingeladen; der Zugang gilt, "
                        "sobald das Konto angelegt ist."
                    )
                    % {"email": grant.email},
                )
            return redirect(request.path)
    return render(
        request,
        "gremium/guests/manage.html",
        {
            "target": target,
            "meeting": meeting,
            "is_item": target is not meeting,
            "form": form,
            "grants": guest_selectors.guest_accesses_for(target),
            "history": guest_selectors.guest_access_history_for(target),
        },
    )


@login_required
def meeting_guests(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return _page(request, meeting, meeting)


@login_required
def agenda_item_guests(request, pk):
    item = get_agenda_item_for_user(request.user, pk, write=True)
    return _page(request, item, item.meeting)


@login_required
@require_POST
def guest_access_revoke(request, pk):
    grant = get_object_or_404(
        GuestAccess.objects.select_related("meeting", "agenda_item__meeting"), pk=pk
    )
    if grant.meeting_id:
        get_meeting_for_user(request.user, grant.meeting_id, write=True)
        back = "gremium:meeting_guests", grant.meeting_id
    else:
        get_agenda_item_for_user(request.user, grant.agenda_item_id, write=True)
        back = "gremium:agenda_item_guests", grant.agenda_item_id
    guest_services.guest_access_revoke(actor=request.user, grant=grant)
    messages.success(
        request, _("Der Zugang von %(who)s ist widerrufen.") % {"who": grant.holder_display}
    )
    return redirect(*back)
