"""Committees with members who represent a council faction, an office or themselves: staff add
them in the UI, publishing invites them, and a committee without anyone to invite cannot
publish a meeting."""

import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Committee, Institution, Meeting, Membership
from gremium.services import committees as committee_services
from gremium.services import meetings as meeting_services
from tests.conftest import PASSWORD
from tests.gremium.factories import CommitteeFactory, PersonFactory


def _draft(committee, staff_user):
    meeting = meeting_services.meeting_create(
        actor=staff_user,
        committee=committee,
        number=meeting_services.meeting_next_number(committee),
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=2),
    )
    meeting_services.agenda_item_add(actor=staff_user, meeting=meeting, name="Leitlinien")
    return meeting


def _invited(meeting):
    return set(
        OutboxMessage.objects.filter(
            kind="gremium.meeting.invitation",
            related_type=ContentType.objects.get_for_model(Meeting),
            related_id=str(meeting.pk),
        ).values_list("recipient", flat=True)
    )


@pytest.fixture
def ag(db):
    return CommitteeFactory(
        name="AG der sozialpolitischen Sprecher", slug="ag-sprecher", kind="working_group"
    )


def test_publishing_with_nobody_to_invite_is_refused(ag, staff_user):
    meeting = _draft(ag, staff_user)
    with pytest.raises(DomainError) as error:
        meeting_services.meeting_publish(actor=staff_user, meeting=meeting)
    assert "niemanden einzuladen" in str(error.value)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.DRAFT and not _invited(meeting)


def test_the_publish_button_says_why_and_claims_no_invitations(client, ag, staff_user):
    meeting = _draft(ag, staff_user)
    client.login(email=staff_user.email, password=PASSWORD)
    response = client.post(reverse("gremium:meeting_publish", args=[meeting.pk]), follow=True)
    html = response.content.decode()
    assert "niemanden einzuladen" in html
    assert "Einladungen werden" not in html and "Einladung an" not in html
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.DRAFT


def test_members_of_each_kind_are_invited(client, ag, staff_user):
    faction = PersonFactory(email="sprecherin@example.org")
    planner = PersonFactory(email="planer@example.org")
    resident = PersonFactory(email="anwohner@example.org", first_name="Gerd", last_name="Baum")
    committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=faction,
        role="member",
        institution_name="Fraktion Test im Stadtrat",
        institution_kind=Institution.Kind.FACTION,
        function="sozialpolitische Sprecherin",
    )
    committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=planner,
        role="member",
        institution_name="Jugendamt",
        institution_kind=Institution.Kind.ADMINISTRATION,
    )
    own = committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=resident,
        role="member",
        institution_kind=Institution.Kind.INDIVIDUAL,
    )
    assert own.institution.kind == Institution.Kind.INDIVIDUAL
    assert own.institution.name == "Gerd Baum"
    meeting = _draft(ag, staff_user)
    client.login(email=staff_user.email, password=PASSWORD)
    response = client.post(reverse("gremium:meeting_publish", args=[meeting.pk]), follow=True)
    assert "die Einladungen an 3 Personen werden verschickt" in response.content.decode()
    assert _invited(meeting) == {
        "sprecherin@example.org",
        "planer@example.org",
        "anwohner@example.org",
    }


def test_a_person_representing_themselves_keeps_one_own_entry(ag, staff_user):
    resident = PersonFactory(first_name="Gerd", last_name="Baum")
    other = CommitteeFactory()
    first = committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=resident,
        role="member",
        institution_kind="individual",
    )
    second = committee_services.membership_create(
        actor=staff_user,
        committee=other,
        person=resident,
        role="member",
        institution_kind="individual",
    )
    assert first.institution == second.institution
    namesake = PersonFactory(first_name="Gerd", last_name="Baum")
    third = committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=namesake,
        role="member",
        institution_kind="individual",
    )
    assert third.institution != first.institution
    assert third.institution.name == "Gerd Baum (2)"


def test_replacing_a_personal_member_gives_the_successor_their_own_entry(ag, staff_user):
    resident = PersonFactory(first_name="Gerd", last_name="Baum")
    own = committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=resident,
        role="member",
        institution_kind="individual",
        function="Stadtteilbeirat",
    )
    successor = PersonFactory(first_name="Rita", last_name="Sommer")
    new = committee_services.membership_replace(actor=staff_user, membership=own, person=successor)
    assert new.institution.is_individual and new.institution.name == "Rita Sommer"
    assert new.function == "" and ag.institutions.filter(pk=new.institution.pk).exists()


def test_an_invitation_cannot_be_for_someone_elses_personal_entry(ag, staff_user):
    from gremium.forms.invitations import MembershipInvitationForm

    own = committee_services.membership_create(
        actor=staff_user,
        committee=ag,
        person=PersonFactory(),
        role="member",
        institution_kind="individual",
    )
    assert own.institution not in MembershipInvitationForm().fields["institution"].queryset


