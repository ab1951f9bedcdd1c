"""Invitations: service, acceptance page, gremium membership handler, staff pages."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.accounts import services
from erfurt_srp.accounts.models import Invitation, User
from erfurt_srp.accounts.roles import Role, role_of
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Membership, Person
from gremium.services.invitations import PURPOSE, membership_invitation_create
from tests.gremium.factories import CommitteeFactory, InstitutionFactory

NEW_PASSWORD = "Sozialraum-2026-gut"


@pytest.fixture
def invite(db, staff_user, django_capture_on_commit_callbacks):
    """Create a membership invitation; return (invitation, raw token)."""

    def make(email="neu@example.org", role="member", committee=None, institution=None):
        committee = committee or CommitteeFactory(name="Begleitgremium X", slug="bg-x")
        if institution is None:
            from gremium.models import Institution

            institution, _ = Institution.objects.get_or_create(
                name="Jugendamt X", defaults={"kind": "administration"}
            )
        tokens = []
        original = services._new_token

        def capture():
            token, token_hash = original()
            tokens.append(token)
            return token, token_hash

        services._new_token = capture
        try:
            with django_capture_on_commit_callbacks(execute=True):
                invitation = membership_invitation_create(
                    email=email,
                    committee=committee,
                    institution=institution,
                    role=role,
                    actor=staff_user,
                )
        finally:
            services._new_token = original
        return invitation, tokens[-1]

    return make


def accept_url(token):
    return reverse("accounts:invitation_accept", kwargs={"token": token})


def test_create_stores_only_the_hash_and_queues_one_mail(invite, mailoutbox):
    invitation, token = invite()
    assert token not in invitation.token_hash
    message = OutboxMessage.objects.get(kind=services.INVITATION_MAIL_KIND)
    assert message.recipient == "neu@example.org"
    assert [mail.to for mail in mailoutbox] == [["neu@example.org"]]
    assert accept_url(token) in mailoutbox[0].body
    assert "Jugendamt X" in message.body
    assert message.related_id == str(invitation.pk)


def test_accepting_creates_verified_user_membership_and_lands_on_dashboard(client, invite):
    invitation, token = invite()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "Vorname" in page.content.decode()
    response = client.post(
        accept_url(token),
        {
            "first_name": "Nina",
            "last_name": "Neu",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get(email="neu@example.org")
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(person__user=user)
    assert membership.start_date == timezone.localdate()
    assert membership.role == "member"
    assert role_of(User.objects.get(pk=user.pk)) == Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.user == user
    assert int(client.session["_auth_user_id"]) == user.pk


def test_accepting_links_an_existing_person(client, invite):
    Person.objects.create(first_name="Alt", last_name="Person", email="neu@example.org")
    invitation, token = invite(role="deputy")
    client.post(
        accept_url(token),
        {"first_name": "A", "last_name": "P", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    person = Person.objects.get(email="neu@example.org")
    assert person.user is not None
    assert person.memberships.get().role == "deputy"


def test_bad_input_is_shown_next_to_the_field_and_kept(client, invite):
    invitation, token = invite()
    response = client.post(
        accept_url(token),
        {"first_name": "Nina", "last_name": "", "password1": "abc", "password2": "abd"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_last_name_error"' in html
    assert 'id="id_password2_error"' in html
    assert 'value="Nina"' in html
    assert not User.objects.filter(email="neu@example.org").exists()


def test_weak_password_is_rejected(client, invite):
    invitation, token = invite()
    response = client.post(
        accept_url(token),
        {"first_name": "N", "last_name": "N", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert 'id="id_password1_error"' in response.content.decode()


def test_used_link_says_so(client, invite):
    invitation, token = invite()
    invitation.used_at = timezone.now()
    invitation.save()
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert "bereits angenommen" in response.content.decode()


def test_expired_link_says_so(client, invite):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    post = client.post(
        accept_url(token),
        {"first_name": "N", "last_name": "N", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert post.status_code == 410
    assert not User.objects.filter(email="neu@example.org").exists()


@pytest.mark.parametrize("token", ["kaputt", "x" * 300, "%00%ff"])
def test_broken_token_gets_a_clear_page(client, db, token):
    response = client.get(f"/konto/einladung/{token}/")
    assert response.status_code == 404
    assert "nicht gültig" in response.content.decode()


def test_a_link_works_only_once(client, invite):
    invitation, token = invite()
    data = {
        "first_name": "N",
        "last_name": "N",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert client.post(accept_url(token), data).status_code == 302
    client.logout()
    again = client.post(accept_url(token), data)
    assert again.status_code == 410
    assert Membership.objects.count() == 1


def test_existing_account_must_log_in_then_confirms(client, invite, public_user):
    invitation, token = invite(email=public_user.email)
    page = client.get(accept_url(token))
    assert "bereits ein Konto" in page.content.decode()
    client.force_login(public_user)
    assert client.get(accept_url(token)).status_code == 200
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert Membership.objects.active().filter(person__user=public_user).exists()


def test_resend_issues_a_new_link_and_a_second_mail(
    invite, staff_user, django_capture_on_commit_callbacks
):
    invitation, token = invite()
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation_id=invitation.pk, actor=staff_user)
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert invitation.send_count == 2
    assert OutboxMessage.objects.filter(kind=services.INVITATION_MAIL_KIND).count() == 2
    assert services.invitation_get_by_token(token) is None


def test_duplicate_open_invitation_is_refused_next_to_email(invite, staff_user):
    committee = CommitteeFactory(name="G", slug="g")
    institution = InstitutionFactory(name="I")
    invite(committee=committee, institution=institution)
    from erfurt_srp.core.errors import DomainError

    with pytest.raises(DomainError) as excinfo:
        membership_invitation_create(
            email="NEU@example.org",
            committee=committee,
            institution=institution,
            role="member",
            actor=staff_user,
        )
    assert excinfo.value.field == "email"


# --- staff pages ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    for name in ("gremium:invitation_list", "gremium:invitation_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response.url


@pytest.mark.parametrize("fixture", ["public_user", "member_user", "deputy_user", "outsider_user"])
def test_non_staff_get_403(client, request, fixture, invite):
    invitation, token = invite()
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("gremium:invitation_list")).status_code == 403
    assert client.get(reverse("gremium:invitation_create")).status_code == 403
    resend = client.post(reverse("gremium:invitation_resend", args=[invitation.pk]))
    assert resend.status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).send_count == 1


def test_staff_invites_through_the_form(client, staff_user, django_capture_on_commit_callbacks):
    committee = CommitteeFactory(name="Begleitgremium Y", slug="bg-y")
    institution = InstitutionFactory(name="Jobcenter Y")
    client.force_login(staff_user)
    assert client.get(reverse("gremium:invitation_create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("gremium:invitation_create"),
            {
                "email": "person@example.org",
                "committee": committee.pk,
                "institution": institution.pk,
                "role": "deputy",
            },
            follow=True,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "person@example.org" in html
    assert "wird versendet" in html
    invitation = Invitation.objects.get()
    assert invitation.purpose == PURPOSE
    assert invitation.payload == {
        "committee": committee.pk,
        "institution": institution.pk,
        "role": "deputy",
    }


def test_staff_form_errors_stay_next_to_fields(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("gremium:invitation_create"), {"email": "kein-mail", "role": "member"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'id="id_committee_error"' in html
    assert 'value="kein-mail"' in html


def test_staff_list_shows_states_and_resend(client, staff_user, invite):
    used, _ = invite(email="used@example.org")
    used.used_at = timezone.now()
    used.save()
    expired, _ = invite(email="old@example.org", committee=CommitteeFactory(slug="z", name="Z"))
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    open_, _ = invite(email="open@example.org", committee=CommitteeFactory(slug="o", name="O"))
    client.force_login(staff_user)
    html = client.get(reverse("gremium:invitation_list")).content.decode()
    for text in ("used@example.org", "old@example.org", "open@example.org"):
        assert text in html
    assert "angenommen" in html and "abgelaufen" in html and "offen" in html
    only_open = client.get(reverse("gremium:invitation_list") + "?status=open").content.decode()
    assert "open@example.org" in only_open and "old@example.org" not in only_open
    response = client.post(reverse("gremium:invitation_resend", args=[expired.pk]), follow=True)
    assert "erneut versendet" in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == Invitation.Status.OPEN
    used_resend = client.post(reverse("gremium:invitation_resend", args=[used.pk]), follow=True)
    assert "bereits angenommen" in used_resend.content.decode()


def test_staff_sees_the_invitations_nav_entry_and_members_do_not(client, staff_user, member_user):
    client.force_login(staff_user)
    assert reverse("gremium:invitation_list") in client.get("/").content.decode()
    client.force_login(member_user)
    assert reverse("gremium:invitation_list") not in client.get("/").content.decode()


def test_invitation_list_has_no_n_plus_one(client, staff_user, django_assert_max_num_queries):
    from erfurt_srp.accounts.models import Invitation as Inv

    committee = CommitteeFactory(name="Q", slug="q")
    institution = InstitutionFactory(name="Q-Institution")

    def make(n):
        Inv.objects.bulk_create(
            Inv(
                email=f"q{i}-{n}@example.org",
                token_hash=f"{n:04d}{i:060d}",
                purpose=PURPOSE,
                payload={
                    "committee": committee.pk,
                    "institution": institution.pk,
                    "role": "member",
                },
                invited_by=staff_user,
                expires_at=timezone.now() + timedelta(days=3),
            )
            for i in range(n)
        )

    client.force_login(staff_user)
    make(1)
    # session, user, count, page, committees, institutions, + navigation/role checks
    with django_assert_max_num_queries(12):
        assert client.get(reverse("gremium:invitation_list")).status_code == 200
    make(20)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("gremium:invitation_list")).content.decode()
    assert html.count("Erneut senden") == 21
