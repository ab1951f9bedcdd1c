"""Writes of the reporting cycle: one transaction each; e-mails through the outbox."""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erfurt_srp.accounts.languages import languages_of
from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.core.errors import DomainError
from erfurt_srp.core.texts import stored_language
from erfurt_srp.exports import PDF
from erfurt_srp.notifications.services import message_queue_bulk

from ..models import PlanExport, ProgressReport, ReportCycle
from . import selectors


def _comments(count: int) -> str:
    """German dative: "mit 1 Kommentar", "mit 3 Kommentaren"."""
    return ngettext("%(c)s Kommentar", "%(c)s Kommentaren", count) % {"c": count}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_cycle_get() -> ReportCycle | None:
    return ReportCycle.objects.select_related("committee").filter(pk=1).first()


def report_cycle_set(
    *, actor, interval_months: int, next_due_on: date, remind_days_before: int, committee
) -> ReportCycle:
    """Set the cycle. A changed due date gets its own reminder; an overdue date may stay while
    other settings change, but a new date must not lie in the past."""
    require_staff(actor)
    stored = ReportCycle.objects.filter(pk=1).values_list("next_due_on", flat=True).first()
    if next_due_on < timezone.localdate() and next_due_on != stored:
        raise DomainError(
            _("Das Fälligkeitsdatum darf nicht in der Vergangenheit liegen."), field="next_due_on"
        )
    with transaction.atomic():
        cycle, _created = ReportCycle.objects.select_for_update().get_or_create(
            pk=1, defaults={"next_due_on": next_due_on}
        )
        cycle.interval_months = interval_months
        cycle.next_due_on = next_due_on
        cycle.remind_days_before = remind_days_before
        cycle.committee = committee
        cycle.updated_by = actor
        cycle.save()
    return cycle


def _default_texts(report: ProgressReport, data: dict) -> dict:
    period = _("bis %(end)s") % {"end": date_format(report.period_end, "DATE_FORMAT")}
    if report.period_start:
        period = _("vom %(start)s bis %(end)s") % {
            "start": date_format(report.period_start, "DATE_FORMAT"),
            "end": date_format(report.period_end, "DATE_FORMAT"),
        }
    counts = data["measures"]["counts"]
    rounds = data["rounds"]["rows"]
    indicators = data["indicators"]
    return {
        "summary": _(
            "Die Verwaltung informiert den Ausschuss über den Stand der integrierten "
            "Sozialraumplanung im Berichtszeitraum %(period)s: den Stand der Maßnahmen, die "
            "Entwicklung der Indikatoren, die Beteiligungsrunden mit ihrer Abwägung und die "
            "getroffenen Entscheidungen."
        )
        % {"period": period},
        "measures_text": ngettext(
            "Von %(n)s Maßnahme ist %(parts)s.",
            "Von %(n)s Maßnahmen sind %(parts)s.",
            len(data["measures"]["rows"]),
        )
        % {
            "n": len(data["measures"]["rows"]),
            "parts": ", ".join(f"{n} {label}" for label, n in counts.items()),
        },
        "indicators_text": (
            _(
                "Die Tabelle zeigt die Indikatoren je Sozialraum (Mittelwert der Ortsteile) im "
                "Jahr %(year)s gegenüber %(base)s."
            )
            % {"year": indicators["year"], "base": indicators["base_year"]}
            if indicators["year"] and indicators["base_year"]
            else _("Für einen Vergleich liegen noch keine Indikatorwerte aus zwei Jahren vor.")
        ),
        "rounds_text": ngettext(
            "Im Berichtszeitraum endete %(n)s Beteiligungsrunde mit %(c)s; die Tabelle zeigt "
            "das Ergebnis der Abwägung.",
            "Im Berichtszeitraum endeten %(n)s Beteiligungsrunden mit %(c)s; die Tabelle zeigt "
            "das Ergebnis der Abwägung.",
            len(rounds),
        )
        % {"n": len(rounds), "c": _comments(sum(row[4] for row in rounds))},
        "decisions_text": ngettext(
            "Im Berichtszeitraum wurde %(n)s Entscheidung getroffen.",
            "Im Berichtszeitraum wurden %(n)s Entscheidungen getroffen.",
            len(data["decisions"]["rows"]),
        )
        % {"n": len(data["decisions"]["rows"])},
    }


