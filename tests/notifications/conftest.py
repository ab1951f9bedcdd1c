import pytest
from django.core.cache import cache

from erfurt_srp.notifications.services import Attachment, message_queue
from erfurt_srp.notifications.tasks import DRAIN_FLAG


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_drain_flag():
    """The drain flag lives in the process-wide cache (locmem under pytest): a test that kept
    a queued drain from running must not leave it set for the tests after it."""
    cache.delete(DRAIN_FLAG)
    yield
    cache.delete(DRAIN_FLAG)


@pytest.fixture
def related(db):
    """Any model instance can be the object a message is about; a user is the cheapest."""
    from erfurt_srp.accounts.models import User

    return User.objects.create(email="meeting-stand-in@example.org", first_name="Sitzung")


@pytest.fixture
def queue(db):
    """Queue a message with defaults; keyword arguments override them."""

    def make(**overrides):
        spec = {
            "kind": "test.invitation",
            "recipient": "person@example.org",
            "subject": "Einladung",
            "body": "Hallo,\nSie sind eingeladen.",
        }
        spec.update(overrides)
        return message_queue(**spec)

    return make


@pytest.fixture
def ics_attachment():
    return Attachment("termin.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\n")
