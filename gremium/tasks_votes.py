"""Celery tasks for votes and statement rounds.

`votes_send_due` runs from the beat schedule (settings.CELERY_BEAT_SCHEDULE, every 5 minutes):
it closes online votes whose deadline has passed and sends the reminders that are due. Nothing is
scheduled with countdown/eta; the due times are stored on the rows (remind_at, deadline).
"""

from celery import shared_task

__all__ = ["votes_send_due"]


@shared_task(name="gremium.tasks_votes.votes_send_due")
def votes_send_due() -> dict:
    from .services_votes import votes_send_due as send_due

    return send_due()
