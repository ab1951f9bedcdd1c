"""Request-wide middleware: the client address behind the proxy, the Permissions-Policy header,
the refusal of NUL bytes and out-of-range numbers."""

import ipaddress

from django.conf import settings
from django.db import DataError
from django.shortcuts import render
from django.utils.translation import gettext as _

from .forms import contains_nul


def client_address_from(meta: dict) -> str:
    """The client's address for this request.

    Behind TRUSTED_PROXY_COUNT proxies, the N-th X-Forwarded-For entry from the right: the entry
    the nearest trusted proxy wrote from the peer it saw. Entries further left come from the
    client and are ignored. Without trusted proxies (or a header that cannot come from them)
    the TCP peer address stays.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = meta.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    entries = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < proxies:
        return remote
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the client address, so every rate limit sees the same address.

    django-ratelimit (key="ip") and allauth (ALLAUTH_TRUSTED_PROXY_COUNT = 0) both read
    REMOTE_ADDR; this middleware is the one place that interprets X-Forwarded-For. It must come
    first in MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address_from(request.META)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def _query_has_nul(request) -> bool:
    return any(contains_nul(key) or contains_nul(values) for key, values in request.GET.lists())


def _path_or_body_has_nul(request) -> bool:
    if contains_nul(request.path):
        return True
    if request.method != "POST":
        return False
    try:
        fields = list(request.POST.lists()) + list(request.FILES.lists())
    except Exception:  # an unreadable body is Django's to answer
        return False
    return any(contains_nul(key) or contains_nul(values) for key, values in fields)


def _out_of_range(exception) -> bool:
    from psycopg import errors

    return isinstance(exception, DataError) and isinstance(
        exception.__cause__, errors.NumericValueOutOfRange
    )


def bad_input_response(request, message):
    return render(request, "core/bad_input.html", {"message": message}, status=400)


class HostileInputMiddleware:
    """Refuses NUL bytes in the query string with a 400 page that says why.

    Submitted forms refuse them next to the field (erfurt_srp.core.forms.SafeInputMixin, the
    base of every form), and bound numbers by their columns; a personal link with a broken
    token in its path keeps its own "link not valid" page. Should a NUL byte from the path or
    the body, or a number beyond its column, reach the database anyway, the answer is the same
    kind of 400 page instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _query_has_nul(request):
            return bad_input_response(
                request,
                _(
                    "Die Adresse enthält ein unzulässiges Steuerzeichen (Nullzeichen). Bitte "
                    "prüfen Sie die Adresse oder Ihre Sucheingabe."
                ),
            )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (DataError, ValueError)) and _path_or_body_has_nul(request):
            return bad_input_response(
                request,
                _(
                    "Ihre Eingabe enthält ein unzulässiges Steuerzeichen (Nullzeichen). Bitte "
                    "gehen Sie zurück, entfernen Sie es und senden Sie das Formular noch einmal."
                ),
            )
        if _out_of_range(exception):
            return bad_input_response(
                request,
                _(
                    "Eine Zahl in Ihrer Eingabe ist zu groß oder zu klein. Bitte gehen Sie "
                    "zurück und korrigieren Sie sie."
                ),
            )
        return None
