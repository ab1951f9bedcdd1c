from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a staff member without TOTP may still use: account and MFA pages, logout, language
# switch, static files, health check.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/healthz", "/favicon")


class MfaRequiredMiddleware:
    """In production (MFA_REQUIRED_FOR_STAFF) staff and admins must activate TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_set_up(request):
            if not request.path.startswith(_ALLOWED_PREFIXES):
                messages.warning(
                    request,
                    _(
                        "Für Konten der Geschäftsstelle und der Administration ist die "
                        "Zwei-Faktor-Anmeldung Pflicht. Bitte richten Sie sie jetzt ein."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not (user.is_staff or user.is_superuser):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
