import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from erfurt_srp.core.errors import DomainError, add_domain_error_to_form

from . import personal_data, services
from .forms import AccountDeleteForm, AccountSettingsForm, InvitationAcceptForm
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


@never_cache
@login_required
def account_settings(request):
    """The account's settings: the language of the e-mails the platform sends."""
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.account_settings_update(
                user=request.user, language=form.cleaned_data["language"]
            )
            messages.success(request, _("Ihre Einstellungen sind gespeichert."))
            return redirect("accounts:settings")
        return render(request, "account/settings.html", {"form": form}, status=400)
    return render(request, "account/settings.html", {"form": form})


@never_cache
@login_required
@require_GET
def my_data(request):
    """What the platform holds about the logged-in person, readable; with download and delete."""
    context = {
        "sections": personal_data.export_for(request.user),
        "can_delete": services.account_can_self_delete(request.user),
    }
    return render(request, "account/my_data.html", context)


@never_cache
@login_required
@require_GET
def my_data_download(request):
    payload = {
        "exported_at": timezone.now().isoformat(),
        "account": request.user.email,
        "sections": personal_data.export_for(request.user),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return response


@never_cache
@login_required
@sensitive_post_parameters("password")
def account_delete(request):
    can_delete = services.account_can_self_delete(request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and can_delete and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            logout(request)
            messages.success(request, _("Ihr Konto und Ihre Daten sind gelöscht."))
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    if not can_delete:
        status = 403 if request.method == "POST" else 200
    context = {"form": form, "can_delete": can_delete}
    return render(request, "account/delete.html", context, status=status)
