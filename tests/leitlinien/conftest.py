from datetime import timedelta

import pytest
from django.utils import timezone

from leitlinien.models import Audience, GuidelineVersion

from .factories import GuidelineFactory, RoundFactory, ThemeFactory, VersionFactory


@pytest.fixture
def theme(committee):
    """A theme of the `committee` fixture, so member_user is an insider and outsider_user is not."""
    return ThemeFactory(committee=committee, title="Teilhabe", slug="teilhabe")


@pytest.fixture
def guideline(theme):
    return GuidelineFactory(theme=theme, title="Leitlinie Teilhabe", slug="leitlinie-teilhabe")


@pytest.fixture
def draft(guideline):
    return VersionFactory(guideline=guideline, number=1, state=GuidelineVersion.State.DRAFT)


@pytest.fixture
def version(guideline):
    return VersionFactory(guideline=guideline, number=1)


@pytest.fixture
def public_round(version):
    return RoundFactory(version=version, audience=Audience.PUBLIC, title="Öffentliche Runde")


@pytest.fixture
def factions_round(version):
    return RoundFactory(version=version, audience=Audience.FACTIONS, title="Fraktionen")


@pytest.fixture
def ended_round(version):
    now = timezone.now()
    return RoundFactory(
        version=version,
        audience=Audience.PUBLIC,
        title="Beendete Runde",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=1),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Role fixtures hash passwords; a fast hasher keeps this module's tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Comment rate limits count in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_user(public_user):
    """An established public account (joined a month ago): its comments without links are
    published at once. New accounts are held for review (test_comment_review.py)."""
    public_user.date_joined = timezone.now() - timedelta(days=30)
    public_user.save(update_fields=["date_joined"])
    return public_user
