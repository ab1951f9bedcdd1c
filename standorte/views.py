import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core import versioned_cache
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate

from . import exports, permissions, selectors, services
from .forms import (
    AgendaPlacementForm,
    DecisionForm,
    DeliberationStartForm,
    ExportForm,
    ProjectForm,
    SiteProposalForm,
    VoteOpenForm,
)
from .models import (
    Deliberation,
    ExportJob,
    NeighbourhoodProject,
    Recommendation,
    vote_counts_text,
)

CHART_WIDTH = 400


def _chart(items):
    """Bars for the server-rendered SVG chart: (label, value, width in px)."""
    values = [abs(v) for _label, v in items if v is not None]
    top = max(values) if values else 0
    bars = []
    for label, value in items:
        width = int(CHART_WIDTH * abs(value) / top) if value is not None and top else 0
        bars.append({"label": label, "value": value, "width": width})
    return bars


# The data version keeps cached rankings fresh; the hour bounds how long a rendering made by
# older code (a deploy that changed the view or selectors but no template) can be served.
RANKING_CACHE_SECONDS = 60 * 60
RANKING_TEMPLATES = (
    "standorte/_area_ranking.html",
    "standorte/_chart.html",
    "standorte/_demo_notice.html",
    "standorte/_indicator_sources.html",
    "standorte/_map.html",
)


@functools.cache
def _templates_hash() -> str:
    sources = "".join(get_template(name).template.source for name in RANKING_TEMPLATES)
    return hashlib.sha1(sources.encode(), usedforsecurity=False).hexdigest()[:10]


def _ranking_templates_version() -> str:
    """A hash of the fragment's templates: a deploy that changes them never serves old markup
    (computed once per process; in development on every request, as templates change live)."""
    return _templates_hash.__wrapped__() if settings.DEBUG else _templates_hash()


def area_list(request):
    """The ranking, chart and map of the social areas.

    Everything below the sub-navigation is rendered once per data version (services.
    area_data_changed), year, language and audience (staff also see non-public areas) and then
    served from the cache instead of 5 queries and the rendering of every row.
    """
    try:
        year = int(request.GET.get("jahr", ""))
    except ValueError:
        year = None
    can_manage = permissions.can_manage(request.user)
    # A year without data shows the latest: it is rendered but not stored, so only the years
    # that have data (and the default) get a cache key.
    has_map, ranking_html, _shown_year = versioned_cache.get_or_set(
        services.AREA_DATA_CACHE,
        ("area_ranking", _ranking_templates_version(), get_language(), can_manage, year),
        lambda: _area_ranking_fragment(request.user, year=year, can_manage=can_manage),
        timeout=RANKING_CACHE_SECONDS,
        keep=lambda value: year is None or value[2] == year,
    )
    return render(
        request,
        "standorte/area_list.html",
        {"has_map": has_map, "ranking_html": mark_safe(ranking_html), "can_manage": can_manage},
    )


def _map_context(dmap, *, map_id: str, table: bool) -> dict | None:
    """What _map.html needs: the map, its JSON data island (features, sources, the configured
    tile layer if any) and whether the table of values is shown beside it."""
    if not dmap.features["features"]:
        return None
    tiles = None
    if settings.STANDORTE_MAP_TILE_URL:
        tiles = {
            "url": settings.STANDORTE_MAP_TILE_URL,
            "attribution": settings.STANDORTE_MAP_TILE_ATTRIBUTION,
        }
    return {
        "map": dmap,
        "data": {"features": dmap.features, "attribution": dmap.sources, "tiles": tiles},
        "data_id": f"{map_id}-data",
        "table": table,
    }


def _area_ranking_fragment(user, *, year, can_manage) -> tuple[bool, str, int | None]:
    """Render ranking table, chart and map (no request-specific markup: it is cached); with
    the year shown."""
    ranking = selectors.area_ranking(user=user, year=year)
    map_context = None
    if ranking.has_shapes:
        dmap = selectors.district_map(
            user=user,
            indicator=ranking.index_indicator,
            year=ranking.year,
            indicators=ranking.indicators,
        )
        map_context = _map_context(dmap, map_id="map-all", table=False)
    chart = _chart([(f"{a.area.name}", a.index) for a in ranking.areas if a.index is not None])
    html = render_to_string(
        "standorte/_area_ranking.html",
        {
            "ranking": ranking,
            "chart": chart,
            "chart_height": 24 * len(chart) + 10,
            "map": map_context,
            "can_manage": can_manage,
        },
    )
    return bool(map_context), html, ranking.year


