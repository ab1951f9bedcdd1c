"""Writes of standorte. Keyword-only, one transaction each, lock before check."""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.core import versioned_cache
from erfurt_srp.core.errors import DomainError
from erfurt_srp.core.texts import stored_language

from .models import (
    Deliberation,
    District,
    ExportJob,
    Indicator,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
)

logger = logging.getLogger(__name__)


# The versioned cache namespace of renderings of the area data (views.area_list).
AREA_DATA_CACHE = "standorte.area_data"


def area_data_changed(**_signal_kwargs) -> None:
    """Make cached renderings of the area data stale once the writing transaction commits.

    Called by every write to social areas, Ortsteile, indicators and values: the services below
    (bulk writes send no signals) and, for single saves and deletes (admin, factories), the model
    signals connected in apps.py.
    """
    versioned_cache.bump(AREA_DATA_CACHE)


DEFAULT_INDICATORS = [
    ("sozialindex", "Sozialindex", "", True, 0),
    ("sgb_ii_quote", "SGB-II-Quote", "%", False, 10),
    ("kinderarmut", "Kinderarmut (Kinder unter 15 Jahren mit SGB-II-Bezug)", "%", False, 20),
    ("arbeitslosenquote", "Arbeitslosenquote", "%", False, 30),
    ("anteil_aeltere", "Anteil Ältere (65 Jahre und älter)", "%", False, 40),
]


def indicators_ensure_defaults() -> None:
    """Create the Sozialstrukturatlas indicators if missing (migration 0002 does it too; a
    flushed test database or a hand-cleared table gets them back)."""
    for key, name, unit, is_index, order in DEFAULT_INDICATORS:
        Indicator.objects.get_or_create(
            key=key, defaults={"name": name, "unit": unit, "is_index": is_index, "order": order}
        )


def indicator_save(*, actor, indicator: Indicator) -> Indicator:
    """Create or change an indicator (staff). Making it the Sozialindex takes that role from
    the indicator that had it, in the same transaction."""
    with transaction.atomic():
        if indicator.is_index:
            Indicator.objects.select_for_update().filter(is_index=True).exclude(
                pk=indicator.pk
            ).update(is_index=False)
        indicator.full_clean()
        indicator.save()
        area_data_changed()
    return indicator


def site_proposal_create(
    *,
    actor,
    project: NeighbourhoodProject,
    district: District,
    name: str,
    address: str,
    rationale: str,
    proposer: str,
    proposer_institution=None,
    note: str = "",
) -> SiteProposal:
    with transaction.atomic():
        NeighbourhoodProject.objects.select_for_update().get(pk=project.pk)
        if SiteProposal.objects.filter(project=project, address__iexact=address.strip()).exists():
            raise DomainError(
                _("Für diese Adresse gibt es in diesem Projekt schon einen Vorschlag."),
                field="address",
            )
        if project.deliberations.filter(state__in=["voting", "carried"]).exists():
            raise DomainError(
                _(
                    "Die Abstimmung über die Standorte hat begonnen; neue Vorschläge sind nicht mehr möglich."
                )
            )
        proposal = SiteProposal(
            project=project,
            district=district,
            name=name.strip(),
            address=address.strip(),
            rationale=rationale,
            proposer=proposer.strip(),
            proposer_institution=proposer_institution,
            note=note,
            created_by=actor,
        )
        proposal.full_clean()
        proposal.save()
    return proposal


def project_save(*, actor, project: NeighbourhoodProject, partners=None) -> NeighbourhoodProject:
    """Create or update a project (the form already holds the cleaned fields)."""
    with transaction.atomic():
        project.full_clean()
        project.save()
        if partners is not None:
            project.partners.set(partners)
    return project


