"""Exports for the Sozialausschuss: Drucksache PDF, DOCX, CSV; background job; nothing to export."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from docx import Document

from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Consultation, Paper
from standorte import exports, selectors
from standorte.models import ExportJob
from standorte.tasks import export_job_run

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(committee):
    rec = RecommendationFactory(
        title="Empfehlung zum Standort ThINKA Erfurt: Stadtteilbüro Rieth",
        text="Das Begleitgremium empfiehlt den Standort.\n\nZweiter Absatz.",
        recommended_on=date(2022, 10, 20),
        annex=[
            {"institution": "Amt für Soziales", "text": "Wir befürworten den Standort."},
            {"institution": "Jobcenter", "text": '=HYPERLINK("x") Zustimmung'},
        ],
    )
    paper = Paper.objects.create(
        reference="1803/22", name=rec.title, kind=Paper.Kind.RECOMMENDATION, public=True
    )
    Consultation.objects.create(
        paper=paper,
        body_name="Dienstberatung OB",
        date=date(2022, 10, 20),
        public=False,
        position=1,
    )
    Consultation.objects.create(
        paper=paper,
        body_name="Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
        date=date(2022, 11, 3),
        public=True,
        position=2,
    )
    rec.paper = paper
    rec.save()
    return rec


def _items(rec):
    return list(selectors.recommendations_for_export(recommendation_id=rec.pk))


def test_pdf_has_the_drucksache_layout(recommendation):
    items = [exports.drucksache_context(r) for r in _items(recommendation)]
    html = render_to_string("standorte/pdf/drucksache.html", {"items": items})
    for part in [
        "Titel der Drucksache:",
        "1803/22",
        "öffentlich",
        "Beratungsfolge",
        "Dienstberatung OB",
        "20.10.2022",
        "nicht öffentlich",
        "03.11.2022",
        "Sachverhalt",
        "Zweiter Absatz",
        "Anlagenverzeichnis",
        "Anlage 1: Fachliche Stellungnahmen der Institutionen (2)",
        "Datum, Unterschrift",
        "Wir befürworten den Standort.",
    ]:
        assert part in html, part
    filename, mimetype, content = exports.build_pdf(_items(recommendation))
    assert filename == "Drucksache-1803-22.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_docx_can_be_edited_further(recommendation):
    filename, _mimetype, content = exports.build_docx(_items(recommendation))
    assert filename.endswith(".docx")
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1803/22" in text and "Sachverhalt" in text and "Anlagenverzeichnis" in text
    assert "Datum, Unterschrift" in text
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells == ["Dienstberatung OB", "20.10.2022", "nicht öffentlich"]


def test_csv_is_one_row_per_recommendation_and_formula_safe(recommendation, committee):
    RecommendationFactory(title="=cmd|' /C calc'!A0", recommended_on=date(2022, 11, 1))
    items = list(
        selectors.recommendations_for_export(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    )
    _filename, _mimetype, content = exports.build_csv(items)
    text = content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Datum;Drucksache;Titel")
    assert len(lines) == 3
    assert "'=cmd" in text


def test_export_job_runs_stores_file_and_says_ready(
    client, staff_user, recommendation, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("standorte:export"),
            {"format": "pdf", "recommendation": recommendation.pk},
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.progress == 100
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Der Export ist fertig" in page
    download = client.get(reverse("standorte:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert OutboxMessage.objects.filter(
        kind="standorte.export_ready", recipient=staff_user.email
    ).exists()
    # Running the task again leaves the finished job alone.
    export_job_run(job.pk)
    assert ExportJob.objects.get().state == ExportJob.State.DONE


def test_polling_returns_the_status_fragment(client, staff_user, recommendation):
    job = ExportJob.objects.create(
        format="csv", recommendation=recommendation, total=1, requested_by=staff_user
    )
    client.force_login(staff_user)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div") and 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment


def test_export_of_nothing_is_a_clear_message(client, staff_user, recommendation):
    client.force_login(staff_user)
    response = client.post(
        reverse("standorte:export"),
        {"format": "csv", "date_from": "2030-01-01", "date_to": "2030-12-31"},
    )
    assert response.status_code == 200
    assert "keine Empfehlungen; es wurde nichts exportiert" in response.content.decode()
    assert 'value="2030-01-01"' in response.content.decode()
    assert not ExportJob.objects.exists()
    with pytest.raises(CommandError, match="nothing was exported"):
        call_command("export_recommendations", "--from", "2030-01-01")


def test_other_staff_cannot_see_my_export(
    client, staff_user, admin_user, recommendation, django_user_model
):
    job = ExportJob.objects.create(
        format="csv", recommendation=recommendation, total=1, requested_by=admin_user
    )
    client.force_login(staff_user)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_export_command_writes_files(tmp_path, recommendation):
    for fmt in ("pdf", "docx", "csv"):
        call_command(
            "export_recommendations",
            "--format",
            fmt,
            "--id",
            str(recommendation.pk),
            "--output",
            str(tmp_path),
        )
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".docx", ".pdf"]


def test_failed_export_says_so_and_offers_retry(client, staff_user, recommendation, monkeypatch):
    def broken(recommendations, progress):
        raise RuntimeError("Schriftart fehlt")

    monkeypatch.setitem(exports.BUILDERS, "pdf", broken)
    job = ExportJob.objects.create(
        format="pdf", recommendation=recommendation, total=1, requested_by=staff_user
    )
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "Schriftart fehlt" in job.error
    client.force_login(staff_user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "fehlgeschlagen" in page and "Erneut versuchen" in page