def area_detail(request, pk):
    area = selectors.social_area_get(user=request.user, pk=pk)
    detail = selectors.area_detail(area=area)
    map_context = None
    if detail["has_shapes"]:
        year = detail["trend"][-1]["year"] if detail["trend"] else None
        dmap = selectors.district_map(
            user=request.user, year=year, social_area=area, indicators=detail["indicators"]
        )
        map_context = _map_context(dmap, map_id="map-area", table=False)
    chart = _chart([(str(row["year"]), row["mean"]) for row in detail["trend"]])
    return render(
        request,
        "standorte/area_detail.html",
        {
            "area": area,
            **detail,
            "chart": chart,
            "chart_height": 24 * len(chart) + 10,
            "map": map_context,
        },
    )


def district_map(request):
    """All Ortsteile with a shape, coloured by the chosen indicator and year, with a legend and
    the same values as a table."""
    indicators = selectors.indicator_list()
    by_key = {i.key: i for i in indicators}
    indicator = by_key.get(request.GET.get("indikator", ""))
    try:
        year = int(request.GET.get("jahr", ""))
    except ValueError:
        year = None
    dmap = selectors.district_map(
        user=request.user, indicator=indicator, year=year, indicators=indicators
    )
    return render(
        request,
        "standorte/district_map.html",
        {
            "map": _map_context(dmap, map_id="map-districts", table=True),
            "dmap": dmap,
            "indicators": indicators,
            "years": selectors.available_years(),
            "can_manage": permissions.can_manage(request.user),
        },
    )


def project_list(request):
    projects = selectors.projects_for_user(user=request.user)
    return render(
        request,
        "standorte/project_list.html",
        {"projects": projects, "can_manage": permissions.can_manage(request.user)},
    )


def _project_for_user(user, slug) -> NeighbourhoodProject:
    project = get_object_or_404(NeighbourhoodProject.objects.select_related("committee"), slug=slug)
    if not permissions.can_see_project(user, project):
        raise Http404
    return project


