"""Celery tasks of the guideline process: thin, they take ids and call leitlinien.plan."""

from celery import shared_task


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1800,
    time_limit=1900,
    ignore_result=True,
)
def plan_export_build(export_id: int) -> str:
    """Build the Sozialraumplan of one PlanExport row; a row already taken is skipped."""
    from .plan import plan_build

    export = plan_build(export_id)
    return "skipped" if export is None else export.status


@shared_task(ignore_result=True)
def pending_public_comments_purge() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): remove expired e-mail confirmations of public comments."""
    from .services import pending_public_comments_purge as purge

    return purge()


@shared_task(ignore_result=True)
def report_reminders_send() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): e-mail staff once when a progress report comes due."""
    from .reports.services import report_reminders_send_due

    return report_reminders_send_due()


@shared_task(name="leitlinien.tasks.theme_editors_expire", ignore_result=True)
def theme_editors_expire() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remove the guardian permissions of ended or revoked
    Federführungen."""
    from .services import theme_editors_expire as expire

    return expire()
