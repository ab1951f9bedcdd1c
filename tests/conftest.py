"""Shared fixtures: one user per role (healthchecks' alice/bob/charlie idea), made cheaply."""

import pytest
from allauth.account.models import EmailAddress

from erfurt_srp.accounts.models import User

PASSWORD = "correct-horse-battery-9"


def make_user(email: str, **flags) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **flags)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: versioned caches are bumped on commit, which a
    test's rolled-back transaction never reaches, so a page cached by one test would otherwise
    be served to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in German: a request in English (language cookie) leaves English
    active in the thread, and later service calls would speak English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_user(db):
    return make_user(
        "admin@example.org", is_staff=True, is_superuser=True, first_name="Ada", last_name="Admin"
    )


@pytest.fixture
def staff_user(db):
    return make_user("staff@example.org", is_staff=True, first_name="Sven", last_name="Staff")


@pytest.fixture
def public_user(db):
    return make_user("public@example.org", first_name="Berta", last_name="Public")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def committee(db):
    from tests.gremium.factories import CommitteeFactory

    return CommitteeFactory(name="Begleitgremium Test", slug="begleitgremium-test")


@pytest.fixture
def member_membership(committee):
    from tests.gremium.factories import MembershipFactory

    return MembershipFactory(committee=committee, role="member")


@pytest.fixture
def member_user(member_membership):
    return member_membership.person.user


@pytest.fixture
def deputy_user(member_membership):
    from tests.gremium.factories import MembershipFactory

    deputy = MembershipFactory(
        committee=member_membership.committee,
        institution=member_membership.institution,
        role="deputy",
    )
    return deputy.person.user


@pytest.fixture
def outsider_user(db):
    """A member of another committee: must not see this committee's non-public things."""
    from tests.gremium.factories import CommitteeFactory, MembershipFactory

    other = CommitteeFactory(name="Anderes Gremium", slug="anderes-gremium")
    return MembershipFactory(committee=other).person.user