def _gather(report: ProgressReport) -> dict:
    previous = selectors.previous_report(before=report.period_end, exclude_pk=report.pk)
    base_year = (previous.data.get("indicators") or {}).get("year") if previous else None
    return selectors.report_data(
        period_start=report.period_start, period_end=report.period_end, base_year=base_year
    )


def progress_report_draft(*, actor, period_end: date | None = None) -> ProgressReport:
    """Draft the next report: its period runs from the day after the last submitted report's
    period to `period_end` (today by default); text parts are prefilled from the data."""
    require_staff(actor)
    period_end = period_end or timezone.localdate()
    one_draft = DomainError(
        _("Es gibt bereits einen Berichtsentwurf. Bitte bearbeiten Sie diesen."),
        code="draft_exists",
    )
    if ProgressReport.objects.filter(state=ProgressReport.State.DRAFT).exists():
        raise one_draft
    try:
        return _draft_create(actor=actor, period_end=period_end)
    except IntegrityError:
        # a concurrent draft won the race: the one-draft constraint refused this one
        raise one_draft


def _draft_create(*, actor, period_end: date) -> ProgressReport:
    with transaction.atomic():
        previous = selectors.previous_report(before=period_end)
        start = previous.period_end + timedelta(days=1) if previous else None
        with stored_language():
            title = _("Sachstandsbericht zur integrierten Sozialraumplanung %(end)s") % {
                "end": date_format(period_end, "DATE_FORMAT")
            }
        report = ProgressReport(
            title=title,
            period_start=start,
            period_end=period_end,
            created_by=actor,
        )
        report.data = _gather(report)
        report.data_refreshed_at = timezone.now()
        for field, text in _default_texts(report, report.data).items():
            setattr(report, field, text)
        report.save()
    return report


def _lock_draft(report: ProgressReport) -> ProgressReport:
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_draft:
        raise DomainError(
            _(
                "Der Bericht wurde dem Ausschuss schon vorgelegt und kann nicht mehr geändert werden."
            )
        )
    return report


def progress_report_update(*, actor, report: ProgressReport, **texts) -> ProgressReport:
    """Save the text parts staff edited."""
    require_staff(actor)
    unknown = set(texts) - {"title", *ProgressReport.TEXT_FIELDS}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        report = _lock_draft(report)
        for field, value in texts.items():
            setattr(report, field, value.strip())
        report.save()
    return report


def progress_report_refresh(*, actor, report: ProgressReport) -> ProgressReport:
    """Gather the tables again from today's data; the text parts stay as staff wrote them."""
    require_staff(actor)
    with transaction.atomic():
        report = _lock_draft(report)
        report.data = _gather(report)
        report.data_refreshed_at = timezone.now()
        report.save(update_fields=["data", "data_refreshed_at", "updated_at"])
    return report


def progress_report_export_request(*, actor, report: ProgressReport) -> PlanExport:
    """Queue the PDF/DOCX build of the report; a build of it already waiting is reused."""
    require_staff(actor)
    from ..tasks import plan_export_build as plan_export_build_task

    with transaction.atomic():
        waiting = (
            PlanExport.objects.select_for_update()
            .filter(report=report, status=PlanExport.Status.QUEUED)
            .first()
        )
        if waiting:
            return waiting
        export = PlanExport.objects.create(
            report=report, requested_by=actor, step=_("wartet auf den Start")
        )
        export_id = export.pk
        transaction.on_commit(lambda: plan_export_build_task.delay(export_id))
    return export


def current_export(report: ProgressReport) -> PlanExport | None:
    """The finished export built from the report as it stands (none after a later edit)."""
    return (
        PlanExport.objects.filter(
            report=report, status=PlanExport.Status.DONE, started_at__gte=report.updated_at
        )
        .order_by("-finished_at")
        .first()
    )


