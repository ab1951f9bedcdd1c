from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from beteiligung import selectors, services, tasks
from beteiligung.models import Event, Registration, ShredLog
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from tests.beteiligung.factories import EventFactory, RegistrationFactory

S = Registration.Status
pytestmark = pytest.mark.django_db


def test_beat_schedule_runs_every_job_and_no_countdowns_are_used():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "beteiligung.tasks.registrations_expire",
        "beteiligung.tasks.event_reminders_send",
        "beteiligung.tasks.event_followups_send",
        "beteiligung.tasks.registrants_shred_due",
    ):
        assert task in names
    source = open(services.__file__).read() + open(tasks.__file__).read()
    assert "countdown" not in source and "eta=" not in source


def test_reminder_is_due_from_the_stored_time_and_sent_once(event, tables):
    RegistrationFactory(event=event, table=tables[0], email="a@example.org")
    RegistrationFactory(event=event, table=tables[0], email="w@example.org", status=S.WAITING)
    assert event.reminder_due_at == event.starts_at - timedelta(days=2)
    assert tasks.event_reminders_send() == 0
    later = event.reminder_due_at + timedelta(minutes=1)
    assert services.event_reminders_send(now=later) == 1
    assert services.event_reminders_send(now=later) == 0
    mail = OutboxMessage.objects.get(kind="beteiligung.reminder")
    assert mail.recipient == "a@example.org" and "Erinnerung" in mail.subject
    assert mail.attachments.exists()
    event.refresh_from_db()
    assert event.reminder_sent_at == later


def test_reminder_days_are_configurable_per_event(db):
    event = EventFactory(reminder_days_before=7)
    assert event.reminder_due_at == event.starts_at - timedelta(days=7)
    event.reminder_days_before = 0
    event.save(update_fields=["reminder_days_before"])
    event.refresh_from_db()
    assert event.reminder_due_at is None


def test_followup_goes_out_after_the_event_once_links_are_set(event, tables):
    RegistrationFactory(event=event, table=tables[0], email="a@example.org")
    after = event.ends_at + timedelta(hours=1)
    assert services.event_followups_send(now=after) == 0  # no links yet
    event.documentation_url = "https://example.org/doku"
    event.consultation_url = "https://example.org/leitlinien/runde"
    event.save()
    assert services.event_followups_send(now=event.ends_at - timedelta(minutes=1)) == 0
    assert services.event_followups_send(now=after) == 1
    assert services.event_followups_send(now=after) == 0
    body = OutboxMessage.objects.get(kind="beteiligung.followup").body
    assert "https://example.org/doku" in body and "https://example.org/leitlinien/runde" in body


def test_shredder_refuses_before_the_event_is_over(event, tables):
    RegistrationFactory(event=event, table=tables[0])
    with pytest.raises(DomainError) as error:
        services.registrants_shred(event_id=event.pk)
    assert error.value.code == "not_over"
    assert not ShredLog.objects.exists()


def test_shredder_anonymises_keeps_counts_logs_and_deletes_mails(event, tables, caplog):
    present = RegistrationFactory(
        event=event, table=tables[0], needs_sign_language=True, checked_in_at=timezone.now()
    )
    RegistrationFactory(event=event, table=tables[1], needs_other="Rollstuhlplatz")
    RegistrationFactory(event=event, table=tables[1], status=S.WAITING)
    services.event_message_send(
        event_id=event.pk, subject="Raum", body="Raum 2", audience="confirmed"
    )
    assert OutboxMessage.objects.count() == 2
    after = event.ends_at + timedelta(days=1)
    with caplog.at_level("INFO", logger="beteiligung.services"):
        log = services.registrants_shred(event_id=event.pk, now=after)
    assert "3 registrations anonymised" in caplog.text
    assert log.anonymised == 3 and log.messages_deleted == 2
    assert log.counts["confirmed"] == 2 and log.counts["present"] == 1
    assert log.counts["sign_language"] == 1 and log.counts["tables"] == {"Wohnen": 1, "Bildung": 1}
    assert not Registration.objects.exclude(email="").exists()
    assert not Registration.objects.exclude(name="").exists()
    assert not Registration.objects.exclude(needs_other="").exists()
    assert OutboxMessage.objects.count() == 0
    present.refresh_from_db()
    assert present.status == S.CONFIRMED and present.places == 1
    # Needs (health data) and check-in are gone from the row; their counts stay in the log.
    assert not (present.checked_in_at or present.needs_sign_language or present.needs_step_free)
    event.refresh_from_db()
    assert event.shredded_at == after


