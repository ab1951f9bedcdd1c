"""Statement rounds: one statement per institution, files, completeness, reminders, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Statement
from gremium.services import statements as statement_services
from tests.gremium.factories import InstitutionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement_round(committee, member_user, deputy_user, staff_user, agenda_item):
    return statement_services.statement_round_open(
        committee=committee, subject=agenda_item, title="Stellungnahmen ThINKA", actor=staff_user
    )


@pytest.fixture
def other_institution_member(committee):
    membership = MembershipFactory(
        committee=committee, institution=InstitutionFactory(name="Jobcenter")
    )
    return membership.person.user


def test_opening_asks_every_institution(statement_round, member_user, deputy_user):
    recipients = set(
        OutboxMessage.objects.filter(kind="gremium.statements.opened").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {member_user.email, deputy_user.email}


def test_a_second_round_on_the_same_subject_is_refused(
    statement_round, committee, staff_user, agenda_item
):
    with pytest.raises(DomainError) as error:
        statement_services.statement_round_open(
            committee=committee, subject=agenda_item, title="Noch eine", actor=staff_user
        )
    assert "bereits" in str(error.value)


def test_second_statement_of_an_institution_edits_the_first(
    statement_round, member_user, deputy_user
):
    first, created = statement_services.statement_submit(
        statement_round=statement_round, actor=deputy_user, text="Erste Fassung"
    )
    assert created
    second, created = statement_services.statement_submit(
        statement_round=statement_round, actor=member_user, text="Zweite Fassung"
    )
    assert not created
    assert second.pk == first.pk
    assert Statement.objects.count() == 1
    assert second.text == "Zweite Fassung"
    assert second.author.user == member_user
    assert [h.text for h in second.history.order_by("history_date")] == [
        "Erste Fassung",
        "Zweite Fassung",
    ]


def test_file_type_and_size_are_checked(statement_round, member_user, settings):
    bad = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError) as error:
        statement_services.statement_submit(
            statement_round=statement_round, actor=member_user, text="x", file=bad
        )
    assert error.value.field == "file"
    settings.UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("gross.pdf", b"%PDF" + b"x" * 20, content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        statement_services.statement_submit(
            statement_round=statement_round, actor=member_user, text="x", file=big
        )
    assert "zu groß" in str(error.value)
    assert not Statement.objects.exists()


def test_statement_with_file_is_downloadable_by_members_only(
    statement_round, member_user, outsider_user, client
):
    pdf = SimpleUploadedFile("stellungnahme.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    statement, _ = statement_services.statement_submit(
        statement_round=statement_round, actor=member_user, text="Mit Anlage", file=pdf
    )
    url = reverse("gremium:statement_file", args=[statement_round.pk, statement.pk])
    client.force_login(outsider_user)
    assert client.get(url).status_code == 404
    client.force_login(member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_completeness_page_and_reminder_to_the_missing(
    statement_round, member_user, deputy_user, other_institution_member, staff_user, client
):
    statement_services.statement_submit(
        statement_round=statement_round, actor=member_user, text="Ja"
    )
    client.force_login(staff_user)
    page = client.get(statement_round.get_absolute_url()).content.decode()
    assert "Vollständigkeit: 1 von 2 Institutionen" in page
    assert "Jobcenter" in page and "fehlt" in page
    response = client.post(
        reverse("gremium:statement_round_remind", args=[statement_round.pk]), follow=True
    )
    assert "1 Erinnerung wurde verschickt." in response.content.decode()
    reminded = set(
        OutboxMessage.objects.filter(kind="gremium.statements.reminder").values_list(
            "recipient", flat=True
        )
    )
    assert reminded == {other_institution_member.email}


def test_member_writes_the_statement_through_the_form(statement_round, member_user, client):
    client.force_login(member_user)
    url = reverse("gremium:statement_edit", args=[statement_round.pk])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "Pflichtfeld" in response.content.decode() or "erforderlich" in response.content.decode()
    response = client.post(url, {"text": "Fachlich <script>x</script> sinnvoll"}, follow=True)
    body = response.content.decode()
    assert "Ihre Stellungnahme wurde gespeichert." in body
    assert "<script>x</script>" not in body and "&lt;script&gt;" in body
    response = client.post(url, {"text": "Geändert"}, follow=True)
    assert "Ihre Stellungnahme wurde aktualisiert." in response.content.decode()
    assert Statement.objects.get().text == "Geändert"


def test_bad_file_through_the_form_keeps_the_text(statement_round, member_user, client):
    client.force_login(member_user)
    url = reverse("gremium:statement_edit", args=[statement_round.pk])
    bad = SimpleUploadedFile("x.exe", b"MZ")
    response = client.post(url, {"text": "Mein Text", "file": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "nicht erlaubt" in body
    assert "Mein Text" in body


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 302),
        ("public_user", 404),
        ("outsider_user", 404),
        ("member_user", 200),
        ("deputy_user", 200),
        ("staff_user", 403),
        ("admin_user", 403),
    ],
)
def test_statement_form_by_role(role, expected, statement_round, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("gremium:statement_edit", args=[statement_round.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 302),
        ("public_user", 404),
        ("outsider_user", 404),
        ("member_user", 403),
        ("deputy_user", 403),
        ("staff_user", 302),
        ("admin_user", 302),
    ],
)
def test_reminder_is_for_staff(role, expected, statement_round, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("gremium:statement_round_remind", args=[statement_round.pk]))
    assert response.status_code == expected


def test_closed_round_takes_no_statements(statement_round, member_user, staff_user):
    statement_services.statement_round_close(statement_round=statement_round, actor=staff_user)
    with pytest.raises(DomainError):
        statement_services.statement_submit(
            statement_round=statement_round, actor=member_user, text="x"
        )


def test_staff_opens_a_round_through_the_form_and_a_second_one_is_refused(
    committee, member_user, staff_user, agenda_item, client
):
    client.force_login(staff_user)
    url = reverse("gremium:statement_round_create") + f"?ct=gremium.agendaitem&id={agenda_item.pk}"
    page = client.get(url).content.decode()
    assert "Fachliche Stellungnahmen zu: TOP" in page
    data = {"committee": committee.pk, "title": "Runde zu ThINKA"}
    response = client.post(url, data, follow=True)
    assert "Die Stellungnahmerunde ist eröffnet" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "bereits eine Stellungnahmerunde" in response.content.decode()
    assert 'value="Runde zu ThINKA"' in response.content.decode()


def test_unknown_subject_gives_404(staff_user, client):
    client.force_login(staff_user)
    assert (
        client.get(
            reverse("gremium:statement_round_create") + "?ct=gremium.agendaitem&id=999"
        ).status_code
        == 404
    )
    assert client.get(reverse("gremium:vote_create") + "?ct=nope.nothing&id=1").status_code == 404


def test_subjects_do_not_say_fachliche_stellungnahme_twice(
    committee, member_user, deputy_user, staff_user, agenda_item
):
    statement_round = statement_services.statement_round_open(
        committee=committee,
        subject=agenda_item,
        title="Fachliche Stellungnahme: ThINKA-Standorte",
        actor=staff_user,
    )
    statement_services.statement_round_remind(statement_round=statement_round, actor=staff_user)
    subjects = set(
        OutboxMessage.objects.filter(related_id=str(statement_round.pk)).values_list(
            "subject", flat=True
        )
    )
    assert subjects == {
        "Bitte um Fachliche Stellungnahme: ThINKA-Standorte",
        "Erinnerung: Fachliche Stellungnahme: ThINKA-Standorte",
    }


def test_subject_lines_drop_only_words_the_lead_already_says():
    from erfurt_srp.notifications.subjects import subject_line

    lead = "Bitte um Fachliche Stellungnahme"
    assert subject_line(lead, "Fachliche Stellungnahme: Roter Berg") == f"{lead}: Roter Berg"
    assert subject_line(lead, "Stellungnahme – Roter Berg") == f"{lead}: Roter Berg"
    assert subject_line(lead, "Stellungnahmen ThINKA") == f"{lead}: Stellungnahmen ThINKA"
    assert subject_line(lead, "Fachliche Stellungnahmen zu X") == (
        f"{lead}: Fachliche Stellungnahmen zu X"
    )
