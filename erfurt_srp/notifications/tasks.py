"""Celery tasks of the outbox; all routed to the `mail` queue (settings.CELERY_TASK_ROUTES).

Thin: they take ids and call sending.py. New messages are sent by a debounced drain: on
commit the caller calls request_drain(), which publishes one outbox_drain unless one is queued
already (a cache flag). Explicit ids (the beat job's lost and stuck rows) go through
enqueue_sends().
"""

import contextlib
import logging

from celery import shared_task
from django.core.cache import cache
from django.db import close_old_connections, connection

from . import sending

logger = logging.getLogger(__name__)

# Up to this many sends are published one by one; larger sets go out in batch tasks (one mail
# server connection each) so that a request queueing 2,000 invitations publishes a handful of
# broker messages, not 2,000.
DIRECT_ENQUEUE_LIMIT = 50
BATCH_SIZE = 100
# New messages one drain reads; if there are more, it hands the rest to a follow-up drain.
DRAIN_PAGE = sending.REQUEUE_BATCH
# Set while a drain is queued (cache.add: one round trip per message in the request). If that
# drain gets lost, the flag expires and the next message queues a new one; the beat job
# (outbox_retry_stuck) finds anything older than sending.LOST_AFTER anyway.
DRAIN_FLAG = "outbox:drain-queued"
DRAIN_FLAG_SECONDS = 60


# Tasks that send many messages: redelivered if their worker dies (each send is claimed, so
# nothing goes out twice); out of time, the rest stay pending for the next drain or beat run.
_BATCH_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": BATCH_SIZE * 2,
    "time_limit": BATCH_SIZE * 2 + 60,
    "ignore_result": True,
}


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


@shared_task(**_BATCH_TASK_OPTIONS)
def outbox_send_batch(message_ids: list[int]) -> dict:
    """Send a batch over one mail server connection; a failed message retries on its own.

    Out of time or killed: the rest stay pending and the beat job enqueues them again.
    """
    _drop_stale_connections()
    return sending.send_messages(message_ids, on_retry=_retry_later)


@shared_task(**_BATCH_TASK_OPTIONS)
def outbox_drain(after: int = 0) -> int:
    """Send the new messages (pending and due): the first BATCH_SIZE here, the rest in batch
    tasks. Return how many it found.

    Race-free with request_drain() because the flag is deleted BEFORE the read: a message
    committed after the delete finds no flag and queues the next drain; a message that found
    the flag still set was committed before the delete, so the read below sees it.
    `after`: a follow-up drain continues behind this id (more than DRAIN_PAGE new messages).
    """
    _drop_stale_connections()
    if not after:
        try:
            cache.delete(DRAIN_FLAG)
        except Exception:  # cache down: request_drain() then publishes a drain per message
            logger.warning("outbox: could not clear the drain flag", exc_info=True)
    message_ids = sending.pending_message_ids(after=after, limit=DRAIN_PAGE)
    if len(message_ids) == DRAIN_PAGE:
        outbox_drain.apply_async(kwargs={"after": message_ids[-1]})
    for start in range(BATCH_SIZE, len(message_ids), BATCH_SIZE):
        outbox_send_batch.apply_async((message_ids[start : start + BATCH_SIZE],))
    if message_ids:
        sending.send_messages(message_ids[:BATCH_SIZE], on_retry=_retry_later)
    return len(message_ids)


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


def _retry_later(message_id: int, delay: int) -> None:
    """on_retry of a batch: the message alone tries again later in an outbox_send task."""
    try:
        outbox_send.apply_async((message_id,), countdown=delay)
    except Exception:  # broker down (or an eager retry failing again): the row says
        # "retrying" with its due time, and the beat job picks it up from there
        logger.warning("outbox: could not schedule the retry of message %s", message_id)


def request_drain() -> None:
    """Have all new messages committed so far sent: publish a drain unless one is queued.

    Call it from transaction.on_commit. In a burst this is one cache round trip per message
    instead of one broker publish. Without a working cache every call publishes a drain.
    """
    try:
        if not cache.add(DRAIN_FLAG, 1, DRAIN_FLAG_SECONDS):
            return  # a queued drain will see this message (see outbox_drain)
    except Exception:
        logger.warning("outbox: drain flag unavailable, publishing a drain", exc_info=True)
    try:
        outbox_drain.apply_async()
    except Exception:
        # Not published: the next message should try again, not wait for the flag to expire.
        with contextlib.suppress(Exception):
            cache.delete(DRAIN_FLAG)
        raise


def enqueue_sends(message_ids: list[int]) -> None:
    """Publish send tasks for these ids now (the beat job's lost and stuck rows; call it
    outside a transaction or from transaction.on_commit)."""
    if len(message_ids) <= DIRECT_ENQUEUE_LIMIT:
        for message_id in message_ids:
            outbox_send.apply_async((message_id,))
        return
    for start in range(0, len(message_ids), BATCH_SIZE):
        outbox_send_batch.apply_async((list(message_ids[start : start + BATCH_SIZE]),))
