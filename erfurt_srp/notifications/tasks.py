from celery import shared_task

from . import sending


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(sending.TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def outbox_send(self, message_id: int) -> str:
    """Send one outbox message exactly once; safe to run any number of times."""
    return sending.send_message(
        message_id=message_id, final_attempt=self.request.retries >= sending.MAX_ATTEMPTS
    )


@shared_task
def outbox_retry_stuck() -> int:
    """Re-enqueue messages stuck in sending (a killed worker) or left pending."""
    return sending.requeue_stuck()
