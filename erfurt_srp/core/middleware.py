"""Request-wide middleware: the client address behind the proxy, the Permissions-Policy header."""

import ipaddress

from django.conf import settings


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