def recommendation_record_decision(
    *,
    actor,
    recommendation: Recommendation,
    decision: str,
    decision_date: date,
    note: str = "",
) -> Recommendation:
    """Record what the Ausschuss decided on a recommendation (agreed, changed, rejected)."""
    if decision not in {
        Recommendation.Decision.AGREED,
        Recommendation.Decision.CHANGED,
        Recommendation.Decision.REJECTED,
    }:
        raise DomainError(_("Bitte eine Entscheidung wählen."), field="decision")
    if decision_date is None:
        raise DomainError(_("Bitte das Datum der Entscheidung angeben."), field="decision_date")
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if decision_date < locked.recommended_on:
            raise DomainError(
                _("Der Ausschuss kann nicht vor der Empfehlung (%(date)s) entschieden haben.")
                % {"date": date_format(locked.recommended_on, "SHORT_DATE_FORMAT")},
                field="decision_date",
            )
        if decision == Recommendation.Decision.CHANGED and not note.strip():
            raise DomainError(
                _("Bitte beschreiben, was der Ausschuss geändert hat."), field="decision_note"
            )
        locked.decision = decision
        locked.decision_date = decision_date
        locked.decision_note = note
        locked.decision_recorded_by = actor
        locked._history_user = actor
        locked.save(
            update_fields=[
                "decision",
                "decision_date",
                "decision_note",
                "decision_recorded_by",
                "modified_at",
            ]
        )
        _ausschuss_consultation_record(locked, actor=actor, decision_date=decision_date)
    return locked


def deciding_consultation(recommendation: Recommendation):
    """The step of the paper's Beratungsfolge that decides (the Ausschuss), or None."""
    from gremium.models import Consultation

    if not recommendation.paper_id:
        return None
    return (
        Consultation.objects.filter(paper_id=recommendation.paper_id)
        .filter(authoritative=True, role=Consultation.Role.DECISION)
        .select_related("meeting", "agenda_item__meeting", "committee")
        .order_by("-position", "-pk")
        .first()
    )


def _ausschuss_consultation_record(recommendation: Recommendation, *, actor, decision_date):
    """Date the deciding step of the paper's Beratungsfolge (the Ausschuss) with the decision
    and, when it is on an agenda, write the decision to that agenda item."""
    from gremium.services import papers as paper_services

    consultation = deciding_consultation(recommendation)
    if consultation is None:
        return
    if consultation.meeting_id:
        meeting_day = timezone.localdate(consultation.meeting.start)
        if decision_date != meeting_day:
            raise DomainError(
                _(
                    "Die Drucksache steht auf der Tagesordnung der Sitzung am %(date)s; "
                    "entschieden wurde an diesem Tag."
                )
                % {"date": meeting_day.strftime("%d.%m.%Y")},
                field="decision_date",
            )
    paper_services.consultation_update(consultation=consultation, actor=actor, date=decision_date)
    if consultation.agenda_item_id:
        paper_services.agenda_item_record_result(
            actor=actor,
            item=consultation.agenda_item,
            result=str(recommendation.get_decision_display()),
            resolution_text=recommendation.decision_note,
        )


def recommendation_place_on_agenda(*, actor, recommendation: Recommendation, meeting):
    """Put the recommendation's Drucksache on the agenda of a meeting of a body of its
    Beratungsfolge (usually the Ausschuss), linking that body's existing step."""
    from gremium.models import Consultation
    from gremium.services import papers as paper_services

    require_staff(actor)
    if meeting is None:
        raise DomainError(_("Bitte wählen Sie eine Sitzung."), field="meeting")
    if not recommendation.paper_id:
        raise DomainError(_("Diese Empfehlung hat noch keine Drucksache."), field="meeting")
    if timezone.localdate(meeting.start) < recommendation.recommended_on:
        raise DomainError(
            _("Die Sitzung liegt vor der Empfehlung (%(date)s).")
            % {"date": date_format(recommendation.recommended_on, "SHORT_DATE_FORMAT")},
            field="meeting",
        )
    with transaction.atomic():
        steps = list(
            Consultation.objects.select_for_update()
            .filter(paper_id=recommendation.paper_id, committee_id=meeting.committee_id)
            .order_by("agenda_item_id", "-authoritative", "position", "pk")
        )
        if not steps:
            raise DomainError(
                _(
                    "%(committee)s steht nicht in der Beratungsfolge dieser Drucksache; bitte "
                    "wählen Sie eine Sitzung eines ihrer Gremien."
                )
                % {"committee": meeting.committee.name},
                field="meeting",
            )
        open_steps = [s for s in steps if s.agenda_item_id is None]
        step = open_steps[0] if open_steps else steps[0]
        return paper_services.consultation_place_on_agenda(
            actor=actor, consultation=step, meeting=meeting
        )


