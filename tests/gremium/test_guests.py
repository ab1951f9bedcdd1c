"""Guest access (GuestAccess + guardian's view_nonpublic_papers): the period, revocation, the
daily cleanup, the invitation of a person without an account, the staff page and its history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gremium.models import GuestAccess, MeetingUserObjectPermission
from gremium.services.guests import guest_access_expire, guest_access_grant
from tests.conftest import PASSWORD, make_user

SECRET = "Geheimer Standortpunkt"
SECRET_PAPER = "Vertrauliche Vorlage"


@pytest.fixture
def guest(db):
    return make_user("gast@example.org", first_name="Gerda", last_name="Gast")


@pytest.fixture
def grant(meeting, secret_item, staff_user, guest):
    return guest_access_grant(
        actor=staff_user,
        email="Gast@Example.org",
        ends_on=timezone.localdate() + timedelta(days=3),
        meeting=meeting,
        note="BAG-Studie",
    )


def _paper_url(secret_item):
    return reverse("gremium:paper_detail", args=[secret_item.consultations.first().paper.pk])


def test_guest_sees_the_meeting_page_with_its_non_public_items_not_the_cached_public_page(
    client, meeting, secret_item, grant, guest
):
    url = reverse("gremium:meeting_detail", args=[meeting.pk])
    assert SECRET.encode() not in client.get(url).content  # a public visitor fills the cache
    client.login(email=guest.email, password=PASSWORD)
    body = client.get(url).content
    assert SECRET.encode() in body
    assert SECRET_PAPER.encode() in body
    listing = client.get(reverse("gremium:paper_list")).content
    assert SECRET_PAPER.encode() in listing


def test_the_grant_is_a_guardian_object_permission(meeting, grant, guest):
    assert guest.has_perm("gremium.view_nonpublic_papers", meeting)
    assert MeetingUserObjectPermission.objects.filter(user=guest, content_object=meeting).exists()


def test_grant_stops_working_after_its_end_date_and_cleanup_removes_the_guardian_row(
    client, meeting, secret_item, grant, guest
):
    client.login(email=guest.email, password=PASSWORD)
    url = _paper_url(secret_item)
    assert client.get(url).status_code == 200
    GuestAccess.objects.filter(pk=grant.pk).update(ends_on=timezone.localdate())
    assert client.get(url).status_code == 200  # the end date itself still counts
    GuestAccess.objects.filter(pk=grant.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    assert client.get(url).status_code == 404
    assert SECRET.encode() not in client.get(meeting.get_absolute_url()).content
    assert guest_access_expire() == 1
    assert not MeetingUserObjectPermission.objects.filter(user=guest).exists()


def test_revoking_ends_access_at_once_and_is_in_the_history(
    client, meeting, secret_item, grant, guest, staff_user
):
    client.force_login(staff_user)
    response = client.post(reverse("gremium:guest_access_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert not guest.has_perm("gremium.view_nonpublic_papers", meeting)
    client.logout()
    client.login(email=guest.email, password=PASSWORD)
    assert client.get(_paper_url(secret_item)).status_code == 404
    client.force_login(staff_user)
    page = client.get(reverse("gremium:meeting_guests", args=[meeting.pk])).content.decode()
    assert "widerrufen" in page
    history = list(grant.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].revoked_at is not None
    assert history[-1].history_user == staff_user


def test_a_guest_of_one_meeting_sees_nothing_of_another(
    client, committee, meeting, secret_item, grant, guest
):
    from tests.gremium.factories import (
        AgendaItemFactory,
        ConsultationFactory,
        MeetingFactory,
        PaperFactory,
    )

    other = MeetingFactory(committee=committee, number=8)
    item = AgendaItemFactory(meeting=other, name="Anderer geheimer Punkt", public=False)
    paper = PaperFactory(reference="4444/22", name="Andere Vorlage", public=False)
    ConsultationFactory(agenda_item=item, paper=paper)
    client.login(email=guest.email, password=PASSWORD)
    assert client.get(reverse("gremium:paper_detail", args=[paper.pk])).status_code == 404
    assert b"Anderer geheimer Punkt" not in client.get(other.get_absolute_url()).content
    assert b"Andere Vorlage" not in client.get(reverse("gremium:paper_list")).content


def test_a_draft_meeting_stays_invisible_to_its_guest(client, committee, staff_user, guest):
    from gremium.models import Meeting
    from tests.gremium.factories import MeetingFactory

    draft = MeetingFactory(committee=committee, state=Meeting.State.DRAFT, published_at=None)
    guest_access_grant(
        actor=staff_user,
        email=guest.email,
        ends_on=timezone.localdate() + timedelta(days=1),
        meeting=draft,
    )
    client.login(email=guest.email, password=PASSWORD)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "ends_on,message",
    [
        ("", "Bitte geben Sie an, bis wann der Zugang gelten soll."),
        ("2001-01-01", "Das Enddatum liegt in der Vergangenheit."),
        ("kein Datum", "Bitte ein gültiges Datum eingeben."),
    ],
)
def test_grant_form_without_or_with_a_past_end_date_says_so_next_to_the_field(
    client, meeting, staff_user, ends_on, message
):
    client.force_login(staff_user)
    url = reverse("gremium:meeting_guests", args=[meeting.pk])
    response = client.post(url, {"email": "expertin@example.org", "ends_on": ends_on, "note": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["ends_on"])
    page = response.content.decode()
    assert 'id="id_ends_on_error"' in page
    assert 'value="expertin@example.org"' in page  # nothing typed is lost
    assert not GuestAccess.objects.exists()


def test_a_person_without_account_is_invited_and_gets_access_on_accepting(
    client, meeting, secret_item, staff_user, django_capture_on_commit_callbacks
):
    from erfurt_srp.accounts.models import Invitation
    from erfurt_srp.accounts.services import invitation_accept_new_user

    with django_capture_on_commit_callbacks(execute=True):
        grant = guest_access_grant(
            actor=staff_user,
            email="autorin@bag-studie.example",
            ends_on=timezone.localdate() + timedelta(days=30),
            meeting=meeting,
        )
    assert grant.user is None and grant.status == GuestAccess.Status.INVITED
    invitation = Invitation.objects.get(purpose="gremium.guest")
    assert invitation.payload == {"grant": grant.pk}
    user = invitation_accept_new_user(
        invitation_id=invitation.pk, first_name="Anna", last_name="Autorin", password=PASSWORD
    )
    grant.refresh_from_db()
    assert grant.user == user and grant.status == GuestAccess.Status.ACTIVE
    client.login(email=user.email, password=PASSWORD)
    assert client.get(_paper_url(secret_item)).status_code == 200


def test_the_existing_account_is_told_by_e_mail(meeting, staff_user, guest):
    from erfurt_srp.notifications.models import OutboxMessage

    guest_access_grant(
        actor=staff_user,
        email=guest.email,
        ends_on=timezone.localdate() + timedelta(days=2),
        meeting=meeting,
    )
    message = OutboxMessage.objects.get(kind="gremium.guest_access")
    assert message.recipient == guest.email
    assert meeting.get_absolute_url() in message.body


def test_a_second_live_grant_for_the_same_person_is_refused(
    client, meeting, grant, staff_user, guest
):
    client.force_login(staff_user)
    response = client.post(
        reverse("gremium:meeting_guests", args=[meeting.pk]),
        {"email": guest.email, "ends_on": (timezone.localdate() + timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 200
    assert "bereits einen gültigen Zugang" in str(response.context["form"].errors["email"])


def test_the_guest_deleting_the_account_takes_the_grant_and_its_history(meeting, grant, guest):
    from erfurt_srp.accounts.personal_data import export_for
    from erfurt_srp.accounts.services import account_delete

    section = next(s for s in export_for(guest) if s["key"] == "gremium.guests")
    assert meeting.title in str(section["records"])
    account_delete(user=guest)
    assert not GuestAccess.objects.exists()
    assert not GuestAccess.history.filter(email__iexact="gast@example.org").exists()
