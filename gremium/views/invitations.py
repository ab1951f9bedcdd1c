"""Staff pages: invite committee members by e-mail, list invitations, send again."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.accounts.models import Invitation
from erfurt_srp.accounts.services import invitation_resend
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate

from ..forms.invitations import MembershipInvitationForm
from ..models import Committee, Institution, Membership
from ..services.invitations import PURPOSE, membership_invitation_create


@staff_required
def invitation_create(request):
    form = MembershipInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = membership_invitation_create(
                email=form.cleaned_data["email"],
                committee=form.cleaned_data["committee"],
                institution=form.cleaned_data["institution"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s wird versendet.") % {"email": invitation.email},
            )
            return redirect("gremium:invitation_list")
    return render(request, "gremium/invitations/create.html", {"form": form})


def _rows(invitations):
    committees = {c.pk: c for c in Committee.objects.all()}
    institutions = {i.pk: i for i in Institution.objects.all()}
    rows = []
    for invitation in invitations:
        payload = invitation.payload or {}
        role = payload.get("role")
        rows.append(
            {
                "invitation": invitation,
                "committee": committees.get(payload.get("committee")),
                "institution": institutions.get(payload.get("institution")),
                "role": Membership.Role(role).label if role in Membership.Role.values else "",
                "status": invitation.status,
            }
        )
    return rows


@staff_required
def invitation_list(request):
    status = request.GET.get("status", "")
    queryset = Invitation.objects.filter(purpose=PURPOSE).select_related("invited_by", "user")
    now = timezone.now()
    if status == Invitation.Status.USED:
        queryset = queryset.filter(used_at__isnull=False)
    elif status == Invitation.Status.OPEN:
        queryset = queryset.filter(used_at__isnull=True, expires_at__gt=now)
    elif status == Invitation.Status.EXPIRED:
        queryset = queryset.filter(used_at__isnull=True, expires_at__lte=now)
    page = paginate(request, queryset, 50)
    rows = _rows(page.object_list)
    return render(
        request,
        "gremium/invitations/list.html",
        {"rows": rows, "page": page, "status": status, "statuses": Invitation.Status.choices},
    )


@staff_required
@require_POST
def invitation_resend_view(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk, purpose=PURPOSE)
    try:
        invitation = invitation_resend(invitation_id=invitation.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s wird erneut versendet; der alte Link gilt nicht mehr.")
            % {"email": invitation.email},
        )
    return redirect("gremium:invitation_list")
