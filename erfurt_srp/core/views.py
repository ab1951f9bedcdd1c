import logging
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import legal, registry

logger = logging.getLogger(__name__)


def home(request):
    sections = []
    for section in registry.home_sections:
        html = section.render(request)
        if html:
            sections.append(mark_safe(html))  # noqa: S308  sections render through templates
    return render(request, "core/home.html", {"sections": sections})


def privacy(request, version=legal.PRIVACY_NOTICE_VERSION):
    template = legal.privacy_template(version)
    if template is None:
        raise Http404
    context = {
        "template": template,
        "version": version,
        "versions": legal.PRIVACY_NOTICE_VERSIONS,
        "is_current": version == legal.PRIVACY_NOTICE_VERSION,
        "facts": legal.retention_facts(),
    }
    return render(request, "core/privacy.html", context)


def impressum(request):
    context = {
        "contact_email": settings.LEGAL_CONTACT_EMAIL,
        "contact_phone": settings.LEGAL_CONTACT_PHONE,
    }
    return render(request, "legal/impressum.html", context)


def accessibility(request):
    context = {
        "contact_email": settings.LEGAL_CONTACT_EMAIL,
        "statement_date": date.fromisoformat(legal.ACCESSIBILITY_STATEMENT_DATE),
    }
    return render(request, "legal/barrierefreiheit.html", context)


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
