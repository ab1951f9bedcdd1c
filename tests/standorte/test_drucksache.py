"""The recommendation as a council paper: what the DOCX, the PDF and the CSV say, read back
from the generated files and compared with the vote, the statements and the Beratungsfolge."""

import csv
import io
import re
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from gremium.models import Consultation, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from standorte import exports, selectors, services
from standorte.models import Deliberation, Recommendation
from tests.gremium.factories import MembershipFactory

from .factories import ProjectFactory, SiteProposalFactory

pytestmark = pytest.mark.django_db

LONG_RATIONALE = (
    "Bestehende Anlaufstelle mit Räumen der Wohnungsunternehmen, gut erreichbar mit der "
    "Straßenbahn und nahe an Schulen, Kitas und dem Stadtteilzentrum; "
) * 3


@pytest.fixture
def members(committee, member_membership):
    others = [MembershipFactory(committee=committee, role="member") for _ in range(3)]
    return [member_membership, *others]


def _sites(project, n):
    names = ["Stadtteiltreff Berolina", "Stadtteilbüro Rieth", "Anlaufstelle Roter Berg"]
    names += ["Treffpunkt Johannesplatz"]
    return [
        SiteProposalFactory(
            project=project,
            name=names[i],
            address=f"Musterstraße {i + 1}",
            rationale=LONG_RATIONALE,
        )
        for i in range(n)
    ]


def _deliberate(project, members, staff_user):
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    for m in members:
        statement_services.statement_submit(
            statement_round=deliberation.statement_round,
            actor=m.person.user,
            text=f"{m.institution.name} befürwortet den Vorschlag. Begründung im Detail folgt.",
        )
    return deliberation


def _close(vote, staff_user, capture):
    with capture(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)
    rec = Recommendation.objects.get()
    return list(selectors.recommendations_for_export(recommendation_id=rec.pk))[0]


@pytest.fixture
def yes_no(committee, members, staff_user, django_capture_on_commit_callbacks):
    project = ProjectFactory(committee=committee, name="ThINKA Erfurt")
    (site,) = _sites(project, 1)
    deliberation = _deliberate(project, members, staff_user)
    vote = services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    keys = {o.key: o.pk for o in vote.options.all()}
    for m, key in zip(members, ["yes", "yes", "no", "abstain"], strict=True):
        vote_services.ballot_cast(vote=vote, actor=m.person.user, choice=keys[key])
    return _close(vote, staff_user, django_capture_on_commit_callbacks)


@pytest.fixture
def single(committee, members, staff_user, django_capture_on_commit_callbacks):
    project = ProjectFactory(committee=committee, name="ThINKA Erfurt")
    sites = _sites(project, 4)
    deliberation = _deliberate(project, members, staff_user)
    vote = services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    option_for = {v: int(k) for k, v in Deliberation.objects.get().option_proposals.items()}
    for m, site in zip(members, [sites[1], sites[1], sites[0], sites[1]], strict=True):
        vote_services.ballot_cast(vote=vote, actor=m.person.user, choice=option_for[site.pk])
    return _close(vote, staff_user, django_capture_on_commit_callbacks)


@pytest.fixture
def ranked(committee, members, staff_user, django_capture_on_commit_callbacks):
    project = ProjectFactory(committee=committee, name="ThINKA Erfurt")
    sites = _sites(project, 3)
    deliberation = _deliberate(project, members, staff_user)
    vote = vote_services.vote_open(
        committee=committee,
        subject=deliberation,
        question="In welcher Reihenfolge empfiehlt das Gremium die Standorte?",
        kind=Vote.Kind.RANKED,
        options=[services.proposal_label(s) for s in sites],
        requires_complete_statement_round=False,
        actor=staff_user,
        notify=False,
    )
    options = list(vote.options.order_by("position"))
    Deliberation.objects.filter(pk=deliberation.pk).update(
        vote=vote,
        state=Deliberation.State.VOTING,
        option_proposals={str(o.pk): s.pk for o, s in zip(options, sites, strict=True)},
    )
    a, b, c = (o.pk for o in options)
    for m, ranking in zip(members, [[b, a, c], [b, c, a], [a, b, c], [c, b, a]], strict=True):
        vote_services.ballot_cast(vote=vote, actor=m.person.user, ranking=ranking)
    return _close(vote, staff_user, django_capture_on_commit_callbacks)


def _docx_text(rec) -> tuple[str, list[list[list[str]]]]:
    _name, _mime, content = exports.build_docx([rec])
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    return text, tables


def _pdf_text(rec) -> str:
    _name, _mime, content = exports.build_pdf([rec])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def _check_common(rec, docx_text, tables, pdf):
    full = _flat(exports.vote_summary(rec)["text"])
    # The whole result, once, in both documents; the Sachverhalt does not repeat it.
    assert _flat(docx_text).count(full) == 1
    assert pdf.count(full) == 1
    assert "Abstimmungsergebnis:" not in rec.text
    assert rec.vote_result == Vote.objects.get().result_text
    # The statements' summary, and each statement's first sentence.
    summary = exports.statements_summary(rec)["text"]
    assert summary.startswith("4 von 4 Institutionen haben eine fachliche Stellungnahme")
    assert _flat(summary) in _flat(docx_text) and _flat(summary) in pdf
    for entry in rec.annex:
        line = f"{entry['institution']}: {entry['institution']} befürwortet den Vorschlag."
        assert line in docx_text and line in pdf
    # The Beratungsfolge: Begleitgremium dated with the vote, the Ausschuss row says it is not
    # scheduled yet rather than staying empty.
    beratung = next(t for t in tables if t[0][0] == "Beratungsfolge")
    assert beratung[1][:2] == [rec.project.committee.name, rec.recommended_on.strftime("%d.%m.%Y")]
    assert beratung[2][:2] == [
        "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
        "noch nicht terminiert",
    ]
    # The number: city format from the year's sequence.
    assert re.fullmatch(r"\d{4}/\d{2}", rec.paper.reference)
    assert rec.paper.reference in docx_text and rec.paper.reference in pdf


