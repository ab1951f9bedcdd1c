from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from erfurt_srp.core.errors import DomainError, add_domain_error_to_form

from . import services
from .forms import InvitationAcceptForm
from .invitations import get_purpose
from .models import Invitation, User

_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _invalid(request, reason: str, status: int):
    return render(request, "account/invitation_invalid.html", {"reason": reason}, status=status)


def _landing(invitation: Invitation) -> str:
    purpose = get_purpose(invitation.purpose)
    if purpose and purpose.landing_url:
        return purpose.landing_url(invitation)
    return reverse("dashboard")


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token: str):
    """The invitation link: set name and password (or confirm, if the account exists)."""
    invitation = services.invitation_get_by_token(token)
    if invitation is None:
        return _invalid(request, "broken", 404)
    if invitation.status == Invitation.Status.USED:
        return _invalid(request, "used", 410)
    if invitation.status == Invitation.Status.EXPIRED:
        return _invalid(request, "expired", 410)
    purpose = get_purpose(invitation.purpose)
    if purpose is None:
        return _invalid(request, "broken", 404)
    context = {"invitation": invitation, "description": purpose.describe(invitation)}

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                try:
                    services.invitation_accept_existing_user(
                        invitation_id=invitation.pk, user=request.user
                    )
                except DomainError as error:
                    messages.error(request, error.message)
                    return _invalid(request, error.code or "broken", 410)
                messages.success(request, _("Einladung angenommen. Willkommen!"))
                return redirect(_landing(invitation))
            return render(request, "account/invitation_confirm.html", context)
        login_url = reverse("account_login") + "?next=" + request.path
        return render(request, "account/invitation_login.html", {**context, "login_url": login_url})

    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_new_user(
                invitation_id=invitation.pk,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            if error.code in ("used", "expired", "broken"):
                return _invalid(request, error.code, 410)
            add_domain_error_to_form(form, error)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(
                request, _("Ihr Konto ist eingerichtet. Willkommen bei der Sozialraumplanung!")
            )
            return redirect(_landing(invitation))
    return render(request, "account/invitation_accept.html", {**context, "form": form})
