"""Sign-up does not tell whether an address already has an account: same answer, same cost."""

import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from erfurt_srp.accounts.models import User

PASSWORD = "Erfurt-Plan-2026!"


class MeasurableHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds than production: slow enough to measure, quick enough for CI."""

    algorithm = "pbkdf2_sha256_measurable"
    iterations = 200_000


@pytest.fixture(autouse=True)
def _real_hashing(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.MeasurableHasher"]
    cache.clear()  # allauth's sign-up rate limit
    yield
    cache.clear()


def _signup(email: str):
    client = Client()
    started = time.perf_counter()
    response = client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    return time.perf_counter() - started, response


def test_taken_and_new_address_get_the_same_answer(public_user):
    mail.outbox.clear()
    _, taken = _signup(public_user.email)
    _, new = _signup("neu@example.org")
    assert taken.status_code == new.status_code == 302
    assert taken.url == new.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 2  # one mail each: "account exists" / verification
    assert User.objects.filter(email__iexact=public_user.email).count() == 1


def test_taken_and_new_address_cost_the_same_time(public_user):
    """Fastest of several runs per path (robust against a busy machine); the paths used to
    differ by the cost of one password hash."""
    _signup("warm-up@example.org")
    taken, new = [], []
    for i in range(5):
        taken.append(_signup(public_user.email)[0])
        new.append(_signup(f"neu{i}@example.org")[0])
    fastest_taken, fastest_new = min(taken), min(new)
    slower = max(fastest_taken, fastest_new)
    assert abs(fastest_taken - fastest_new) < 0.35 * slower, (fastest_taken, fastest_new)
