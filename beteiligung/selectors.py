"""Read queries of the beteiligung app."""

import copy
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import page_cache
from .models import Event, EventTable, Registration, split_token

S = Registration.Status


def _places(field: str, condition: Q):
    """Sum of places (a registration may be a small group) under a condition, 0 when none."""
    return Coalesce(Sum(field, filter=condition), 0)


def holding_q(now) -> Q:
    """Registrations that hold a place: confirmed, or pending and not yet expired."""
    return Q(status=S.CONFIRMED) | Q(status=S.PENDING, expires_at__gt=now)


def held_places(*, event_id: int, now=None) -> tuple[int, dict[int, int]]:
    """Return (places held for the event, {table id: places held at that table})."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(holding_q(now), event_id=event_id)
        .values_list("table_id")
        .annotate(n=Sum("places"))
        .order_by()
    )
    per_table = {table_id: n for table_id, n in rows}
    return sum(per_table.values()), {k: v for k, v in per_table.items() if k is not None}


@dataclass
class TableAvailability:
    table: EventTable
    held: int

    @property
    def free(self) -> int:
        return max(0, self.table.capacity - self.held)


def event_list_public(*, now=None) -> QuerySet[Event]:
    """Published events, upcoming first, each annotated with the places held (one query)."""
    now = now or timezone.now()
    return (
        Event.objects.filter(published=True)
        .annotate(
            held=_places(
                "registrations__places",
                Q(registrations__status=S.CONFIRMED)
                | Q(registrations__status=S.PENDING, registrations__expires_at__gt=now),
            )
        )
        .order_by("-starts_at", "-id")
    )


def event_list_next_public(*, limit: int = 2, now=None) -> list[Event]:
    """The next published events open to everyone, soonest first (for the home page)."""
    now = now or timezone.now()
    return list(
        Event.objects.filter(published=True, access=Event.Access.PUBLIC, ends_at__gt=now)
        .only(
            "slug",
            "title",
            "summary",
            "starts_at",
            "ends_at",
            "venue",
            "registration_opens_at",
            "registration_closes_at",
        )
        .order_by("starts_at", "id")[:limit]
    )


def event_get_public(*, slug: str) -> Event | None:
    return Event.objects.filter(slug=slug, published=True).first()


# The public event page and its registration form read the event, its tables and programme on
# every request, but only staff edits change them. Each process keeps a copy under the
# definition version that page_cache.definition_changed bumps whenever an event, table or
# programme item is saved or deleted: one cache read replaces two to three queries.
_definitions: dict[str, tuple[int, Event]] = {}


def event_get_public_cached(*, slug: str) -> Event | None:
    """The published event with its tables and programme prefetched (a copy of its own).

    For display and form validation only: registration_create re-reads capacity, window,
    access and the table capacities under the event lock.
    """
    version = page_cache.definition_version()
    known = _definitions.get(slug)
    if known is None or known[0] != version:
        event = (
            Event.objects.filter(slug=slug, published=True)
            .prefetch_related("tables", "programme_items")
            .first()
        )
        if event is None:
            return None  # unknown slugs are not kept (any address can be asked for)
        # Kept under the version read *before* the query: a change committed meanwhile has
        # bumped the version, so this copy is a miss next time rather than stale.
        known = _definitions[slug] = (version, event)
    return copy.copy(known[1])


HELD_CACHE_SECONDS = 2


def event_availability(
    *, event: Event, now=None, cached: bool = False
) -> tuple[int, list[TableAvailability]]:
    """Return (free places for the event, availability per table) with two queries.

    cached=True (public page views only, never a capacity decision) reuses the held counts for
    up to HELD_CACHE_SECONDS, so a burst of page views does not count the rows each time.
    """
    if cached:
        key = f"beteiligung:held:{event.pk}"
        total, per_table = cache.get(key) or (None, None)
        if total is None:
            total, per_table = held_places(event_id=event.pk, now=now)
            cache.set(key, (total, per_table), HELD_CACHE_SECONDS)
    else:
        total, per_table = held_places(event_id=event.pk, now=now)
    tables = [TableAvailability(t, per_table.get(t.pk, 0)) for t in event.tables.all()]
    return max(0, event.capacity - total), tables


def registration_by_token(token: str) -> Registration | None:
    public_id = split_token(token or "")
    if public_id is None:
        return None
    return Registration.objects.select_related("event", "table").filter(public_id=public_id).first()


def event_list_staff() -> QuerySet[Event]:
    now = timezone.now()
    return Event.objects.annotate(
        n_confirmed=_places("registrations__places", Q(registrations__status=S.CONFIRMED)),
        n_pending=_places(
            "registrations__places",
            Q(registrations__status=S.PENDING, registrations__expires_at__gt=now),
        ),
        n_waiting=_places("registrations__places", Q(registrations__status=S.WAITING)),
        n_present=_places("registrations__places", Q(registrations__checked_in_at__isnull=False)),
    ).order_by("-starts_at", "-id")


def event_list_upcoming_staff(*, limit: int = 5) -> list[Event]:
    return list(
        event_list_staff().filter(ends_at__gte=timezone.now()).order_by("starts_at")[:limit]
    )


def registration_list(
    *,
    event: Event,
    status: str = "",
    table_id: int | None = None,
    kind: str = "",
    need: str = "",
    query: str = "",
) -> QuerySet[Registration]:
    qs = Registration.objects.filter(event=event).select_related("table")
    if status:
        qs = qs.filter(status=status)
    if table_id:
        qs = qs.filter(table_id=table_id)
    if kind:
        qs = qs.filter(kind=kind)
    if need == "step_free":
        qs = qs.filter(needs_step_free=True)
    elif need == "sign_language":
        qs = qs.filter(needs_sign_language=True)
    elif need == "induction_loop":
        qs = qs.filter(needs_induction_loop=True)
    elif need == "other":
        qs = qs.exclude(needs_other="")
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(organisation__icontains=query)
        )
    return qs.order_by("name", "id")


def event_held_figures(*, event: Event) -> dict:
    """What the public page of a past event tells: places confirmed and present, per table.

    Counts rows, so it stays right after the personal data were shredded.
    """
    counts = registration_counts(event=event)
    return {
        "confirmed": counts["confirmed"],
        "present": counts["present"],
        "tables": [(t.title, t.n_confirmed, t.n_present) for t in counts["tables"]],
    }


def registration_counts(*, event: Event) -> dict:
    """Counts for the staff overview: per status, per table, per need, per kind, attendance.

    Uses three queries regardless of the number of registrations.
    """
    held = Q(status=S.CONFIRMED)
    agg = Registration.objects.filter(event=event).aggregate(
        confirmed=_places("places", held),
        pending=_places("places", Q(status=S.PENDING)),
        waiting=_places("places", Q(status=S.WAITING)),
        cancelled=Count("id", filter=Q(status=S.CANCELLED)),
        expired=Count("id", filter=Q(status=S.EXPIRED)),
        present=_places("places", Q(checked_in_at__isnull=False)),
        step_free=Count("id", filter=held & Q(needs_step_free=True)),
        sign_language=Count("id", filter=held & Q(needs_sign_language=True)),
        induction_loop=Count("id", filter=held & Q(needs_induction_loop=True)),
        other=Count("id", filter=held & ~Q(needs_other="")),
    )
    tables = list(
        event.tables.annotate(
            n_confirmed=_places("registrations__places", Q(registrations__status=S.CONFIRMED)),
            n_waiting=_places("registrations__places", Q(registrations__status=S.WAITING)),
            n_present=_places(
                "registrations__places", Q(registrations__checked_in_at__isnull=False)
            ),
        )
    )
    by_kind_rows = dict(
        Registration.objects.filter(event=event, status=S.CONFIRMED)
        .values_list("kind")
        .annotate(n=Sum("places"))
        .order_by()
    )
    by_kind = [(label, by_kind_rows.get(value, 0)) for value, label in Registration.Kind.choices]
    needs = [
        ("step_free", Registration._meta.get_field("needs_step_free").verbose_name),
        ("sign_language", Registration._meta.get_field("needs_sign_language").verbose_name),
        ("induction_loop", Registration._meta.get_field("needs_induction_loop").verbose_name),
        ("other", Registration._meta.get_field("needs_other").verbose_name),
    ]
    return {
        **agg,
        "tables": tables,
        "by_kind": by_kind,
        "needs": [(key, label, agg[key]) for key, label in needs],
        "attendance_rate": round(100 * agg["present"] / agg["confirmed"])
        if agg["confirmed"]
        else 0,
    }


def checkin_search(*, event: Event, query: str = "", limit: int = 50) -> list[Registration]:
    qs = Registration.objects.filter(event=event, status=S.CONFIRMED).select_related("table")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(organisation__icontains=query))
    return list(qs.order_by("name", "id")[:limit])


def waiting_position(*, registration: Registration) -> int | None:
    """Return the 1-based place on the waiting list (confirmed e-mail only), or None."""
    if registration.status != S.WAITING or not registration.email_confirmed_at:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=S.WAITING,
        email_confirmed_at__isnull=False,
    ).filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, id__lt=registration.id)
    )
    return (ahead.aggregate(n=Coalesce(Sum("places"), 0))["n"] or 0) + 1
