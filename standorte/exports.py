"""Recommendations for the Sozialausschuss as Drucksache PDF, DOCX and CSV.

Each builder takes recommendations (from selectors.recommendations_for_export) and returns
(filename, mimetype, bytes); `progress(done, total)` is called as rows are prepared.
"""

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erfurt_srp.exports import CSV, DOCX, PDF
from erfurt_srp.exports.csv import csv_bytes
from erfurt_srp.exports.pdf import render_pdf

AUSSCHUSS_NAME = "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung"


def _noop(done, total):
    return None


def _fmt(value: date | None) -> str:
    """A date in the CSV export's documented format."""
    return value.strftime("%d.%m.%Y") if value else ""


def _date(value: date | None) -> str:
    """A date in the active language, for the Drucksache (PDF, DOCX)."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def drucksache_context(recommendation) -> dict:
    """Everything one Drucksache page shows, in the order of the seed's layout."""
    paper = recommendation.paper
    consultations = []
    if paper is not None:
        for c in paper.consultations.all():
            consultations.append(
                {
                    "body": c.body_display,
                    "date": _date(c.date or (c.meeting.start.date() if c.meeting_id else None)),
                    "treatment": _("öffentlich") if c.public else _("nicht öffentlich"),
                }
            )
    if not consultations:
        consultations = [
            {
                "body": recommendation.project.committee.name,
                "date": _date(recommendation.recommended_on),
                "treatment": _("nicht öffentlich"),
            },
            {"body": AUSSCHUSS_NAME, "date": "", "treatment": _("öffentlich")},
        ]
    site = recommendation.site
    annex_titles = []
    if recommendation.annex:
        annex_titles.append(
            _("Anlage 1: Fachliche Stellungnahmen der Institutionen (%(count)s)")
            % {"count": len(recommendation.annex)}
        )
    signer = ""
    if recommendation.created_by_id and recommendation.created_by:
        signer = recommendation.created_by.get_full_name()
    return {
        "r": recommendation,
        "title": recommendation.title,
        "reference": paper.reference if paper else _("(noch ohne Nummer)"),
        "public": recommendation.public,
        "consultations": consultations,
        "kind": _("Empfehlung des Begleitgremiums"),
        "site_line": f"{site.name or site.address}, {site.address} ({site.district.name})",
        "district": site.district.name,
        "social_area": site.district.social_area.name if site.district.social_area else "",
        "annex_titles": annex_titles,
        "annex": recommendation.annex,
        "date": _date(recommendation.recommended_on),
        "signer": signer or _("Geschäftsstelle Sozialraumplanung"),
        "decision": recommendation.get_decision_display()
        if recommendation.decision != "pending"
        else "",
        "decision_date": _date(recommendation.decision_date),
    }


def _filename(recommendations, extension: str) -> str:
    if len(recommendations) == 1 and recommendations[0].paper_id:
        stem = "Drucksache-" + recommendations[0].paper.reference.replace("/", "-")
    elif len(recommendations) == 1:
        stem = f"Empfehlung-{recommendations[0].pk}"
    else:
        stem = f"Empfehlungen-{timezone.localdate():%Y-%m-%d}"
    return f"{stem}.{extension}"


def build_pdf(recommendations, progress: Callable = _noop) -> tuple[str, str, bytes]:
    items = []
    for n, recommendation in enumerate(recommendations, start=1):
        items.append(drucksache_context(recommendation))
        progress(n, len(recommendations))
    content = render_pdf("standorte/pdf/drucksache.html", {"items": items})
    return _filename(recommendations, "pdf"), PDF, content


def build_docx(recommendations, progress: Callable = _noop) -> tuple[str, str, bytes]:
    from docx.enum.text import WD_BREAK

    from erfurt_srp.exports.docx import add_table, document_bytes, new_document

    document = new_document()
    for n, recommendation in enumerate(recommendations, start=1):
        ctx = drucksache_context(recommendation)
        if n > 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(_("Titel der Drucksache:"))
        document.add_heading(ctx["title"], level=1)
        document.add_paragraph(_("Drucksache"))
        document.add_heading(ctx["reference"], level=2)
        document.add_paragraph(_("öffentlich") if ctx["public"] else _("nicht öffentlich"))
        add_table(
            document,
            [_("Beratungsfolge"), _("Datum"), _("Behandlung")],
            [[c["body"], c["date"], c["treatment"]] for c in ctx["consultations"]],
        )
        document.add_paragraph(ctx["kind"])
        document.add_heading(_("Sachverhalt"), level=2)
        for paragraph in recommendation.text.split("\n\n"):
            document.add_paragraph(paragraph.strip())
        document.add_paragraph(_("Empfohlener Standort: %(site)s") % {"site": ctx["site_line"]})
        document.add_paragraph(
            _("Abstimmungsergebnis im Begleitgremium: %(result)s")
            % {"result": recommendation.vote_counts}
        )
        document.add_heading(_("Anlagenverzeichnis"), level=2)
        for title in ctx["annex_titles"] or [_("keine Anlagen")]:
            document.add_paragraph(title)
        document.add_paragraph(f"{ctx['date']}, gez. {ctx['signer']}")
        document.add_paragraph(_("Datum, Unterschrift"))
        if ctx["annex"]:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_heading(ctx["annex_titles"][0], level=2)
            for statement in ctx["annex"]:
                document.add_heading(statement.get("institution", ""), level=3)
                document.add_paragraph(statement.get("text", ""))
        progress(n, len(recommendations))
    return _filename(recommendations, "docx"), DOCX, document_bytes(document)


CSV_HEADER = [
    "Datum",
    "Drucksache",
    "Titel",
    "Quartiersprojekt",
    "Standort",
    "Adresse",
    "Ortsteil",
    "Sozialraum",
    "Ja",
    "Nein",
    "Enthaltung",
    "Abstimmungsergebnis",
    "öffentlich",
    "Stellungnahmen",
    "Entscheidung des Ausschusses",
    "Datum der Entscheidung",
]


def build_csv(recommendations, progress: Callable = _noop) -> tuple[str, str, bytes]:
    rows = []
    for n, r in enumerate(recommendations, start=1):
        rows.append(
            [
                _fmt(r.recommended_on),
                r.paper.reference if r.paper_id else "",
                r.title,
                r.project.name,
                r.site.name,
                r.site.address,
                r.site.district.name,
                r.site.district.social_area.name if r.site.district.social_area else "",
                r.votes_yes,
                r.votes_no,
                r.votes_abstain,
                r.vote_result,
                "ja" if r.public else "nein",
                len(r.annex or []),
                r.get_decision_display(),
                _fmt(r.decision_date),
            ]
        )
        progress(n, len(recommendations))
    return _filename(recommendations, "csv"), CSV, csv_bytes(CSV_HEADER, rows)


BUILDERS = {"pdf": build_pdf, "docx": build_docx, "csv": build_csv}
