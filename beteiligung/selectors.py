"""Read queries of the beteiligung app."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from erfurt_srp.core import versioned_cache

from .models import Event, EventTable, Registration, held_places_expr, split_token

S = Registration.Status


def _places(field: str, condition: Q):
    """Sum of places (a registration may be a small group) under a condition, 0 when none."""
    return Coalesce(Sum(field, filter=condition), 0)


@dataclass
class TableAvailability:
    table: EventTable
    held: int

    @property
    def free(self) -> int:
        return max(0, self.table.capacity - self.held)


def _held_subquery(now):
    """Places held per event (the rule of models.holding_q), as a subquery on Event."""
    return Coalesce(
        Subquery(
            Registration.objects.filter(event=OuterRef("pk"))
            .holding(now)
            .values("event")
            .annotate(n=Sum(held_places_expr()))
            .values("n")
        ),
        0,
    )


def event_list_public(*, now=None) -> QuerySet[Event]:
    """Published events, upcoming first, each annotated with the places held (one query)."""
    now = now or timezone.now()
    return (
        Event.objects.filter(published=True)
        .annotate(held=_held_subquery(now))
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


# The namespace of the public pages' cached parts: apps.py bumps it when an event, table or
# programme item is saved or deleted (on commit).
CACHE_NAMESPACE = "beteiligung.public"


def event_get_public(*, slug: str) -> Event | None:
    return Event.objects.filter(slug=slug, published=True).first()


def event_get_public_with_details(*, slug: str, cache_version: int | None = None) -> Event | None:
    """The published event with its tables and programme, from the cache (3 queries saved on
    every view of the event page and every registration). For display and form validation
    only: registration_create reads what it decides on under the event lock."""

    def build():
        return (
            Event.objects.filter(slug=slug, published=True)
            .prefetch_related("tables", "programme_items")
            .first()
        )

    return versioned_cache.get_or_set(
        CACHE_NAMESPACE, ("event", slug), build, at_version=cache_version
    )


HELD_CACHE_SECONDS = 2


def event_availability(
    *, event: Event, now=None, cached: bool = False
) -> tuple[int, list[TableAvailability]]:
    """Return (free places for the event, availability per table).

    cached=True (public page views only, never a capacity decision) reuses the held counts for
    up to HELD_CACHE_SECONDS, so a burst of page views does not count the rows each time.
    """
    now = now or timezone.now()
    if cached:
        key = f"beteiligung:held:{event.pk}"
        held = cache.get(key)
        if held is None:
            held = Registration.objects.filter(event_id=event.pk).held_places(now)
            cache.set(key, held, HELD_CACHE_SECONDS)
        total, per_table = held
    else:
        total, per_table = Registration.objects.filter(event_id=event.pk).held_places(now)
    tables = [TableAvailability(t, per_table.get(t.pk, 0)) for t in event.tables.all()]
    return max(0, event.capacity - total), tables


def registration_by_token(token: str) -> Registration | None:
    public_id = split_token(token or "")
    if public_id is None:
        return None
    return Registration.objects.select_related("event", "table").filter(public_id=public_id).first()


def event_list_staff() -> QuerySet[Event]:
    now = timezone.now()
    events = Event.objects.annotate(
        n_confirmed=_places("registrations__places", Q(registrations__status=S.CONFIRMED)),
        n_held=_held_subquery(now),
        n_waiting=_places("registrations__places", Q(registrations__status=S.WAITING)),
        n_present=_places("registrations__places", Q(registrations__checked_in_at__isnull=False)),
    )
    # Unconfirmed registrations' held places: the held places (one rule) less the confirmed.
    return events.annotate(n_pending=F("n_held") - F("n_confirmed")).order_by("-starts_at", "-id")


def event_list_upcoming_staff(*, limit: int = 5) -> list[Event]:
    """The dashboard's coming events with what it shows of them: title, start, capacity, the
    confirmed and the waiting places."""
    return list(
        Event.objects.filter(ends_at__gte=timezone.now())
        .only("id", "title", "starts_at", "capacity")
        .annotate(
            n_confirmed=_places("registrations__places", Q(registrations__status=S.CONFIRMED)),
            n_waiting=_places("registrations__places", Q(registrations__status=S.WAITING)),
        )
        .order_by("starts_at", "id")[:limit]
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
    """An event's registrations, with the columns the staff list, its CSV export and the
    check-in PDF show (reading any other column of a row costs a query per row)."""
    qs = (
        Registration.objects.filter(event=event)
        .select_related("table")
        .only(
            "name",
            "email",
            "organisation",
            "kind",
            "places",
            "status",
            "needs_step_free",
            "needs_sign_language",
            "needs_induction_loop",
            "needs_other",
            "created_at",
            "checked_in_at",
            "table__title",
        )
    )
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

    Counts rows, so it stays right after the personal data were shredded; the attendance, whose
    check-in times the shredder clears, comes from the counts it recorded (registration_counts).
    """
    counts = registration_counts(event=event)
    return {
        "confirmed": counts["confirmed"],
        "present": counts["present"],
        "tables": [(t.title, t.n_confirmed, t.n_present) for t in counts["tables"]],
    }


