"""URLs of the bench server: the project's, plus a bare Django page (one 20-row query, a small
template, no context processors) that the public pages are compared with in the same run."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from erfurt_srp.urls import urlpatterns as project_urlpatterns

_BARE = engines["django"].from_string(
    "<!doctype html><html lang='de'><title>Vergleichsseite</title><ul>"
    "{% for pk, created in rows %}<li>{{ pk }}: {{ created|date:'d.m.Y H:i' }}</li>{% endfor %}"
    "</ul></html>"
)


def bare(request):
    from beteiligung.models import Registration

    rows = list(Registration.objects.order_by("id").values_list("id", "created_at")[:20])
    return HttpResponse(_BARE.render({"rows": rows}))


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
