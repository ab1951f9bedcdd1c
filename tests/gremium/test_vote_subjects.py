"""Votes and statement rounds are about the registered subjects only (agenda items, guideline
versions, site deliberations): any other model in `?ct=` is a 404, and the services refuse it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from gremium.models import StatementRound, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services

pytestmark = pytest.mark.django_db

PAGES = ["gremium:vote_create", "gremium:statement_round_create"]


@pytest.fixture
def not_subjects(staff_user, committee):
    group = Group.objects.create(name="Redaktion")
    return [
        f"accounts.user&id={staff_user.pk}",
        f"auth.group&id={group.pk}",
        f"gremium.committee&id={committee.pk}",
        "sessions.session&id=x",
        "nonsense&id=1",
        "gremium.nothing&id=1",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_a_model_that_is_no_subject_is_a_404(page, not_subjects, staff_user, committee, client):
    client.force_login(staff_user)
    for ct in not_subjects:
        url = f"{reverse(page)}?ct={ct}"
        assert client.get(url).status_code == 404, url
        data = {"committee": committee.pk, "question": "Frage?", "title": "Runde"}
        data.update(kind="yes_no", ballot_unit="institution", requires_round="auto")
        assert client.post(url, data).status_code == 404, url
    assert not Vote.objects.exists() and not StatementRound.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_a_registered_subject_opens_the_page(page, agenda_item, staff_user, client):
    client.force_login(staff_user)
    url = f"{reverse(page)}?ct=gremium.agendaitem&id={agenda_item.pk}"
    assert client.get(url).status_code == 200


def test_the_services_refuse_a_subject_that_is_not_registered(committee, member_user, staff_user):
    with pytest.raises(DomainError) as vote_error:
        vote_services.vote_open(
            committee=committee, subject=staff_user, question="Frage?", actor=staff_user
        )
    with pytest.raises(DomainError) as round_error:
        statement_services.statement_round_open(
            committee=committee, subject=committee, title="Runde", actor=staff_user
        )
    assert vote_error.value.field == round_error.value.field == "subject"
    assert not Vote.objects.exists() and not StatementRound.objects.exists()