def export_job_request(
    *,
    actor,
    export_format: str,
    recommendation: Recommendation | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ExportJob:
    """Queue an export of one recommendation or of all recommendations of a period.

    Raises DomainError when there is nothing to export, so nobody waits for an empty file.
    """
    from . import selectors

    if export_format not in ExportJob.Format.values:
        raise DomainError(_("Unbekanntes Format."), field="format")
    if recommendation is None and date_from and date_to and date_from > date_to:
        raise DomainError(_("Das Ende des Zeitraums liegt vor dem Anfang."), field="date_to")
    queryset = selectors.recommendations_for_export(
        recommendation_id=recommendation.pk if recommendation else None,
        date_from=date_from,
        date_to=date_to,
    )
    total = queryset.count()
    if total == 0:
        raise DomainError(
            _("In diesem Zeitraum gibt es keine Empfehlungen; es wurde nichts exportiert."),
            field="date_from",
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            format=export_format,
            recommendation=recommendation,
            date_from=None if recommendation else date_from,
            date_to=None if recommendation else date_to,
            total=total,
            requested_by=actor,
            lease_until=ExportJob.new_lease(),
        )
        from .tasks import export_job_run as export_job_run_task

        transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
    return job


def export_jobs_expire_stale() -> int:
    """Mark export jobs whose worker is gone (lease run out) failed, so they can be retried."""
    from erfurt_srp.exports import leases

    return leases.expire_stale(
        ExportJob.objects.all(),
        status_field="state",
        active=[ExportJob.State.PENDING, ExportJob.State.RUNNING],
        failed=ExportJob.State.FAILED,
    )


# --- deliberation and recommendations ---------------------------------------------------------

AUSSCHUSS = {
    "slug": "ausschuss-soziales",
    "name": "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
    "short_name": "Sozialausschuss",
    "kind": "council",
}


def proposal_label(proposal: SiteProposal) -> str:
    label = proposal.name or proposal.address
    return f"{label}, {proposal.address} ({proposal.district.name})"[:255]


def deliberation_start(
    *, actor, project: NeighbourhoodProject, title: str = "", deadline=None
) -> Deliberation:
    """Open the committee's deliberation on the project's proposals with a statement round."""
    from gremium.services import statements as statement_services

    from .models import Deliberation

    require_staff(actor)
    with transaction.atomic():
        project = NeighbourhoodProject.objects.select_for_update().get(pk=project.pk)
        if project.deliberations.filter(
            state__in=[Deliberation.State.STATEMENTS, Deliberation.State.VOTING]
        ).exists():
            raise DomainError(_("Zu diesem Projekt läuft bereits eine Beratung."))
        proposals = list(project.proposals.select_related("district"))
        if not proposals:
            raise DomainError(
                _("Es gibt noch keine Standortvorschläge, über die beraten werden kann.")
            )
        with stored_language():
            title = (title or "").strip() or _("Standorte für %(project)s") % {
                "project": project.name
            }
            round_title = _("Fachliche Stellungnahme: %(title)s") % {"title": title}
        deliberation = Deliberation.objects.create(
            project=project, title=title[:300], state=Deliberation.State.STATEMENTS
        )
        description = (
            _("Zur Beratung stehen diese Standortvorschläge:")
            + "\n"
            + "\n".join(f"- {proposal_label(p)}" for p in proposals)
        )
        statement_round = statement_services.statement_round_open(
            committee=project.committee,
            subject=deliberation,
            title=round_title,
            deadline=deadline,
            description=description,
            actor=actor,
        )
        deliberation.statement_round = statement_round
        deliberation.save(update_fields=["statement_round", "modified_at"])
    return deliberation


def deliberation_open_vote(*, actor, deliberation, deadline=None, secret: bool = False):
    """Open the committee's vote on the proposals once every institution has stated its view."""
    from gremium.models import Vote
    from gremium.services import votes as vote_services

    from .models import Deliberation

    require_staff(actor)
    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update()
            .select_related("project__committee")
            .get(pk=deliberation.pk)
        )
        if deliberation.state != Deliberation.State.STATEMENTS:
            raise DomainError(_("Die Abstimmung kann in diesem Stand nicht eröffnet werden."))
        proposals = list(
            deliberation.project.proposals.select_related("district").order_by(
                "district__number", "pk"
            )
        )
        if len(proposals) == 1:
            kind, options = Vote.Kind.YES_NO, None
            question = _("Soll der Standort %(site)s empfohlen werden?") % {
                "site": proposal_label(proposals[0])
            }
        else:
            kind, options = Vote.Kind.SINGLE, [proposal_label(p) for p in proposals]
            question = _("Welchen Standort empfiehlt das Gremium für %(project)s?") % {
                "project": deliberation.project.name
            }
        vote = vote_services.vote_open(
            committee=deliberation.project.committee,
            subject=deliberation,
            question=question,
            kind=kind,
            options=options,
            secret=secret,
            deadline=deadline,
            description=_(
                "Das Ergebnis wird als Empfehlung an den Ausschuss für Soziales, Arbeitsmarkt und "
                "Gleichstellung weitergegeben."
            ),
            actor=actor,
        )
        if kind == Vote.Kind.YES_NO:
            mapping = {"": proposals[0].pk}
        else:
            mapping = {
                str(option.pk): proposal.pk
                for option, proposal in zip(
                    vote.options.order_by("position"), proposals, strict=True
                )
            }
        deliberation.vote = vote
        deliberation.option_proposals = mapping
        deliberation.state = Deliberation.State.VOTING
        deliberation.save(update_fields=["vote", "option_proposals", "state", "modified_at"])
    return vote