def registration_counts(*, event: Event) -> dict:
    """Counts for the staff overview: per status, per table, per need, per kind, attendance.

    Two queries regardless of the number of registrations (three for a shredded event): the
    event's tables, and one aggregate grouped by status, kind and table whose few sums add up
    here to every figure (an aggregate per figure costs more to build than to run).
    """
    groups = (
        Registration.objects.filter(event=event)
        .values_list("status", "kind", "table_id")
        .annotate(
            n_rows=Count("id"),
            n_places=Sum("places"),
            n_present=_places("places", Q(checked_in_at__isnull=False)),
            n_step_free=Count("id", filter=Q(needs_step_free=True)),
            n_sign_language=Count("id", filter=Q(needs_sign_language=True)),
            n_induction_loop=Count("id", filter=Q(needs_induction_loop=True)),
            n_other=Count("id", filter=~Q(needs_other="")),
        )
        .order_by()
    )
    tables = list(event.tables.only("id", "event_id", "title", "capacity"))
    by_table = {}
    for table in tables:
        table.n_confirmed = table.n_waiting = table.n_present = 0
        by_table[table.pk] = table
    needs = ("step_free", "sign_language", "induction_loop", "other")
    agg = dict.fromkeys(("confirmed", "pending", "waiting", "cancelled", "expired", "present"), 0)
    agg.update(dict.fromkeys(needs, 0))
    places_by_kind = dict.fromkeys(Registration.Kind.values, 0)
    for status, kind, table_id, rows, places, present, *need_rows in groups:
        table = by_table.get(table_id)
        agg["present"] += present
        if table is not None:
            table.n_present += present
        if status == S.CONFIRMED:
            agg["confirmed"] += places
            places_by_kind[kind] = places_by_kind.get(kind, 0) + places
            for need, n in zip(needs, need_rows, strict=True):
                agg[need] += n
            if table is not None:
                table.n_confirmed += places
        elif status == S.WAITING:
            agg["waiting"] += places
            if table is not None:
                table.n_waiting += places
        elif status == S.PENDING:
            agg["pending"] += places
        elif status == S.CANCELLED:
            agg["cancelled"] += rows
        elif status == S.EXPIRED:
            agg["expired"] += rows
    by_kind = [(label, places_by_kind[value]) for value, label in Registration.Kind.choices]
    # The shredder clears the check-in times (personal data) and records the attendance in its
    # log first: add what it recorded to the check-ins made since.
    recorded = shredded_attendance(event=event)
    if recorded is not None:
        agg["present"] += recorded["present"]
        for table in tables:
            table.n_present += recorded["tables"].get(str(table.pk), 0)
    return {
        **agg,
        "tables": tables,
        "by_kind": by_kind,
        "needs": [
            (key, Registration._meta.get_field(f"needs_{key}").verbose_name, agg[key])
            for key in needs
        ],
        "attendance_rate": round(100 * agg["present"] / agg["confirmed"])
        if agg["confirmed"]
        else 0,
    }


def shredded_attendance(*, event: Event) -> dict | None:
    """The attendance the shredder recorded for a shredded event before it cleared the check-in
    times: {"present": places, "tables": {str(table id): places}}; None if never shredded.

    The latest run's record counts: each run adds the check-ins made since the run before.
    """
    if not event.shredded_at:
        return None
    log = event.shred_logs.order_by("-ran_at", "-id").first()
    attendance = (log.counts or {}).get("attendance") if log else None
    if not attendance:
        return None
    return {
        "present": int(attendance.get("present", 0)),
        "tables": {str(k): int(v) for k, v in (attendance.get("tables") or {}).items()},
    }


def checkin_search(*, event: Event, query: str = "", limit: int = 50) -> list[Registration]:
    qs = (
        Registration.objects.filter(event=event, status=S.CONFIRMED)
        .select_related("table")
        .only(
            "name",
            "organisation",
            "places",
            "needs_step_free",
            "needs_sign_language",
            "needs_induction_loop",
            "needs_other",
            "checked_in_at",
            "table__title",
        )
    )
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(organisation__icontains=query))
    return list(qs.order_by("name", "id")[:limit])


def waiting_position(*, registration: Registration) -> int | None:
    """Return the 1-based position in line on the waiting list (waiting_list: entries with a
    confirmed e-mail address, in the order they joined), or None if not in line."""
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
    return ahead.count() + 1
