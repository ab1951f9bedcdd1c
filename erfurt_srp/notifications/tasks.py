"""Celery tasks of the outbox; all routed to the `mail` queue (settings.CELERY_TASK_ROUTES).

Thin: they take ids and call sending.py. Callers enqueue through enqueue_sends().
"""

import logging

from celery import shared_task
from django.db import close_old_connections, connection

from . import sending

logger = logging.getLogger(__name__)

# Up to this many sends are published one by one; larger sets go out in batch tasks (one mail
# server connection each) so that a request queueing 2,000 invitations publishes a handful of
# broker messages, not 2,000.
DIRECT_ENQUEUE_LIMIT = 50
BATCH_SIZE = 100


def _drop_stale_connections() -> None:
    """Close broken or too old connections: a worker reuses them (CELERY_DB_REUSE_MAX).

    Never inside a transaction: an eager task may run in the caller's atomic block.
    """
    if not connection.in_atomic_block:
        close_old_connections()


@shared_task(
    bind=True,
    acks_late=True,  # safe: the send is idempotent (see sending.claim)
    reject_on_worker_lost=True,  # a killed worker's message is redelivered
    autoretry_for=(sending.TransientSendError,),
    retry_backoff=sending.RETRY_BACKOFF,
    retry_backoff_max=sending.RETRY_BACKOFF_MAX,
    retry_jitter=False,
    max_retries=sending.MAX_ATTEMPTS,
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def outbox_send(self, message_id: int) -> str:
    """Send one outbox message exactly once; safe to run any number of times."""
    _drop_stale_connections()
    return sending.send_message(message_id=message_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BATCH_SIZE * 2,
    time_limit=BATCH_SIZE * 2 + 60,
    ignore_result=True,
)
def outbox_send_batch(message_ids: list[int]) -> dict:
    """Send a batch over one mail server connection; a failed message retries on its own.

    Out of time or killed: the rest stay pending and the beat job enqueues them again.
    """
    _drop_stale_connections()

    def retry_later(message_id: int, delay: int) -> None:
        try:
            outbox_send.apply_async((message_id,), countdown=delay)
        except Exception:  # broker down (or an eager retry failing again): the row says
            # "retrying" with its due time, and the beat job picks it up from there
            logger.warning("outbox: could not schedule the retry of message %s", message_id)

    return sending.send_messages(message_ids, on_retry=retry_later)


@shared_task(ignore_result=True)
def outbox_retry_stuck() -> int:
    """Beat job: re-enqueue messages stuck in sending (a killed worker) or whose enqueue was lost."""
    _drop_stale_connections()
    message_ids = sending.due_message_ids()
    enqueue_sends(message_ids)
    return len(message_ids)


@shared_task(ignore_result=True)
def outbox_prune_old() -> int:
    """Beat job: delete text and attachments of finished messages past the retention period."""
    from django.conf import settings

    from .services import outbox_prune

    _drop_stale_connections()
    return outbox_prune(older_than_days=settings.OUTBOX_RETENTION_DAYS)


def enqueue_sends(message_ids: list[int]) -> None:
    """Publish send tasks for these ids now (call it from transaction.on_commit)."""
    if len(message_ids) <= DIRECT_ENQUEUE_LIMIT:
        for message_id in message_ids:
            outbox_send.apply_async((message_id,))
        return
    for start in range(0, len(message_ids), BATCH_SIZE):
        outbox_send_batch.apply_async((list(message_ids[start : start + BATCH_SIZE]),))
