"""The progress report as a council paper: PDF (WeasyPrint) and DOCX, built in the background
by leitlinien.plan.plan_build like the plan itself."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from erfurt_srp.exports.docx import add_table, document_bytes, new_document
from erfurt_srp.exports.pdf import render_pdf

from ..models import ProgressReport, paragraphs_of

SECTIONS = (
    # (text field, table key)
    ("measures_text", "measures"),
    ("indicators_text", "indicators"),
    ("rounds_text", "rounds"),
    ("decisions_text", "decisions"),
)


def report_sections(report: ProgressReport) -> list[dict]:
    """The report's numbered sections: heading, the staff's paragraphs, the generated table."""
    sections = []
    for number, (field, key) in enumerate(SECTIONS, start=1):
        table = (report.data or {}).get(key) or {"header": [], "rows": []}
        sections.append(
            {
                "number": number,
                "heading": str(ProgressReport._meta.get_field(field).verbose_name),
                "paragraphs": paragraphs_of(getattr(report, field)),
                "header": table["header"],
                "rows": table["rows"],
            }
        )
    return sections


def _period(report: ProgressReport) -> str:
    end = date_format(report.period_end, "SHORT_DATE_FORMAT")
    if report.period_start:
        return f"{date_format(report.period_start, 'SHORT_DATE_FORMAT')} – {end}"
    return _("bis %(end)s") % {"end": end}


def _context(report: ProgressReport, committee) -> dict:
    return {
        "report": report,
        "committee": committee,
        "period": _period(report),
        "summary": paragraphs_of(report.summary),
        "sections": report_sections(report),
        "generated_on": date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
    }


def report_pdf(report: ProgressReport, committee) -> bytes:
    return render_pdf("leitlinien/report_pdf.html", _context(report, committee))


def report_docx(report: ProgressReport, committee) -> bytes:
    context = _context(report, committee)
    document = new_document()
    document.add_paragraph(_("Titel der Drucksache:"))
    document.add_heading(report.title, level=0)
    document.add_paragraph(_("Drucksache") + (f" {report.paper.reference}" if report.paper else ""))
    document.add_paragraph(_("öffentlich"))
    if committee is not None:
        add_table(
            document, [_("Beratungsfolge"), _("Behandlung")], [[str(committee), _("öffentlich")]]
        )
    document.add_paragraph(_("Berichtszeitraum: %(p)s") % {"p": context["period"]})
    document.add_heading(_("Informationen aus der Verwaltung"), level=1)
    document.add_heading(_("Sachverhalt"), level=1)
    for paragraph in context["summary"]:
        document.add_paragraph(paragraph)
    for section in context["sections"]:
        document.add_heading(f"{section['number']} {section['heading']}", level=1)
        for paragraph in section["paragraphs"]:
            document.add_paragraph(paragraph)
        if section["rows"]:
            add_table(document, section["header"], section["rows"])
        else:
            document.add_paragraph(_("Keine Einträge im Berichtszeitraum."))
    document.add_paragraph(
        _("Erstellt am %(d)s, Amt für Soziales") % {"d": context["generated_on"]}
    )
    return document_bytes(document)


def build_report(export, progress) -> None:
    """Render the export's report into its pdf and docx fields (the caller saves the row)."""
    from ..reports.services import report_cycle_get

    with override(settings.LANGUAGE_CODE):
        report = ProgressReport.objects.select_related("paper").get(pk=export.report_id)
        cycle = report_cycle_get()
        committee = cycle.committee if cycle else None
        progress(20, _("PDF wird gesetzt"))
        pdf = report_pdf(report, committee)
        progress(70, _("DOCX wird erstellt"))
        docx = report_docx(report, committee)
    name = f"sachstandsbericht-{report.period_end:%Y-%m-%d}"
    export.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    export.docx.save(f"{name}.docx", ContentFile(docx), save=False)
