"""An export whose worker died does not stay "running" for ever (erfurt_srp.exports.leases)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from standorte import services
from standorte.models import ExportJob
from standorte.tasks import export_job_run

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(monkeypatch):
    def travel(hours):
        moment = timezone.now() + timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


@pytest.fixture
def job(staff_user, committee, django_capture_on_commit_callbacks):
    recommendation = RecommendationFactory(site__project__committee=committee)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_job_request(
            actor=staff_user, export_format="csv", recommendation=recommendation
        )
    # the worker takes the job and is killed before it finishes
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, progress=30)
    return job


def test_stale_export_is_shown_failed_with_a_retry(client, staff_user, job, later):
    later(hours=2)
    client.force_login(staff_user)
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert "fehlgeschlagen" in page and "Erneut versuchen" in page
    response = client.post(reverse("standorte:export_retry", args=[job.pk]))
    assert response.status_code == 302 and ExportJob.objects.count() == 2


def test_a_redelivered_task_takes_over_a_stale_export(job, later):
    later(hours=2)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.filename.endswith(".csv")


def test_an_export_within_its_lease_is_left_alone(client, staff_user, job, later):
    later(hours=0.25)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING
    client.force_login(staff_user)
    assert 'hx-trigger="every 2s"' in client.get(job.get_absolute_url()).content.decode()
