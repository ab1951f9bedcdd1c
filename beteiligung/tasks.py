"""Periodic jobs (settings.CELERY_BEAT_SCHEDULE). Thin: each calls one service."""

from celery import shared_task

from . import services


@shared_task
def registrations_expire() -> int:
    return services.registrations_expire()


@shared_task
def event_reminders_send() -> int:
    return services.event_reminders_send()


@shared_task
def event_followups_send() -> int:
    return services.event_followups_send()


@shared_task
def registrants_shred_due() -> int:
    return services.registrants_shred_due()