def test_a_new_body_with_a_name_that_exists_as_another_kind_is_refused(ag, staff_user):
    Institution.objects.create(name="Jugendamt", kind=Institution.Kind.ADMINISTRATION)
    with pytest.raises(DomainError) as error:
        committee_services.membership_create(
            actor=staff_user,
            committee=ag,
            person=PersonFactory(),
            role="member",
            institution_name="jugendamt",
            institution_kind=Institution.Kind.FACTION,
        )
    assert error.value.field == "new_institution_name"


def _form(**data):
    base = {
        "represents": "listed",
        "role": "member",
        "first_name": "Katrin",
        "last_name": "Vogel",
        "email": "katrin.vogel@example.org",
    }
    base.update(data)
    return base


def test_staff_add_a_faction_member_an_office_member_and_a_personal_member(client, ag, staff_user):
    client.login(email=staff_user.email, password=PASSWORD)
    url = reverse("gremium:membership_add", args=[ag.slug])
    response = client.get(url)
    assert "Die Person vertritt" in response.content.decode()
    response = client.post(
        url,
        _form(
            represents="new",
            new_institution_name="SPD-Fraktion im Erfurter Stadtrat",
            new_institution_kind="faction",
            function="sozialpolitische Sprecherin",
        ),
    )
    assert response.status_code == 302
    office = Institution.objects.create(name="Amt für Bildung", kind="administration")
    response = client.post(
        url,
        _form(
            institution=office.pk,
            first_name="Birgit",
            last_name="Scholz",
            email="birgit.scholz@example.org",
        ),
    )
    assert response.status_code == 302
    response = client.post(
        url,
        _form(
            represents="self",
            first_name="Gerd",
            last_name="Baumann",
            email="gerd.baumann@example.org",
        ),
    )
    assert response.status_code == 302
    kinds = dict(
        Membership.objects.filter(committee=ag).values_list("person__email", "institution__kind")
    )
    assert kinds == {
        "katrin.vogel@example.org": "faction",
        "birgit.scholz@example.org": "administration",
        "gerd.baumann@example.org": "individual",
    }
    page = client.get(reverse("gremium:committee_detail", args=[ag.slug])).content.decode()
    assert "sozialpolitische Sprecherin" in page and "sich selbst" in page
    # the public sees what is represented, not the person who represents only themselves
    client.logout()
    page = client.get(reverse("gremium:committee_detail", args=[ag.slug])).content.decode()
    assert "SPD-Fraktion im Erfurter Stadtrat" in page and "Baumann" not in page


@pytest.mark.parametrize(
    "data,field",
    [
        ({"represents": "listed"}, "institution"),
        ({"represents": "new", "new_institution_kind": "faction"}, "new_institution_name"),
        ({"represents": "new", "new_institution_name": "Fraktion X"}, "new_institution_kind"),
    ],
)
def test_missing_representation_gets_a_message_next_to_the_field(
    client, ag, staff_user, data, field
):
    client.login(email=staff_user.email, password=PASSWORD)
    response = client.post(
        reverse("gremium:membership_add", args=[ag.slug]), _form(function="Sprecherin", **data)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'value="katrin.vogel@example.org"' in html and 'value="Sprecherin"' in html
    assert not Membership.objects.filter(committee=ag).exists()


def test_members_cannot_add_members(client, ag, member_user):
    client.login(email=member_user.email, password=PASSWORD)
    url = reverse("gremium:membership_add", args=[ag.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, _form(represents="self")).status_code == 403
    assert not Membership.objects.filter(committee=ag).exists()


def test_the_demo_fills_the_three_feedback_bodies(db, staff_user):
    from gremium.demo import committees

    committees.seed(io.StringIO())
    kinds = {}
    for slug in ("ak-quartiersarbeit", "jour-fixe-fachplaner", "ag-sozialpolitische-sprecher"):
        committee = Committee.objects.get(slug=slug)
        members = Membership.objects.active().filter(committee=committee)
        assert members.filter(role="member").count() >= 5, slug
        assert all(m.function for m in members), slug
        kinds[slug] = set(members.values_list("institution__kind", flat=True))
        meeting = _draft(committee, staff_user)
        meeting_services.meeting_publish(actor=staff_user, meeting=meeting)
        assert _invited(meeting) == set(members.values_list("person__email", flat=True))
    assert kinds["ag-sozialpolitische-sprecher"] == {"faction"}
    assert kinds["jour-fixe-fachplaner"] == {"administration"}
    assert {"provider", "administration", "individual"} <= kinds["ak-quartiersarbeit"]
    factions = Institution.objects.filter(kind="faction").values_list("short_name", flat=True)
    assert {"CDU", "DIE LINKE.", "SPD"} <= set(factions)
    assert Committee.objects.get(slug="begleitgremium").institutions.count() == 18
