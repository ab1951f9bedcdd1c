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

from .models import vote_counts_text

AUSSCHUSS_NAME = "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung"


def _noop(done, total):
    return None


def _fmt(value: date | None) -> str:
    """A date in the CSV export's documented format."""
    return value.strftime("%d.%m.%Y") if value else ""


def _date(value: date | None) -> str:
    """A date in the active language, for the Drucksache (PDF, DOCX)."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def consultation_date(consultation) -> date | None:
    """The date of a step of the Beratungsfolge: its own, else its meeting's (directly or via
    the agenda item it is on)."""
    if consultation.date:
        return consultation.date
    meeting = consultation.meeting
    if meeting is None and consultation.agenda_item_id:
        meeting = consultation.agenda_item.meeting
    return timezone.localdate(meeting.start) if meeting is not None else None


def consultation_rows(recommendation) -> list[dict]:
    """The Beratungsfolge as the paper prints it: body, date (or "not yet scheduled"), public."""
    paper = recommendation.paper
    rows = []
    for c in paper.consultations.all() if paper is not None else []:
        rows.append(
            {
                "body": c.body_display,
                "date": _date(consultation_date(c)) or _("noch nicht terminiert"),
                "treatment": _("öffentlich") if c.public else _("nicht öffentlich"),
            }
        )
    return rows


def agenda_result(recommendation) -> dict | None:
    """Where the deciding body deals with the paper (meeting, TOP) and what it recorded there
    (the agenda item's result and resolution text), or None while it is on no agenda."""
    paper = recommendation.paper
    steps = [c for c in paper.consultations.all() if c.agenda_item_id] if paper else []
    if not steps:
        return None
    step = next((c for c in reversed(steps) if c.authoritative), steps[-1])
    item = step.agenda_item
    return {
        "body": step.body_display,
        "meeting": item.meeting,
        "item": item,
        "date": _date(timezone.localdate(item.meeting.start)),
        "top": item.number,
        "result": item.result,
        "resolution_text": item.resolution_text,
    }


def _unit(detail: dict) -> str:
    return _("Institutionen") if detail.get("ballot_unit") == "institution" else _("Personen")


def vote_summary(recommendation) -> dict:
    """The committee's vote as the paper shows it, in the active language.

    `text` is one sentence (result and participation), `header`/`rows` the table: yes/no as
    Ja/Nein/Enthaltung, a single choice as every option with its votes, a ranked vote as ranks
    with Borda points. Recommendations made before the counts were kept show their stored text.
    """
    from gremium.models import Vote

    detail = recommendation.vote_detail or {}
    options = detail.get("options") or []
    if not options:
        return {"kind": "", "text": recommendation.vote_result, "header": [], "rows": []}
    kind = detail.get("kind")
    result = str(Vote.Result(detail["result"]).label) if detail.get("result") else ""
    participation = _(
        "%(participants)s von %(eligible)s %(unit)s haben abgestimmt (beschlussfähig ab "
        "%(quorum)s)."
    ) % {
        "participants": detail.get("participants", 0),
        "eligible": detail.get("eligible", 0),
        "unit": _unit(detail),
        "quorum": detail.get("quorum", 0),
    }
    if kind == Vote.Kind.YES_NO:
        names = {"yes": _("Ja"), "no": _("Nein"), "abstain": _("Enthaltung")}
        header = [_("Stimme"), _("Anzahl")]
        rows = [[names.get(o["key"], o["label"]), o["votes"]] for o in options]
        by_key = {o["key"]: o["votes"] for o in options}
        counts = vote_counts_text(
            by_key.get("yes", 0), by_key.get("no", 0), by_key.get("abstain", 0)
        )
        text = f"{result}: {counts}. {participation}"
    elif kind == Vote.Kind.RANKED:
        header = [_("Rang"), _("Option"), _("Punkte"), _("Erstplatzierungen")]
        ordered = sorted(options, key=lambda o: -(o.get("points") or 0))
        rows = [
            [f"{n}.", o["label"], o.get("points") or 0, o["votes"]]
            for n, o in enumerate(ordered, start=1)
        ]
        text = _(
            "%(result)s nach Punkten (Borda-Zählung: bei %(n)s Optionen erhält der erste Rang "
            "%(top)s Punkte, der letzte 0). %(participation)s"
        ) % {
            "result": result,
            "n": len(options),
            "top": len(options) - 1,
            "participation": participation,
        }
    else:
        header = [_("Option"), _("Stimmen")]
        rows = [[o["label"], o["votes"]] for o in options]
        winner = max(options, key=lambda o: o["votes"])
        text = _("%(result)s: gewählt ist %(label)s mit %(votes)s Stimmen. %(participation)s") % {
            "result": result,
            "label": winner["label"],
            "votes": winner["votes"],
            "participation": participation,
        }
    if detail.get("method") == Vote.Method.SHOW_OF_HANDS:
        text += " " + _("Ergebnis per Handzeichen in der Sitzung.")
    return {"kind": kind, "text": text, "header": header, "rows": rows}


def _first_sentence(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    for end in (". ", "! ", "? "):
        cut = text.find(end)
        if 0 < cut < limit:
            return text[: cut + 1]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def statements_summary(recommendation) -> dict:
    """How many institutions gave a statement, who did not, and each statement's first sentence
    (the full texts are Anlage 1)."""
    annex = recommendation.annex or []
    given = [s for s in annex if s.get("given", True)]
    missing = [s.get("institution", "") for s in annex if not s.get("given", True)]
    text = _(
        "%(given)s von %(total)s Institutionen haben eine fachliche Stellungnahme abgegeben; "
        "der Wortlaut steht in Anlage 1."
    ) % {"given": len(given), "total": len(annex)}
    if missing:
        text += " " + _("Keine Stellungnahme: %(names)s.") % {"names": ", ".join(missing)}
    return {
        "text": text,
        "items": [
            {"institution": s.get("institution", ""), "excerpt": _first_sentence(s.get("text", ""))}
            for s in given
        ],
    }


def drucksache_context(recommendation) -> dict:
    """Everything one Drucksache page shows, in the order of the seed's layout."""
    paper = recommendation.paper
    consultations = consultation_rows(recommendation)
    if not consultations:
        consultations = [
            {
                "body": recommendation.project.committee.name,
                "date": _date(recommendation.recommended_on),
                "treatment": _("nicht öffentlich"),
            },
            {
                "body": AUSSCHUSS_NAME,
                "date": _date(recommendation.decision_date) or _("noch nicht terminiert"),
                "treatment": _("öffentlich"),
            },
        ]
    site = recommendation.site
    annex_titles = []
    if recommendation.annex:
        annex_titles.append(
            _("Anlage 1: Fachliche Stellungnahmen der Institutionen (%(count)s)")
            % {"count": len(recommendation.annex)}
        )
    agenda = agenda_result(recommendation)
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
        "vote": vote_summary(recommendation),
        "statements": statements_summary(recommendation),
        "annex_titles": annex_titles,
        "annex": recommendation.annex,
        "date": _date(recommendation.recommended_on),
        "signer": signer or _("Geschäftsstelle Sozialraumplanung"),
        "decision": recommendation.get_decision_display()
        if recommendation.decision != "pending"
        else "",
        "decision_date": _date(recommendation.decision_date),
        "decision_note": recommendation.decision_note,
        "agenda": agenda,
        "agenda_line": agenda_line(agenda) if agenda and agenda["result"] else "",
    }


def agenda_line(agenda: dict) -> str:
    line = _("Ergebnis %(body)s (TOP %(top)s am %(date)s): %(result)s") % agenda
    if agenda["resolution_text"]:
        line += " " + agenda["resolution_text"]
    return line


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
        site_line = ctx["site_line"]
        if ctx["social_area"]:
            site_line += ", " + _("Sozialraum") + " " + ctx["social_area"]
        document.add_paragraph(_("Empfohlener Standort") + ": " + site_line + ".")
        document.add_heading(_("Abstimmungsergebnis im Begleitgremium"), level=2)
        document.add_paragraph(ctx["vote"]["text"])
        if ctx["vote"]["rows"]:
            add_table(document, ctx["vote"]["header"], ctx["vote"]["rows"])
        document.add_heading(_("Stellungnahmen der Institutionen"), level=2)
        document.add_paragraph(ctx["statements"]["text"])
        for item in ctx["statements"]["items"]:
            document.add_paragraph(f"{item['institution']}: {item['excerpt']}", style="List Bullet")
        if ctx["decision"]:
            decision = (
                _("Entscheidung des Ausschusses") + f": {ctx['decision']} ({ctx['decision_date']})."
            )
            if ctx["decision_note"]:
                decision += " " + ctx["decision_note"]
            document.add_paragraph(decision)
        elif ctx["agenda"] and ctx["agenda"]["result"]:
            document.add_paragraph(agenda_line(ctx["agenda"]))
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
    "Art der Abstimmung",
    "Ja",
    "Nein",
    "Enthaltung",
    "Stimmen je Option",
    "Abstimmungsergebnis",
    "öffentlich",
    "Stellungnahmen",
    "Entscheidung des Ausschusses",
    "Datum der Entscheidung",
]


