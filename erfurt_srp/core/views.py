import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import registry

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "core/home.html")


def privacy(request):
    return render(request, "core/privacy.html")


@login_required
def dashboard(request):
    panels = []
    for panel in registry.dashboard_panels:
        html = panel.render(request)
        if html:
            panels.append(mark_safe(html))  # noqa: S308  panels render through templates
    return render(request, "core/dashboard.html", {"panels": panels})


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # any failure means the database is not usable
        logger.warning("healthz: database check failed: %s", exc)
        return "down"


def _broker_state() -> str:
    from django.conf import settings

    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
        return "ok"
    except Exception as exc:  # any failure means the broker is not usable
        logger.warning("healthz: broker check failed: %s", exc)
        return "down"


@never_cache
@require_GET
def healthz(request):
    database = _database_state()
    broker = _broker_state()
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
