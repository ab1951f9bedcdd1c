"""Leases of background export jobs.

A job row (waiting or running) holds a lease until a point in time by which its worker must have
finished it: the task's hard time limit plus the time a message may wait in the queue. A worker
that dies (killed, out of memory, container restarted) leaves its row "running"; once the lease
has run out the row is stale. A redelivered task message may take such a row over (`claimable`),
and any page that shows jobs marks stale rows failed (`expire_stale`), so the user sees the
failure and can build again instead of waiting for ever.
"""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_ERROR = _(
    "Die Erstellung wurde unterbrochen (der Hintergrundprozess ist ausgefallen). "
    "Bitte erstellen Sie den Export erneut."
)


class LeasedJob(models.Model):
    """Abstract base of job models: `lease_until` and the job's lease length."""

    # Longest a job may take from request to finish: queue wait plus the task's hard time limit.
    LEASE = timedelta(minutes=40)

    lease_until = models.DateTimeField(
        _("spätestens fertig bis"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @classmethod
    def new_lease(cls, now: datetime | None = None) -> datetime:
        return (now or timezone.now()) + cls.LEASE


def stale(now: datetime | None = None) -> Q:
    """Rows whose lease has run out (rows without a lease never go stale)."""
    return Q(lease_until__lt=now or timezone.now())


def claimable(*, waiting: str, running: str, status_field: str = "status", now=None) -> Q:
    """Rows a worker may start: waiting ones, and running ones whose worker is gone."""
    return Q(**{status_field: waiting}) | (Q(**{status_field: running}) & stale(now))


def expire_stale(
    queryset: QuerySet,
    *,
    active: list[str],
    failed: str,
    status_field: str = "status",
    now: datetime | None = None,
    **extra,
) -> int:
    """Mark the stale rows among the active (waiting, running) ones failed; returns how many."""
    now = now or timezone.now()
    return (
        queryset.filter(**{f"{status_field}__in": active})
        .filter(stale(now))
        .update(
            **{status_field: failed},
            error=str(STALE_ERROR),
            finished_at=now,
            lease_until=None,
            **extra,
        )
    )