def _csv_vote_cells(recommendation) -> list:
    """Art, Ja, Nein, Enthaltung (yes/no votes only), Stimmen je Option, Ergebnis."""
    from gremium.models import Vote

    summary = vote_summary(recommendation)
    kind = summary["kind"]
    if kind == Vote.Kind.YES_NO or not kind:
        r = recommendation
        yes_no = [r.votes_yes, r.votes_no, r.votes_abstain]
    else:
        yes_no = ["", "", ""]
    per_option = ""
    if kind in (Vote.Kind.SINGLE, Vote.Kind.RANKED):
        points = kind == Vote.Kind.RANKED
        per_option = " | ".join(
            f"{o['label']}: {o['votes']}" + (f" ({o.get('points') or 0} P.)" if points else "")
            for o in recommendation.vote_detail["options"]
        )
    kind_label = str(Vote.Kind(kind).label) if kind else ""
    return [kind_label, *yes_no, per_option, summary["text"]]


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
                *_csv_vote_cells(r),
                "ja" if r.public else "nein",
                len(r.annex or []),
                r.get_decision_display(),
                _fmt(r.decision_date),
            ]
        )
        progress(n, len(recommendations))
    return _filename(recommendations, "csv"), CSV, csv_bytes(CSV_HEADER, rows)


BUILDERS = {"pdf": build_pdf, "docx": build_docx, "csv": build_csv}
