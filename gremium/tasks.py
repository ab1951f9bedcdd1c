"""Celery tasks of gremium (autodiscovered): the beat jobs, each a thin call of one service.

gremium's services enqueue no tasks; were one to, its task would sit beside it in the service
module. The task names are the registered names the beat schedule (settings) uses.
"""

from celery import shared_task

from .services.guests import guest_access_expire
from .services.meetings import reminders_send_due
from .services.votes import votes_send_due as _votes_send_due


@shared_task(name="gremium.tasks.meeting_reminders_send")
def meeting_reminders_send() -> int:
    """Send the meeting reminders that are due (Meeting.reminder_due_at <= now)."""
    return reminders_send_due()


@shared_task(name="gremium.tasks_votes.votes_send_due")
def votes_send_due() -> dict:
    """Close online votes whose deadline has passed and send the vote and statement-round
    reminders that are due (the due times are stored on the rows: remind_at, deadline)."""
    return _votes_send_due()


@shared_task(name="gremium.tasks.guest_access_expire")
def guest_accesses_expire() -> int:
    """Remove the guardian permissions of guest accesses that ended or were revoked."""
    return guest_access_expire()
