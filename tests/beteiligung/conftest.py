import pytest
from django.core.cache import cache

from tests.beteiligung.factories import EventFactory, EventTableFactory


@pytest.fixture
def event(db):
    """A published event with 4 places and two themed tables of 2 places, registration open."""
    event = EventFactory(capacity=4)
    EventTableFactory(event=event, title="Wohnen", capacity=2, position=0)
    EventTableFactory(event=event, title="Bildung", capacity=2, position=1)
    return event


@pytest.fixture
def tables(event):
    return list(event.tables.all())


@pytest.fixture
def outbox_kinds():
    from erfurt_srp.notifications.models import OutboxMessage

    def kinds(**filters):
        return list(OutboxMessage.objects.filter(**filters).values_list("kind", flat=True))

    return kinds


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached page fragments must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()