def project_detail(request, slug):
    project = _project_for_user(request.user, slug)
    data = selectors.project_proposals_with_indicators(project=project)
    can_deliberate = permissions.can_deliberate(request.user, project)
    deliberations = list(project.deliberations.all()) if can_deliberate else []
    recommendations = [
        r
        for r in project.recommendations.select_related("site__district", "project")
        if permissions.can_see_recommendation(request.user, r)
    ]
    return render(
        request,
        "standorte/project_detail.html",
        {
            "project": project,
            "partners": list(project.partners.all()),
            **data,
            "can_manage": permissions.can_manage(request.user),
            "can_propose": can_deliberate,
            "can_deliberate": can_deliberate,
            "deliberations": deliberations,
            "recommendations": recommendations,
            "start_form": DeliberationStartForm(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def project_edit(request, slug=None):
    project = get_object_or_404(NeighbourhoodProject, slug=slug) if slug else None
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.project_save(
                actor=request.user,
                project=form.save(commit=False),
                partners=form.cleaned_data["partners"],
            )
        except DomainError as exc:
            add_domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Das Projekt wurde gespeichert."))
            return redirect(saved.get_absolute_url())
    return render(request, "standorte/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request, slug):
    project = _project_for_user(request.user, slug)
    if not permissions.can_deliberate(request.user, project):
        raise PermissionDenied
    form = SiteProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_proposal_create(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Der Standortvorschlag wurde gespeichert."))
            return redirect(project.get_absolute_url())
    return render(request, "standorte/proposal_form.html", {"form": form, "project": project})


def proposal_compare(request, slug):
    project = _project_for_user(request.user, slug)
    try:
        ids = [int(i) for i in request.GET.getlist("v")]
    except ValueError:
        ids = []
    data = selectors.proposals_for_compare(project=project, ids=ids)
    rows = []
    for position, indicator in enumerate(data["indicators"]):
        rows.append(
            {
                "indicator": indicator,
                "cells": [
                    (item["district_values"][position], item["area_values"][position])
                    for item in data["items"]
                ],
            }
        )
    return render(
        request,
        "standorte/proposal_compare.html",
        {"project": project, **data, "rows": rows, "selected": ids},
    )


RECOMMENDATIONS_PER_PAGE = 50


def recommendation_list(request):
    page = paginate(
        request, selectors.recommendation_rows_for_user(user=request.user), RECOMMENDATIONS_PER_PAGE
    )
    # Labels, links and dates once per page instead of a reverse(), a choices lookup and two
    # date filters per row. Detail URLs are "<list URL><pk>/" (urls.py).
    labels = {value: str(label) for value, label in Recommendation.Decision.choices}
    base = reverse("standorte:recommendation_list")
    # Paper URLs are "<paper URL with id 0>" with the id swapped in, for the same reason.
    paper_base = reverse("gremium:paper_detail", args=[0]).removesuffix("0/")
    rows = [
        {
            **row,
            "url": f"{base}{row['pk']}/",
            "paper_url": f"{paper_base}{row['paper_id']}/" if row["paper_id"] else "",
            "date": date_format(row["recommended_on"], "SHORT_DATE_FORMAT"),
            "decision_label": labels.get(row["decision"], row["decision"]),
            "decision_day": date_format(row["decision_date"], "SHORT_DATE_FORMAT")
            if row["decision_date"]
            else "",
            "vote_result": vote_counts_text(
                row["votes_yes"], row["votes_no"], row["votes_abstain"], row["vote_detail"]
            ),
            "site": row["site_name"] or row["site_address"],
        }
        for row in page.object_list
    ]
    return render(
        request,
        "standorte/recommendation_list.html",
        {
            "recommendations": rows,
            "page": page,
            "can_manage": permissions.can_manage(request.user),
        },
    )


def _recommendation_for_user(user, pk) -> Recommendation:
    recommendation = get_object_or_404(
        Recommendation.objects.select_related(
            "project__committee", "site__district__social_area", "paper", "deliberation"
        ),
        pk=pk,
    )
    if not permissions.can_see_recommendation(user, recommendation):
        raise Http404
    return recommendation


@require_http_methods(["GET", "POST"])
def recommendation_detail(request, pk):
    recommendation = _recommendation_for_user(request.user, pk)
    can_manage = permissions.can_manage(request.user)
    form = None
    if can_manage:
        form = DecisionForm(request.POST or None, initial=_decision_initial(recommendation))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.recommendation_record_decision(
                    actor=request.user,
                    recommendation=recommendation,
                    decision=form.cleaned_data["decision"],
                    decision_date=form.cleaned_data["decision_date"],
                    note=form.cleaned_data["decision_note"],
                )
            except DomainError as exc:
                add_domain_error_to_form(form, exc)
            else:
                messages.success(request, _("Die Entscheidung des Ausschusses wurde gespeichert."))
                return redirect(recommendation.get_absolute_url())
    return _recommendation_page(request, recommendation, form=form, can_manage=can_manage)


@login_required
@require_POST
def recommendation_place_on_agenda(request, pk):
    """Staff put the recommendation's Drucksache on a meeting of a body of its Beratungsfolge."""
    recommendation = _recommendation_for_user(request.user, pk)
    permissions.require_manage(request.user)
    placement = AgendaPlacementForm(request.POST, recommendation=recommendation, prefix="agenda")
    if placement.is_valid():
        try:
            item = services.recommendation_place_on_agenda(
                actor=request.user,
                recommendation=recommendation,
                meeting=placement.cleaned_data["meeting"],
            )
        except DomainError as exc:
            add_domain_error_to_form(placement, exc)
        else:
            messages.success(
                request,
                _("Die Drucksache steht jetzt als TOP %(n)s auf der Sitzung „%(meeting)s“.")
                % {"n": item.number, "meeting": item.meeting.title},
            )
            return redirect(recommendation.get_absolute_url())
    decision = DecisionForm(initial=_decision_initial(recommendation))
    return _recommendation_page(
        request, recommendation, form=decision, can_manage=True, placement=placement, status=400
    )


def _decision_initial(recommendation) -> dict:
    """The recorded decision; before one, the date of the Ausschuss meeting it is on."""
    if recommendation.decision == Recommendation.Decision.PENDING:
        step = services.deciding_consultation(recommendation)
        if step is not None and step.meeting_id:
            return {"decision_date": timezone.localdate(step.meeting.start)}
        return {}
    return {
        "decision": recommendation.decision,
        "decision_date": recommendation.decision_date,
        "decision_note": recommendation.decision_note,
    }


def _recommendation_page(request, recommendation, *, form, can_manage, placement=None, status=200):
    if can_manage and placement is None and recommendation.paper_id:
        placement = AgendaPlacementForm(recommendation=recommendation, prefix="agenda")
    consultations = []
    if recommendation.paper_id:
        consultations = [
            {"consultation": c, "date": exports.consultation_date(c)}
            for c in recommendation.paper.consultations.select_related(
                "committee", "meeting", "agenda_item__meeting__committee"
            )
        ]
    return render(
        request,
        "standorte/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "form": form,
            "can_manage": can_manage,
            "consultations": consultations,
            "vote": exports.vote_summary(recommendation),
            "statements": exports.statements_summary(recommendation),
            "placement": placement,
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def export_page(request):
    initial = {}
    if request.GET.get("empfehlung"):
        initial["recommendation"] = request.GET["empfehlung"]
    form = ExportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.export_job_request(
                actor=request.user,
                export_format=data["format"],
                recommendation=data["recommendation"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        except DomainError as exc:
            add_domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Der Export wird erstellt. Diese Seite zeigt, wann er fertig ist."),
            )
            return redirect(job.get_absolute_url())
    services.export_jobs_expire_stale()
    jobs = ExportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:20]
    return render(request, "standorte/export.html", {"form": form, "jobs": jobs})


def _job_for_user(user, pk) -> ExportJob:
    permissions.require_manage(user)
    services.export_jobs_expire_stale()
    job = get_object_or_404(ExportJob, pk=pk)
    if job.requested_by_id != user.pk and not user.is_superuser:
        raise Http404
    return job


@login_required
def export_detail(request, pk):
    job = _job_for_user(request.user, pk)
    template = "standorte/_export_status.html" if request.htmx else "standorte/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = _job_for_user(request.user, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.mimetype
    )


@login_required
@require_POST
def export_retry(request, pk):
    job = _job_for_user(request.user, pk)
    try:
        new_job = services.export_job_request(
            actor=request.user,
            export_format=job.format,
            recommendation=job.recommendation,
            date_from=job.date_from,
            date_to=job.date_to,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("standorte:export")
    return redirect(new_job.get_absolute_url())


@staff_required
@require_POST
def deliberation_start(request, slug):
    project = get_object_or_404(NeighbourhoodProject, slug=slug)
    form = DeliberationStartForm(request.POST)
    if form.is_valid():
        try:
            deliberation = services.deliberation_start(
                actor=request.user,
                project=project,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Die Beratung ist eröffnet; alle Institutionen wurden um ihre Stellungnahme gebeten."
                ),
            )
            return redirect(deliberation.get_absolute_url())
    else:
        messages.error(
            request, _("Bitte die Eingaben prüfen: %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect(project.get_absolute_url())


def _deliberation_for_user(user, pk) -> Deliberation:
    deliberation = get_object_or_404(
        Deliberation.objects.select_related(
            "project__committee", "statement_round", "vote", "recommendation"
        ),
        pk=pk,
    )
    if not permissions.can_see_deliberation(user, deliberation):
        raise Http404
    return deliberation


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_detail(request, pk):
    from gremium.selectors import statements as statement_selectors
    from gremium.selectors import votes as vote_selectors

    deliberation = _deliberation_for_user(request.user, pk)
    can_manage = permissions.can_manage(request.user)
    vote_form = VoteOpenForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "recommend":
        permissions.require_manage(request.user)
        if deliberation.vote_id and not deliberation.vote.is_open:
            try:
                created = services.recommendation_create_from_vote(
                    deliberation=deliberation, vote=deliberation.vote, actor=request.user
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                if created:
                    messages.success(request, _("Die Empfehlung wurde erstellt."))
                else:
                    messages.error(request, _("Die Abstimmung hat keine Mehrheit ergeben."))
        return redirect(deliberation.get_absolute_url())
    if request.method == "POST":
        permissions.require_manage(request.user)
        if vote_form.is_valid():
            try:
                services.deliberation_open_vote(
                    actor=request.user,
                    deliberation=deliberation,
                    deadline=vote_form.cleaned_data["deadline"],
                    secret=vote_form.cleaned_data["secret"],
                )
            except DomainError as exc:
                add_domain_error_to_form(vote_form, exc)
            else:
                messages.success(request, _("Die Abstimmung ist eröffnet."))
                return redirect(deliberation.get_absolute_url())
    completeness = []
    if deliberation.statement_round_id:
        completeness = statement_selectors.statement_completeness(deliberation.statement_round)
    result = vote_selectors.vote_result(deliberation.vote) if deliberation.vote_id else None
    data = selectors.project_proposals_with_indicators(project=deliberation.project)
    recommendation = getattr(deliberation, "recommendation", None)
    return render(
        request,
        "standorte/deliberation_detail.html",
        {
            "deliberation": deliberation,
            "project": deliberation.project,
            "completeness": completeness,
            "missing": [row for row in completeness if row.statement is None],
            "result": result,
            "vote_form": vote_form,
            "can_manage": can_manage,
            "recommendation": recommendation,
            **data,
        },
    )


def indicator_csv(request):
    """All visible indicator values as CSV in the import format; demo values say so, and every
    row names the source and licence of its indicators (columns an import reads past)."""
    from erfurt_srp.exports.csv import csv_bytes

    indicators, rows = selectors.indicator_table_rows(user=request.user)
    indicator_credits = "; ".join(f"{i.name}: {i.credit}" for i in indicators if i.credit)

    def number(value):
        return "" if value is None else str(value).replace(".", ",")

    content = csv_bytes(
        [
            "ortsteil_nr",
            "ortsteil",
            "jahr",
            *[i.key for i in indicators],
            "sozialraum",
            "hinweis",
            "quellen",
        ],
        (
            [
                row["district"].number,
                row["district"].name,
                row["year"],
                *[number(v) for v in row["values"]],
                row["area"],
                _("Demo-Werte") if row["demo"] else "",
                indicator_credits,
            ]
            for row in rows
        ),
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sozialindex-ortsteile.csv"'
    return response
