"""Celery tasks of gremium (autodiscovered). Vote and statement tasks live in tasks_votes.py."""

from celery import shared_task

from .tasks_votes import *  # noqa: F403


@shared_task(name="gremium.tasks.meeting_reminders_send")
def meeting_reminders_send() -> int:
    """Beat job: send the meeting reminders that are due (Meeting.reminder_due_at <= now)."""
    from .services import reminders_send_due

    return reminders_send_due()