def progress_report_submit(
    *, actor, report: ProgressReport, reference: str, meeting=None
) -> ProgressReport:
    """Put the report before the Ausschuss: a Drucksache (information paper) with the built PDF
    as its main file, a step of its Beratungsfolge at the Ausschuss (or an item on the agenda of
    the chosen Ausschuss meeting), and the cycle's next due date."""
    from gremium.models import Consultation, Paper
    from gremium.services import meetings as meeting_services
    from gremium.services import papers as paper_services

    require_staff(actor)
    cycle = report_cycle_get()
    if cycle is None or cycle.committee is None:
        raise DomainError(
            _("Bitte legen Sie zuerst im Berichtszyklus fest, an welchen Ausschuss berichtet wird.")
        )
    if meeting is not None and meeting.committee_id != cycle.committee_id:
        raise DomainError(
            _("Bitte wählen Sie eine Sitzung des Ausschusses %(c)s.") % {"c": cycle.committee},
            field="meeting",
        )
    with transaction.atomic():
        report = _lock_draft(report)
        export = current_export(report)
        if export is None:
            raise DomainError(
                _("Bitte erstellen Sie zuerst das PDF des Berichts in seiner jetzigen Fassung.")
            )
        paper = paper_services.paper_create(
            actor=actor,
            reference=reference,
            name=report.title,
            kind=Paper.Kind.INFORMATION,
            public=True,
            date=timezone.localdate(),
            originator=_("Amt für Soziales, Geschäftsstelle Sozialraumplanung"),
            text=report.summary,
        )
        with export.pdf.open("rb") as handle:
            content = handle.read()
        paper_services.file_attach(
            actor=actor,
            upload=SimpleUploadedFile(
                export.pdf.name.rsplit("/", 1)[-1], content, content_type=PDF
            ),
            paper=paper,
            is_main=True,
            name=_("Sachstandsbericht (PDF)"),
        )
        if meeting is not None:
            meeting_services.agenda_item_add(
                actor=actor, meeting=meeting, name=report.title, public=True, papers=[paper]
            )
        else:
            paper_services.consultation_add(
                actor=actor,
                paper=paper,
                committee=cycle.committee,
                public=True,
                role=Consultation.Role.INFORMATION,
                authoritative=True,
            )
        report.paper = paper
        report.state = ProgressReport.State.SUBMITTED
        report.save(update_fields=["paper", "state", "updated_at"])
        cycle = ReportCycle.objects.select_for_update().get(pk=cycle.pk)
        next_due = add_months(cycle.next_due_on, cycle.interval_months)
        while next_due <= timezone.localdate():
            next_due = add_months(next_due, cycle.interval_months)
        cycle.next_due_on = next_due
        cycle.save(update_fields=["next_due_on", "updated_at"])
    return report


def _staff_emails() -> list[str]:
    users = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def report_reminders_send_due(*, today: date | None = None) -> int:
    """Tell staff that a progress report is due (beat job). The cycle row is locked and marked
    with the due date it reminded of, so each due date is announced once; the outbox key
    (kind, cycle, recipient, due date) refuses a second copy as well. Return messages queued."""
    today = today or timezone.localdate()
    with transaction.atomic():
        cycle = ReportCycle.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if cycle is None or not cycle.reminder_due(today):
            return 0
        url = settings.SITE_URL + reverse("leitlinien:report_index")
        messages = []
        for email, language in sorted(languages_of(_staff_emails()).items()):
            with translation.override(language):
                due = date_format(cycle.next_due_on, "DATE_FORMAT")
                messages.append(
                    {
                        "kind": "leitlinien.report_due",
                        "recipient": email,
                        "subject": _("Sachstandsbericht an den Ausschuss fällig am %(d)s")
                        % {"d": due},
                        "body": _(
                            "Guten Tag,\n\nder nächste Sachstandsbericht zur integrierten "
                            "Sozialraumplanung an den %(committee)s ist am %(d)s fällig.\n\n"
                            "Die Plattform entwirft ihn aus den aktuellen Daten: %(url)s\n\n"
                            "Geschäftsstelle Sozialraumplanung"
                        )
                        % {
                            "committee": cycle.committee or _("Ausschuss"),
                            "d": due,
                            "url": url,
                        },
                        "related": cycle,
                        "revision": cycle.next_due_on.isoformat(),
                    }
                )
        queued = message_queue_bulk(messages)
        cycle.reminded_for = cycle.next_due_on
        cycle.save(update_fields=["reminded_for"])
    return len(queued)
