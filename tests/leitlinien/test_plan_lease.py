"""A plan build whose worker died does not stay "running" for ever (erfurt_srp.exports.leases)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leitlinien import services
from leitlinien.models import PlanExport
from leitlinien.plan import plan_build

from .factories import MeasureFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(monkeypatch):
    """later(hours): from now on the clock shows that much later."""

    def travel(hours):
        moment = timezone.now() + timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


def _worker_starts_and_dies(export):
    """What a worker does before it is killed: take the row, then never finish it."""
    PlanExport.objects.filter(pk=export.pk).update(
        status=PlanExport.Status.RUNNING, started_at=timezone.now(), progress=20
    )


def test_stale_build_is_shown_failed_and_can_be_built_again(
    client, staff_user, later, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("leitlinien:plan_request"))
    export = PlanExport.objects.get()
    _worker_starts_and_dies(export)

    later(hours=2)
    page = client.get(export.get_absolute_url()).content.decode()
    export.refresh_from_db()
    assert export.status == PlanExport.Status.FAILED
    assert "fehlgeschlagen" in page and "Erneut erstellen" in page
    assert 'hx-trigger="every 2s"' not in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("leitlinien:plan_request"))
    assert PlanExport.objects.count() == 2 and len(callbacks) == 1


def test_a_build_within_its_lease_is_left_running(client, staff_user, later):
    export = services.plan_export_request(actor=staff_user, enqueue=False)
    _worker_starts_and_dies(export)
    later(hours=0.25)
    client.force_login(staff_user)
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert plan_build(export.pk) is None  # a second delivery does not build it twice
    assert services.plan_export_request(actor=staff_user).pk == export.pk


def test_stale_disposition_table_build_does_not_block_a_new_one(staff_user, later):
    consultation_round = RoundFactory()
    first = services.disposition_table_export_request(
        consultation_round=consultation_round, actor=staff_user
    )
    _worker_starts_and_dies(first)
    later(hours=2)
    second = services.disposition_table_export_request(
        consultation_round=consultation_round, actor=staff_user
    )
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == PlanExport.Status.FAILED


def test_a_redelivered_task_takes_over_a_stale_build(staff_user, later):
    MeasureFactory(title="Sozialberatung vor Ort")
    export = services.plan_export_request(actor=staff_user, enqueue=False)
    _worker_starts_and_dies(export)
    later(hours=2)
    built = plan_build(export.pk)
    assert built is not None and built.status == PlanExport.Status.DONE
