import io
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from leitlinien.models import Audience, GuidelineVersion, PlanExport
from leitlinien.plan import plan_build, plan_docx, plan_pdf_document

from .factories import MeasureFactory, RoundFactory, answer, round_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_data():
    measure = MeasureFactory(title="Sozialberatung vor Ort", planning_level="area")
    version = measure.source_version
    GuidelineVersion.objects.filter(pk=version.pk).update(adoption_reference="Sitzung 7")
    consultation_round = RoundFactory(version=version, audience=Audience.DISTRICTS)
    comment = round_comment(consultation_round, anchor="2", body="<p>Bitte den Ortsteil nennen</p>")
    answer(comment, consultation_round)
    type(consultation_round).objects.filter(pk=consultation_round.pk).update(
        evaluated_at=consultation_round.ends_at
    )
    return measure


def test_button_queues_the_build_and_returns_at_once(
    client, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("leitlinien:plan_request"))
    export = PlanExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert export.status == PlanExport.Status.QUEUED and len(callbacks) == 1
    # a second click while it waits reuses the queued build
    client.post(reverse("leitlinien:plan_request"))
    assert PlanExport.objects.count() == 1
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "wartet" in page
    partial = client.get(export.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="plan-status"') and "<html" not in partial


def test_build_writes_pdf_with_toc_and_page_numbers_and_docx(plan_data, client, member_user):
    export = PlanExport.objects.create()
    result = plan_build(export.pk)
    assert result.status == PlanExport.Status.DONE and result.progress == 100
    assert (result.guideline_count, result.measure_count, result.comment_count) == (1, 1, 1)
    pdf = result.pdf.read()
    assert pdf[:4] == b"%PDF"
    document = Document(result.docx.path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Inhaltsverzeichnis" in text and "Sozialberatung vor Ort" in "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Bitte den Ortsteil nennen" in "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    # the same export is not built twice (a redelivered task is skipped)
    assert plan_build(export.pk) is None
    client.force_login(member_user)
    response = client.get(reverse("leitlinien:plan_download", args=[export.pk, "pdf"]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"


def test_build_failure_is_recorded(monkeypatch):
    export = PlanExport.objects.create()

    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr("leitlinien.plan.plan_pdf", boom)
    with pytest.raises(RuntimeError):
        plan_build(export.pk)
    export.refresh_from_db()
    assert export.status == PlanExport.Status.FAILED and "kaputt" in export.error


def _page_texts(document) -> list[str]:
    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


def test_pdf_has_a_table_of_contents_with_page_numbers(plan_data):
    from leitlinien.selectors import plan_content

    document = plan_pdf_document(plan_content(), title="Plan", generated_on="heute")
    pages = _page_texts(document)
    assert len(pages) >= 5  # title, contents, guidelines, measures, annex
    chapter = next(i for i, t in enumerate(pages) if "Maßnahmen nach Planungsebene" in t and i > 1)
    toc = pages[1]
    assert "Inhaltsverzeichnis" in toc
    # the entry for chapter 2 ends with the page number it is printed on
    assert re.search(r"Maßnahmen nach Planungsebene[ .]*" + str(chapter + 1) + r"\b", toc), toc
    assert f"Seite {chapter + 1} von {len(pages)}" in pages[chapter]
    assert "Seite" not in pages[0]  # no number on the title page


def test_management_command_builds_the_plan(plan_data, tmp_path):
    out = StringIO()
    target = tmp_path / "out"
    call_command("build_sozialraumplan", "--output-dir", str(target), stdout=out)
    assert "1 guidelines, 1 measures, 1 comments" in out.getvalue()
    assert {p.suffix for p in target.iterdir()} == {".pdf", ".docx"}


def test_adopted_version_date_appears_in_plan_content(plan_data):
    from leitlinien.selectors import plan_content

    GuidelineVersion.objects.filter(pk=plan_data.source_version_id).update(
        adopted_on=date(2023, 6, 14)
    )
    content = plan_content()
    assert content["versions"][0].adopted_on == date(2023, 6, 14)
    docx = Document(io.BytesIO(plan_docx(content, title="Plan", generated_on="heute")))
    assert "beschlossen am 14. Juni 2023 (Sitzung 7)" in "\n".join(p.text for p in docx.paragraphs)
    assert [lvl["label"] for lvl in content["measures_by_level"]] == [
        "Verwaltung",
        "Sozialraum/Quartier",
        "Schnittstelle",
    ]


def test_large_disposition_table_is_built_in_the_background_and_then_served(
    client, staff_user, public_user, ended_round, monkeypatch, django_capture_on_commit_callbacks
):
    from leitlinien import services, views

    monkeypatch.setattr(views, "SYNC_EXPORT_LIMIT", 1)
    for i in range(3):
        answer(round_comment(ended_round, body=f"Hinweis {i}"), ended_round)
    url = reverse("leitlinien:round_export", args=[ended_round.pk, "pdf"])
    client.force_login(public_user)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == ended_round.get_absolute_url()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    export = PlanExport.objects.get(round=ended_round)
    assert response["Location"] == export.get_absolute_url() and len(callbacks) == 1
    # closing the round queues the final table (the same waiting build is reused)
    with django_capture_on_commit_callbacks(execute=False):
        services.round_close(consultation_round=ended_round, actor=staff_user)
    assert PlanExport.objects.filter(round=ended_round).count() == 1
    plan_build(export.pk)
    client.force_login(public_user)
    pdf = client.get(url)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"
    docx = client.get(reverse("leitlinien:round_export", args=[ended_round.pk, "docx"]))
    assert b"".join(docx.streaming_content)[:2] == b"PK"
    # the plan list shows plans only
    client.force_login(staff_user)
    page = client.get(reverse("leitlinien:plan_index")).content.decode()
    assert export.get_absolute_url() not in page and "Noch kein Plan erstellt." in page


def test_a_waiting_disposition_table_or_report_build_is_not_taken_for_the_plan(
    staff_user, ended_round, django_capture_on_commit_callbacks
):
    from leitlinien import services
    from leitlinien.models import ProgressReport

    report = ProgressReport.objects.create(title="Bericht", period_end=date(2024, 1, 1))
    PlanExport.objects.create(round=ended_round)
    PlanExport.objects.create(report=report)
    with django_capture_on_commit_callbacks(execute=False):
        export = services.plan_export_request(actor=staff_user)
    assert export.round_id is None and export.report_id is None
    assert PlanExport.objects.count() == 3
