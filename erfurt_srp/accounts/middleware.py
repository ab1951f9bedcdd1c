from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a staff member without TOTP may still use: account and MFA pages, logout, language
# switch, static files, health check.
_SETUP_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/healthz", "/favicon")
# Paths that need no login at all and so are left alone for a session without its second factor.
_PUBLIC_PREFIXES = ("/static/", "/media/", "/healthz", "/favicon")


def session_passed_mfa(request) -> bool:
    """True if this session's login included a second factor (allauth records it per session)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


# Session key: the user (pk) whose account had no TOTP when this session was first checked.
# Saves the query on later requests; an account that adds TOTP in this session records the
# second factor anyway (signals.record_mfa_on_activation), and every new login starts over.
_NO_TOTP_SESSION_KEY = "accounts_mfa_no_totp_user"


def remember_totp_state(request, user) -> bool:
    """Whether the account has TOTP; without, the session remembers that (one query per login)."""
    from allauth.mfa.models import Authenticator

    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if not found:
        request.session[_NO_TOTP_SESSION_KEY] = str(user.pk)
    return found


def _has_totp(request) -> bool:
    if request.session.get(_NO_TOTP_SESSION_KEY) == str(request.user.pk):
        return False
    return remember_totp_state(request, request.user)


class MfaRequiredMiddleware:
    """The second factor for every login path.

    An account with TOTP counts as logged in only if this session passed the TOTP step: a session
    that got in any other way (a login view that skips allauth's MFA stage) is logged out and
    sent to the login page. In production (MFA_REQUIRED_FOR_STAFF) staff and admins without TOTP
    must set it up before they can use anything but the account pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or session_passed_mfa(request):
            return self.get_response(request)
        if _has_totp(request):
            if request.path.startswith(_PUBLIC_PREFIXES):
                return self.get_response(request)
            logout(request)
            messages.warning(
                request,
                _("Bitte melden Sie sich mit Ihrem zweiten Faktor (Authentifizierungs-App) an."),
            )
            return redirect(reverse("account_login") + "?next=" + request.path)
        required = settings.MFA_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser)
        if required and not request.path.startswith(_SETUP_PREFIXES):
            messages.warning(
                request,
                _(
                    "Für Konten der Geschäftsstelle und der Administration ist die "
                    "Zwei-Faktor-Anmeldung Pflicht. Bitte richten Sie sie jetzt ein."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
