"""OParl 1.1 read-only JSON API. Lists page by keyset (id > last id), so every page costs the
same however deep a client pages."""

import json

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from . import serializers

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def _json(data, status=200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, message: str) -> HttpResponse:
    return _json({"error": message, "status": status}, status=status)


def _not_found() -> HttpResponse:
    return _error(404, "Objekt nicht gefunden oder nicht öffentlich.")


def _page(request, queryset, render, list_url: str, attach=None):
    """One page of a list: {"data", "pagination", "links"} with links.next while more exist."""
    try:
        after = int(request.GET.get("after", 0))
        limit = int(request.GET.get("limit", PAGE_SIZE))
    except ValueError:
        return _error(400, "after und limit müssen ganze Zahlen sein.")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    try:
        queryset = _time_filters(request, queryset)
    except ValueError:
        return _error(
            400, "Zeitfilter im Format ISO 8601 angeben, z. B. 2022-10-20T00:00:00+02:00."
        )
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if attach is not None:
        rows = attach(rows)
    links = {"first": list_url + (f"?limit={limit}" if limit != PAGE_SIZE else "")}
    if more:
        links["next"] = f"{list_url}?after={rows[-1].pk}" + (
            f"&limit={limit}" if limit != PAGE_SIZE else ""
        )
    return _json(
        {
            "data": [render(row) for row in rows],
            "pagination": {"elementsPerPage": limit},
            "links": links,
        }
    )


TIME_FILTERS = {
    "created_since": ("created_at", "gte"),
    "created_until": ("created_at", "lte"),
    "modified_since": ("modified_at", "gte"),
    "modified_until": ("modified_at", "lte"),
}


def _time_filters(request, queryset):
    """OParl's created_since/-until and modified_since/-until, where the objects keep times."""
    fields = {f.name for f in queryset.model._meta.get_fields()}
    for parameter, (field, lookup) in TIME_FILTERS.items():
        raw = request.GET.get(parameter)
        if not raw:
            continue
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            raise ValueError(raw)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        if field in fields:
            queryset = queryset.filter(**{f"{field}__{lookup}": value})
    return queryset


def _detail(queryset, pk, render, attach=None):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        return _not_found()
    if attach is not None:
        attach([obj])
    return _json(render(obj))


def _check_body(pk) -> bool:
    return int(pk) == serializers.BODY_ID


@require_GET
def system(request):
    return _json(serializers.Renderer(request).system())


@require_GET
def body_list(request):
    r = serializers.Renderer(request)
    return _json(
        {
            "data": [r.body()],
            "pagination": {"elementsPerPage": 1},
            "links": {"first": r.url("body_list")},
        }
    )


@require_GET
def body(request, pk):
    if not _check_body(pk):
        return _not_found()
    return _json(serializers.Renderer(request).body())


LISTS = {
    # name: (queryset factory, renderer method)
    "organization": (serializers.organizations_for_render, "organization"),
    "person": (serializers.persons_for_render, "person"),
    "meeting": (serializers.meetings_for_render, "meeting"),
    "paper": (serializers.papers_for_render, "paper"),
    "agendaitem": (serializers.agenda_items_for_render, "agenda_item"),
    "consultation": (serializers.consultations_for_render, "consultation"),
    "file": (serializers.files_for_render, "file"),
    "location": (serializers.public_locations, "location"),
    "membership": (serializers.public_memberships, "membership"),
}


# What a list's objects need besides the queryset (grouped in Python, constant queries per page).
ATTACH = {"paper": serializers.papers_attach}


def body_list_view(kind: str):
    factory, method = LISTS[kind]

    @require_GET
    def view(request, pk):
        if not _check_body(pk):
            return _not_found()
        r = serializers.Renderer(request)
        return _page(
            request,
            factory(),
            getattr(r, method),
            r.url(f"body_{kind}", pk=pk),
            attach=ATTACH.get(kind),
        )

    view.__name__ = f"body_{kind}"
    return view


def detail_view(kind: str):
    factory, method = LISTS[kind]

    @require_GET
    def view(request, pk):
        r = serializers.Renderer(request)
        return _detail(factory(), pk, getattr(r, method), attach=ATTACH.get(kind))

    view.__name__ = kind
    return view


@require_GET
def organization_meeting(request, pk):
    if not serializers.public_committees().filter(pk=pk).exists():
        return _not_found()
    r = serializers.Renderer(request)
    qs = serializers.meetings_for_render(serializers.public_meetings().filter(committee_id=pk))
    return _page(request, qs, r.meeting, r.url("organization_meeting", pk=pk))


@require_GET
def file_download(request, pk):
    file = serializers.public_files().filter(pk=pk).first()
    if file is None or not file.file:
        return _not_found()
    return FileResponse(
        file.file.open("rb"),
        as_attachment=False,
        filename=file.file_name,
        content_type=file.mime_type,
    )
