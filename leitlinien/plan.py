"""Compile the integrated Sozialraumplan (PDF with table of contents and page numbers, DOCX).

`plan_build(export_id)` runs in a Celery worker (or the management command) and writes progress
to the PlanExport row outside any long transaction, so the status page sees it while it runs.
"""

import io
import logging
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from erfurt_srp.exports import leases
from erfurt_srp.exports.docx import add_table, document_bytes, new_document

from .models import PlanExport
from .selectors import DISPOSITION_TABLE_HEADER, disposition_rows, plan_content, round_comments

logger = logging.getLogger(__name__)


def _progress(export_id: int, progress: int, step: str, **extra) -> None:
    PlanExport.objects.filter(pk=export_id).update(progress=progress, step=step[:200], **extra)


def plan_pdf_document(content: dict, *, title: str, generated_on: str):
    """The laid-out WeasyPrint document (pages, table of contents filled by target-counter)."""
    from weasyprint import HTML

    html = render_to_string(
        "leitlinien/plan_pdf.html", {**content, "title": title, "generated_on": generated_on}
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def plan_pdf(content: dict, *, title: str, generated_on: str) -> bytes:
    return plan_pdf_document(content, title=title, generated_on=generated_on).write_pdf()


def _field(paragraph, instruction: str) -> None:
    """Insert a Word field (PAGE, TOC) that Word fills in when the document is opened."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, end):
        run._r.append(element)


def plan_docx(content: dict, *, title: str, generated_on: str) -> bytes:
    document = new_document()
    document.add_heading(title, level=0)
    document.add_paragraph(_("Landeshauptstadt Erfurt · Amt für Soziales"))
    document.add_paragraph(_("Stand: %(d)s") % {"d": generated_on})
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(_("Inhaltsverzeichnis"), level=1)
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u')
    document.add_paragraph(
        _("(Das Verzeichnis wird beim Öffnen in Word über „Felder aktualisieren“ gefüllt.)")
    )
    footer = document.sections[0].footer.paragraphs[0]
    footer.add_run(_("Seite "))
    _field(footer, "PAGE")

    document.add_heading(_("1 Sozialpolitische Leitlinien"), level=1)
    for index, version in enumerate(content["versions"], start=1):
        document.add_heading(f"1.{index} {version.guideline.title}", level=2)
        document.add_paragraph(
            _("Fassung %(n)s, beschlossen am %(d)s (%(ref)s)")
            % {
                "n": version.number,
                "d": date_format(version.adopted_on, "DATE_FORMAT"),
                "ref": version.adoption_reference,
            }
        )
        for number, text in version.numbered_paragraphs():
            document.add_paragraph(f"§ {number} {text}")
    document.add_heading(_("2 Maßnahmen nach Planungsebene"), level=1)
    for index, level in enumerate(content["measures_by_level"], start=1):
        document.add_heading(f"2.{index} {level['label']}", level=2)
        if not level["measures"]:
            document.add_paragraph(_("Keine Maßnahmen auf dieser Ebene."))
            continue
        add_table(
            document,
            [
                _("Maßnahme"),
                _("Leitlinie"),
                _("Federführung"),
                _("Partner"),
                _("Sozialräume"),
                _("Zeitrahmen"),
                _("Status"),
            ],
            [
                [
                    f"{m.title}\n{m.description}",
                    m.guideline.theme.title,
                    m.responsible_office,
                    m.partners,
                    m.social_areas,
                    m.time_frame,
                    m.get_status_display(),
                ]
                for m in level["measures"]
            ],
        )
    _plan_docx_chapters(document, content)
    document.add_heading(_("Anlage: Abwägungstabellen"), level=1)
    for index, table in enumerate(content["tables"], start=1):
        consultation_round = table["round"]
        document.add_heading(
            f"A.{index} {consultation_round.version.guideline.title}, {_('Fassung')} {consultation_round.version.number}: "
            f"{consultation_round.title} ({consultation_round.get_audience_display()})",
            level=2,
        )
        if table["rows"]:
            add_table(document, DISPOSITION_TABLE_HEADER, table["rows"])
        else:
            document.add_paragraph(_("In dieser Runde gingen keine Kommentare ein."))
    return document_bytes(document)


def _paragraphs(document, paragraphs) -> None:
    for text in paragraphs or [_("Dieser Teil ist noch nicht geschrieben.")]:
        document.add_paragraph(text)


def _signed(value) -> str:
    if value is None:
        return "–"
    text = number_format(value, 1)
    return f"+{text}" if value > 0 else text


def _figure(document, figure) -> None:
    if figure is None:
        return
    document.add_picture(io.BytesIO(figure.png()), width=Cm(figure.width / 40))
    caption = document.add_paragraph(figure.title)
    caption.runs[0].italic = True


def _plan_docx_chapters(document, content: dict) -> None:
    """Chapters 3 to 6: needs, social-area profiles, Quartiersarbeit, site recommendations."""
    document.add_heading(_("3 Bedarfe nach Planungsebene"), level=1)
    for index, need in enumerate(content["needs"], start=1):
        document.add_heading(f"3.{index} {need['label']}", level=2)
        _paragraphs(document, need["paragraphs"])
    document.add_heading(_("4 Sozialraumprofile"), level=1)
    for index, item in enumerate(content["profiles"], start=1):
        profile = item["profile"]
        document.add_heading(f"4.{index} {profile.name}", level=2)
        if profile.description:
            document.add_paragraph(profile.description)
        document.add_paragraph(
            _("Ortsteile: %(names)s") % {"names": ", ".join(profile.districts) or "–"}
        )
        if profile.is_demo:
            document.add_paragraph(
                _(
                    "Hinweis: Demo-Werte bzw. beispielhafte Zuordnung der Ortsteile, keine amtlichen Daten."
                )
            )
        rows = []
        for series in profile.indicators:
            latest, previous = series.latest, series.previous
            rows.append(
                [
                    f"{series.name} ({series.unit})" if series.unit else series.name,
                    f"{number_format(latest[1], 1)} ({latest[0]})" if latest else "–",
                    f"{number_format(previous[1], 1)} ({previous[0]})" if previous else "–",
                    _signed(series.change),
                ]
            )
        add_table(
            document,
            [_("Indikator"), _("aktueller Wert"), _("vorheriger Wert"), _("Veränderung")],
            rows,
        )
        if profile.sources:
            document.add_paragraph(
                _("Quellen: %(sources)s") % {"sources": "; ".join(profile.sources)}
            )
        _figure(document, item["chart"])
        _figure(document, item["map"])
        document.add_heading(_("Maßnahmen in diesem Sozialraum"), level=3)
        for m in item["measures"]:
            document.add_paragraph(
                f"{m.title} ({m.get_planning_level_display()}, {m.get_status_display()}, "
                f"{m.time_frame})",
                style="List Bullet",
            )
        if not item["measures"]:
            document.add_paragraph(
                _("Keine Maßnahme nennt diesen Sozialraum oder einen seiner Ortsteile.")
            )
        document.add_heading(_("Standortempfehlungen in diesem Sozialraum"), level=3)
        for r in profile.recommendations:
            document.add_paragraph(
                f"{r.project}: {r.site} ({r.district}), {_('empfohlen am')} "
                f"{date_format(r.recommended_on, 'SHORT_DATE_FORMAT')} – {r.decision}",
                style="List Bullet",
            )
        if not profile.recommendations:
            document.add_paragraph(_("Keine Standortempfehlung in diesem Sozialraum."))
    if not content["profiles"]:
        document.add_paragraph(_("Es sind keine Sozialräume erfasst."))
    document.add_heading(_("5 Strategie für Quartiersarbeit und Quartiersmanagement"), level=1)
    for index, part in enumerate(content["strategy"], start=1):
        document.add_heading(f"5.{index} {part['label']}", level=2)
        _paragraphs(document, part["paragraphs"])
    document.add_heading(_("6 Standortempfehlungen"), level=1)
    if content["recommendations"]:
        add_table(
            document,
            [
                _("Quartiersprojekt"),
                _("Standort"),
                _("Sozialraum"),
                _("empfohlen am"),
                _("Abstimmung"),
                _("Drucksache"),
                _("Entscheidung des Ausschusses"),
            ],
            [
                [
                    r.project,
                    f"{r.site} ({r.district})",
                    r.social_area or "–",
                    date_format(r.recommended_on, "SHORT_DATE_FORMAT"),
                    r.vote_result,
                    r.paper_reference or "–",
                    r.decision
                    + (
                        f" ({date_format(r.decision_date, 'SHORT_DATE_FORMAT')})"
                        if r.decision_date
                        else ""
                    ),
                ]
                for r in content["recommendations"]
            ],
        )
    else:
        document.add_paragraph(_("Es gibt noch keine Standortempfehlung."))


def disposition_table_title(consultation_round) -> str:
    return _("Abwägungstabelle: %(g)s, Fassung %(n)s – %(r)s") % {
        "g": consultation_round.version.guideline.title,
        "n": consultation_round.version.number,
        "r": consultation_round.title,
    }


def disposition_table_pdf(consultation_round, rows) -> bytes:
    from erfurt_srp.exports.pdf import render_pdf

    return render_pdf(
        "leitlinien/disposition_table_pdf.html",
        {
            "round": consultation_round,
            "rows": rows,
            "header": DISPOSITION_TABLE_HEADER,
            "title": disposition_table_title(consultation_round),
        },
    )


def disposition_table_docx(consultation_round, rows) -> bytes:
    document = new_document(disposition_table_title(consultation_round))
    document.add_paragraph(
        _("Zielgruppe: %(a)s · %(s)s bis %(e)s")
        % {
            "a": consultation_round.get_audience_display(),
            "s": timezone.localtime(consultation_round.starts_at).strftime("%d.%m.%Y"),
            "e": timezone.localtime(consultation_round.ends_at).strftime("%d.%m.%Y"),
        }
    )
    add_table(document, DISPOSITION_TABLE_HEADER, rows)
    return document_bytes(document)


def _mark_done(export: PlanExport) -> PlanExport:
    """Store the built files (already set on `export`) and mark the build finished."""
    export.status, export.progress, export.step = PlanExport.Status.DONE, 100, _("fertig")
    export.finished_at = timezone.now()
    export.save(update_fields=["pdf", "docx", "status", "progress", "step", "finished_at"])
    return export


def _mark_failed(export_id: int) -> None:
    """Record a failed build with the end of its traceback; call inside the except block."""
    PlanExport.objects.filter(pk=export_id).update(
        status=PlanExport.Status.FAILED,
        step=_("fehlgeschlagen"),
        error=traceback.format_exc()[-4000:],
        finished_at=timezone.now(),
    )


def _build_disposition_table(export_id: int, round_id: int) -> PlanExport:
    from .models import ConsultationRound

    try:
        with override(settings.LANGUAGE_CODE):
            consultation_round = ConsultationRound.objects.select_related("version__guideline").get(
                pk=round_id
            )
            rows = disposition_rows(consultation_round, round_comments(consultation_round))
            _progress(export_id, 20, _("PDF wird gesetzt"), comment_count=len(rows))
            pdf = disposition_table_pdf(consultation_round, rows)
            _progress(export_id, 80, _("DOCX wird erstellt"))
            docx = disposition_table_docx(consultation_round, rows)
        export = PlanExport.objects.get(pk=export_id)
        name = f"abwaegungstabelle-{consultation_round.version.guideline.slug}-runde{consultation_round.pk}"
        export.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        export.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        return _mark_done(export)
    except Exception:
        logger.exception("Abwägungstabelle export %s failed", export_id)
        _mark_failed(export_id)
        raise


def _build_report(export_id: int) -> PlanExport:
    from .reports.export import build_report

    try:
        export = PlanExport.objects.get(pk=export_id)
        build_report(export, lambda progress, step: _progress(export_id, progress, step))
        return _mark_done(export)
    except Exception:
        logger.exception("progress report export %s failed", export_id)
        _mark_failed(export_id)
        raise


def plan_build(export_id: int) -> PlanExport | None:
    """Build one export; return None when another process already took it.

    A running row whose lease has run out lost its worker: a redelivered task takes it over."""
    now = timezone.now()
    waiting = leases.claimable(
        waiting=PlanExport.Status.QUEUED, running=PlanExport.Status.RUNNING, now=now
    )
    claimed = PlanExport.objects.filter(waiting, pk=export_id).update(
        status=PlanExport.Status.RUNNING,
        lease_until=PlanExport.new_lease(now),
        started_at=now,
        progress=5,
        step=_("Inhalte werden zusammengestellt"),
    )
    if not claimed:
        return None
    round_id, report_id = (
        PlanExport.objects.filter(pk=export_id).values_list("round_id", "report_id").first()
    )
    if round_id:
        return _build_disposition_table(export_id, round_id)
    if report_id:
        return _build_report(export_id)
    try:
        with override(settings.LANGUAGE_CODE):
            content = plan_content()
            title = _("Integrierter Sozialraumplan der Landeshauptstadt Erfurt")
            generated_on = date_format(timezone.localdate(), "DATE_FORMAT")
            _progress(
                export_id,
                20,
                ngettext(
                    "PDF wird gesetzt (%(n)s Kommentar in den Abwägungstabellen)",
                    "PDF wird gesetzt (%(n)s Kommentare in den Abwägungstabellen)",
                    content["comment_count"],
                )
                % {"n": content["comment_count"]},
                guideline_count=len(content["versions"]),
                measure_count=content["measure_count"],
                comment_count=content["comment_count"],
            )
            pdf = plan_pdf(content, title=title, generated_on=generated_on)
            _progress(export_id, 70, _("DOCX wird erstellt"))
            docx = plan_docx(content, title=title, generated_on=generated_on)
            _progress(export_id, 90, _("Dateien werden gespeichert"))
        export = PlanExport.objects.get(pk=export_id)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        export.pdf.save(f"sozialraumplan-{stamp}.pdf", ContentFile(pdf), save=False)
        export.docx.save(f"sozialraumplan-{stamp}.docx", ContentFile(docx), save=False)
        return _mark_done(export)
    except Exception:
        logger.exception("Sozialraumplan export %s failed", export_id)
        _mark_failed(export_id)
        raise