def _ausschuss():
    from gremium.models import Committee

    committee = (
        Committee.objects.filter(slug=AUSSCHUSS["slug"]).first()
        or Committee.objects.filter(name=AUSSCHUSS["name"]).first()
    )
    if committee is None:
        committee = Committee.objects.create(**AUSSCHUSS)
    return committee


def _paper_for(recommendation: Recommendation, *, actor, committee, vote_date):
    """Create the recommendation's Drucksache with its Beratungsfolge (Begleitgremium, then the
    Ausschuss, which decides) through gremium's paper services."""
    from gremium.models import Consultation, Paper
    from gremium.services import papers as paper_services

    paper = paper_services.paper_create(
        actor=actor,
        reference=paper_services.paper_reference_allocate(on=vote_date),
        name=recommendation.title,
        kind=Paper.Kind.RECOMMENDATION,
        public=recommendation.public,
        date=vote_date,
        committee=committee,
        originator=committee.name,
        text=recommendation.text,
    )
    paper_services.consultation_add(
        actor=actor,
        paper=paper,
        committee=committee,
        date=vote_date,
        public=False,
        role=Consultation.Role.CONSULTATION,
    )
    paper_services.consultation_add(
        actor=actor,
        paper=paper,
        committee=_ausschuss(),
        public=True,
        role=Consultation.Role.DECISION,
        authoritative=True,
    )
    return paper


def vote_detail(vote) -> dict:
    """What the Drucksache shows of a closed vote, kept with the recommendation: the kind, the
    result, participation and every option with its votes (and Borda points, ranked)."""
    from gremium.selectors import votes as vote_selectors

    sheet = vote_selectors.vote_result(vote, list(vote.options.order_by("position")))
    keys = dict(vote.options.values_list("pk", "key"))
    options = [
        {
            "option_id": row.option_id,
            "key": keys.get(row.option_id, ""),
            "label": row.label,
            "votes": row.count,
            "points": row.points,
        }
        for row in sheet.options
    ]
    return {
        "kind": vote.kind,
        "result": vote.result,
        "method": vote.method,
        "ballot_unit": vote.ballot_unit,
        "participants": sheet.participants,
        "eligible": sheet.eligible,
        "quorum": sheet.quorum,
        "options": options,
    }


def recommendation_create_from_vote(*, deliberation, vote, actor=None) -> Recommendation | None:
    """Turn a carried vote into a recommendation with its Drucksache; None if it did not carry.

    Idempotent: a deliberation has at most one recommendation.
    """
    # The recommendation and its Drucksache are a record of the city: written in its language
    # whatever the language of the page that closed the vote.
    with stored_language():
        return _recommendation_create_from_vote(deliberation=deliberation, vote=vote, actor=actor)