def _vote_table(tables, first_header):
    return next(t for t in tables if t[0][0] == first_header)


def test_yes_no_vote_reads_as_yes_no_abstain(yes_no):
    rec = yes_no
    docx_text, tables = _docx_text(rec)
    pdf = _pdf_text(rec)
    _check_common(rec, docx_text, tables, pdf)
    assert _vote_table(tables, "Stimme")[1:] == [["Ja", "2"], ["Nein", "1"], ["Enthaltung", "1"]]
    assert (rec.votes_yes, rec.votes_no, rec.votes_abstain) == (2, 1, 1)
    text = exports.vote_summary(rec)["text"]
    assert text.startswith("angenommen: 2 Ja, 1 Nein, 1 Enthaltung.")
    assert "4 von 4 Institutionen haben abgestimmt" in text
    assert _flat(text) in pdf and "Ja 2" in pdf and "Enthaltung 1" in pdf
    row = _csv_row(rec)
    assert (row["Art der Abstimmung"], row["Ja"], row["Nein"], row["Enthaltung"]) == (
        "Ja / Nein / Enthaltung",
        "2",
        "1",
        "1",
    )


def test_single_choice_reads_as_options_with_counts(single):
    rec = single
    docx_text, tables = _docx_text(rec)
    pdf = _pdf_text(rec)
    _check_common(rec, docx_text, tables, pdf)
    # Four long site labels: the old 300-character column cut this result mid-word.
    assert len(rec.vote_result) > 300
    labels = [o.label for o in Vote.objects.get().options.order_by("position")]
    expected = dict(zip(labels, [1, 3, 0, 0], strict=True))  # Berolina 1, Rieth 3
    table = _vote_table(tables, "Option")
    assert table[0] == ["Option", "Stimmen"]
    assert {label: int(n) for label, n in table[1:]} == expected
    assert "Ja" not in [r[0] for r in table] and rec.site.name == "Stadtteilbüro Rieth"
    assert "gewählt ist " + labels[1] + " mit 3 Stimmen" in exports.vote_summary(rec)["text"]
    for label, n in expected.items():
        assert f"{_flat(label)} {n}" in pdf
    row = _csv_row(rec)
    assert (row["Ja"], row["Nein"], row["Enthaltung"]) == ("", "", "")
    assert row["Stimmen je Option"] == " | ".join(f"{k}: {v}" for k, v in expected.items())
    assert row["Abstimmungsergebnis"] == exports.vote_summary(rec)["text"]


def test_ranked_vote_reads_as_ranks_with_points(ranked):
    rec = ranked
    docx_text, tables = _docx_text(rec)
    pdf = _pdf_text(rec)
    _check_common(rec, docx_text, tables, pdf)
    a, b, c = (o.label for o in Vote.objects.get().options.order_by("position"))
    # Borda with 3 options: 2-1-0. b: 2+2+1+1 = 6, a: 1+0+2+0 = 3, c: 0+1+0+2 = 3.
    table = _vote_table(tables, "Rang")
    assert table[0] == ["Rang", "Option", "Punkte", "Erstplatzierungen"]
    assert table[1] == ["1.", b, "6", "2"]
    assert sorted(r[1:] for r in table[2:]) == sorted([[a, "3", "1"], [c, "3", "1"]])
    assert rec.site.name == "Stadtteilbüro Rieth"
    assert f"1. {_flat(b)} 6 2" in pdf
    row = _csv_row(rec)
    assert row["Art der Abstimmung"] == "Rangfolge der Optionen"
    assert f"{b}: 2 (6 P.)" in row["Stimmen je Option"]


def _csv_row(rec) -> dict:
    _name, _mime, content = exports.build_csv([rec])
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    return rows[0]


def test_ausschuss_row_carries_its_date_once_decided(single, staff_user):
    services.recommendation_record_decision(
        actor=staff_user,
        recommendation=single,
        decision=Recommendation.Decision.AGREED,
        decision_date=date.today(),
    )
    rec = list(selectors.recommendations_for_export(recommendation_id=single.pk))[0]
    _docx, tables = _docx_text(rec)
    beratung = next(t for t in tables if t[0][0] == "Beratungsfolge")
    assert beratung[2][1] == date.today().strftime("%d.%m.%Y")
    assert Consultation.objects.filter(paper=rec.paper).count() == 2


def test_statements_summary_names_who_gave_none():
    rec = Recommendation(
        annex=[
            {"institution": "Amt für Soziales", "given": True, "text": "Wir befürworten. Mehr."},
            {"institution": "Jobcenter", "given": False, "text": "Keine Stellungnahme abgegeben."},
        ]
    )
    summary = exports.statements_summary(rec)
    assert summary["text"] == (
        "1 von 2 Institutionen haben eine fachliche Stellungnahme abgegeben; der Wortlaut steht "
        "in Anlage 1. Keine Stellungnahme: Jobcenter."
    )
    assert summary["items"] == [{"institution": "Amt für Soziales", "excerpt": "Wir befürworten."}]