def test_beat_job_shreds_only_after_the_retention_period(settings, db):
    settings.BETEILIGUNG_RETENTION_DAYS = 30
    ended = timezone.now() - timedelta(days=31)
    old = EventFactory(
        starts_at=ended - timedelta(hours=3),
        ends_at=ended,
        registration_opens_at=ended - timedelta(days=20),
        registration_closes_at=ended - timedelta(days=1),
    )
    recent_end = timezone.now() - timedelta(days=5)
    recent = EventFactory(
        starts_at=recent_end - timedelta(hours=3),
        ends_at=recent_end,
        registration_opens_at=recent_end - timedelta(days=20),
        registration_closes_at=recent_end - timedelta(days=1),
    )
    RegistrationFactory(event=old, name="Alt")
    RegistrationFactory(event=recent, name="Neu")
    assert tasks.registrants_shred_due() == 1
    assert set(Registration.objects.values_list("name", flat=True)) == {"", "Neu"}
    assert Event.objects.get(pk=old.pk).shredded_at is not None
    assert tasks.registrants_shred_due() == 0


def test_expire_task_runs_the_service(event, tables):
    r = services.registration_create(
        event_id=event.pk,
        name="X",
        email="x@example.org",
        kind="citizen",
        consent=True,
        table_id=tables[0].pk,
    )
    Registration.objects.filter(pk=r.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.registrations_expire() == 1
    assert Registration.objects.get(pk=r.pk).status == S.EXPIRED


def test_demo_seeder_is_idempotent_and_has_the_2022_event(db):
    from beteiligung import demo

    demo.seed()
    demo.seed()
    event = Event.objects.get(slug="auftakt-sozialraumplanung-2022")
    start = timezone.localtime(event.starts_at)
    assert (start.year, start.month, start.day, start.hour) == (2022, 12, 2, 9)
    assert event.tables.count() == 5 and event.programme_items.count() >= 6
    # held in 2022 and shredded after the retention period: only the counts remain
    assert event.registrations.count() == sum(c + x for c, _p, x in demo.HELD_2022)
    assert not event.registrations.exclude(name="").exists()
    assert not event.registrations.exclude(email="").exists()
    assert event.shredded_at and event.shred_logs.count() == 1
    figures = selectors.event_held_figures(event=event)
    assert figures["confirmed"] == sum(c for c, _p, _x in demo.HELD_2022)
    assert figures["present"] == sum(p for _c, p, _x in demo.HELD_2022)
    open_event = Event.objects.get(slug="werkstatt-ortsteilbuergermeister")
    assert open_event.registration_state() == "open"


def test_an_old_demo_database_gets_a_new_event_open_for_registration(db):
    from beteiligung import demo

    demo.seed()
    past = timezone.now() - timedelta(days=400)
    Event.objects.filter(slug="werkstatt-ortsteilbuergermeister").update(
        starts_at=past,
        ends_at=past + timedelta(hours=3),
        registration_opens_at=past - timedelta(days=30),
        registration_closes_at=past - timedelta(days=2),
    )
    demo.seed()
    coming = Event.objects.exclude(
        slug__in=["werkstatt-ortsteilbuergermeister", "auftakt-sozialraumplanung-2022"]
    )
    assert coming.get().registration_state() == "open"


def test_followup_links_the_open_public_consultation_round_of_the_guidelines(
    event, tables, client, staff_user
):
    from django.urls import reverse

    from tests.leitlinien.factories import RoundFactory

    RegistrationFactory(event=event, table=tables[0], email="a@example.org")
    consultation = RoundFactory(ends_at=event.ends_at + timedelta(days=7))  # public, open
    guideline = consultation.version.guideline
    event.documentation_url = "https://example.org/doku"  # staff set only the documentation
    event.save()
    client.force_login(staff_user)
    page = client.get(reverse("beteiligung:staff_event_detail", args=[event.pk]))
    assert consultation.get_absolute_url() in page.content.decode()
    assert services.event_followups_send(now=event.ends_at + timedelta(hours=1)) == 1
    body = OutboxMessage.objects.get(kind="beteiligung.followup").body
    assert consultation.get_absolute_url() in body
    assert str(guideline.title) in body
    # A link entered by staff wins over the open round.
    event.consultation_url = "https://example.org/eigene-runde"
    assert services.consultation_link(event) == ("https://example.org/eigene-runde", "")