def _recommendation_create_from_vote(*, deliberation, vote, actor=None) -> Recommendation | None:
    from gremium.models import Vote
    from gremium.selectors import statements as statement_selectors

    from .models import Deliberation

    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update(of=("self",))
            .select_related("project__committee", "statement_round")
            .get(pk=deliberation.pk)
        )
        existing = Recommendation.objects.filter(deliberation=deliberation).first()
        if existing is not None:
            return existing
        if vote.result not in (Vote.Result.CARRIED, Vote.Result.DECIDED, Vote.Result.RANKED):
            deliberation.state = Deliberation.State.FAILED
            deliberation.save(update_fields=["state", "modified_at"])
            return None
        detail = vote_detail(vote)
        yes = no = abstain = 0
        if vote.kind == Vote.Kind.YES_NO:
            site_id = deliberation.option_proposals.get("")
            by_key = {o["key"]: o["votes"] for o in detail["options"]}
            yes, no, abstain = by_key.get("yes", 0), by_key.get("no", 0), by_key.get("abstain", 0)
        else:
            score = "points" if vote.kind == Vote.Kind.RANKED else "votes"
            winner = max(detail["options"], key=lambda o: o[score] or 0)
            site_id = deliberation.option_proposals.get(str(winner["option_id"]))
        site = SiteProposal.objects.select_related("district__social_area").get(pk=site_id)
        project = deliberation.project
        annex = []
        if deliberation.statement_round_id:
            for row in statement_selectors.statement_completeness(deliberation.statement_round):
                annex.append(
                    {
                        "institution": row.institution.name,
                        "given": row.statement is not None,
                        "text": row.statement.text
                        if row.statement
                        else _("Keine Stellungnahme abgegeben."),
                    }
                )
        vote_date = timezone.localdate(vote.closed_at) if vote.closed_at else timezone.localdate()
        area = site.district.social_area
        proposals = list(project.proposals.select_related("district").order_by("district__number"))
        text = "\n\n".join(
            [
                _(
                    "Das %(committee)s hat über die Standortvorschläge für das Quartiersprojekt "
                    "%(project)s beraten. Zur Auswahl standen: %(sites)s."
                )
                % {
                    "committee": project.committee.name,
                    "project": project.name,
                    "sites": "; ".join(proposal_label(p) for p in proposals),
                },
                _(
                    "Alle im Gremium vertretenen Institutionen wurden um ihre fachliche "
                    "Stellungnahme gebeten (Anlage 1)."
                ),
                _(
                    "Das Gremium empfiehlt dem Ausschuss für Soziales, Arbeitsmarkt und "
                    "Gleichstellung den Standort %(site)s im Ortsteil %(district)s%(area)s."
                )
                % {
                    "site": proposal_label(site),
                    "district": site.district.name,
                    "area": f" (Sozialraum {area.name})" if area else "",
                },
                _("Begründung des Vorschlags: %(rationale)s") % {"rationale": site.rationale},
            ]
        )
        recommendation = Recommendation.objects.create(
            project=project,
            deliberation=deliberation,
            site=site,
            title=_("Empfehlung zum Standort %(project)s: %(site)s")
            % {"project": project.name, "site": site.name or site.address},
            text=text,
            vote_result=vote.result_text or "",
            vote_detail=detail,
            votes_yes=yes,
            votes_no=no,
            votes_abstain=abstain,
            annex=annex,
            public=project.is_public,
            recommended_on=vote_date,
            created_by=actor,
        )
        recommendation.paper = _paper_for(
            recommendation, actor=actor, committee=project.committee, vote_date=vote_date
        )
        recommendation.save(update_fields=["paper"])
        deliberation.state = Deliberation.State.CARRIED
        deliberation.save(update_fields=["state", "modified_at"])
        schedule_paper_pdf(recommendation)
    return recommendation


def schedule_paper_pdf(recommendation: Recommendation) -> None:
    """After commit, render the Drucksache PDF and attach it to the paper (Celery)."""
    from .tasks import recommendation_paper_pdf as recommendation_paper_pdf_task

    recommendation_id = recommendation.pk
    transaction.on_commit(lambda: recommendation_paper_pdf_task.delay(recommendation_id))


def on_deliberation_vote_closed(vote) -> None:
    """gremium calls this after a vote on a Deliberation has closed (registered in apps)."""
    from .models import Deliberation

    deliberation = Deliberation.objects.filter(pk=vote.subject_id).first()
    if deliberation is None or deliberation.vote_id != vote.pk:
        return
    try:
        recommendation_create_from_vote(deliberation=deliberation, vote=vote, actor=vote.closed_by)
    except Exception:
        # The vote stays closed; staff can create the recommendation from the deliberation page.
        logger.exception("standorte: recommendation for deliberation %s failed", deliberation.pk)
