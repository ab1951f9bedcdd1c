"""Committee e-mails go out in the language each recipient reads (stored on the account)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from erfurt_srp.accounts.models import User
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import AgendaItem
from gremium.services import meetings as meeting_services
from gremium.services import votes as vote_services
from tests.gremium.factories import open_vote, option


def _by_recipient(kind):
    return {m.recipient: m for m in OutboxMessage.objects.filter(kind=kind)}


@pytest.fixture
def english_member(member_user):
    User.objects.filter(pk=member_user.pk).update(language="en")
    return member_user


@pytest.fixture
def draft(committee, english_member, deputy_user, staff_user):
    meeting = meeting_services.meeting_create(
        actor=staff_user,
        committee=committee,
        number=3,
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=2),
    )
    meeting_services.agenda_item_add(actor=staff_user, meeting=meeting, name="Begrüßung")
    return meeting


def test_one_publish_invites_each_member_in_their_language(
    draft, english_member, deputy_user, staff_user
):
    with translation.override("de"):
        meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    mails = _by_recipient("gremium.meeting.invitation")
    english, german = mails[english_member.email], mails[deputy_user.email]

    assert english.subject.startswith("Invitation: Meeting 3, ")
    assert "Item 1: Begrüßung" in english.body
    assert "hiermit" not in english.body and "Tagesordnung" not in english.body
    assert "Sitzung" not in english.subject and " Uhr" not in english.body

    assert german.subject.startswith("Einladung: 3. Sitzung ")
    assert "TOP 1: Begrüßung" in german.body
    assert "hiermit laden wir Sie zur folgenden Sitzung ein." in german.body
    assert "Invitation" not in german.subject and "Item 1" not in german.body


def test_an_english_page_does_not_make_german_members_read_english(
    draft, english_member, deputy_user, staff_user
):
    with translation.override("en"):
        meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    mails = _by_recipient("gremium.meeting.invitation")
    assert mails[deputy_user.email].subject.startswith("Einladung: ")
    assert mails[english_member.email].subject.startswith("Invitation: ")


def test_vote_mails_and_result_follow_the_recipient(
    committee, english_member, deputy_user, staff_user
):
    vote = open_vote(committee=committee, actor=staff_user)
    opened = _by_recipient("gremium.vote.opened")
    assert opened[english_member.email].subject.startswith("Vote opened: ")
    assert opened[deputy_user.email].subject.startswith("Abstimmung eröffnet: ")

    vote_services.ballot_cast(vote=vote, actor=english_member, choice=option(vote, "yes").pk)
    vote_services.vote_close(vote=vote, actor=staff_user)
    vote.refresh_from_db()
    results = _by_recipient("gremium.vote.result")
    assert "Yes: 1" in results[english_member.email].body
    assert "Ja: 1" not in results[english_member.email].body
    assert "Ja: 1" in results[deputy_user.email].body
    # The stored record is German; a page shows the summary in its reader's language.
    assert "Ja: 1" in vote.result_text
    item = AgendaItem.objects.get(pk=vote.subject_id)
    assert item.result == f"{vote.get_result_display()} (Abstimmung: {vote.question})"
    with translation.override("en"):
        assert "Yes: 1" in vote.result_summary
        assert str(option(vote, "abstain")) == "Abstain"
        assert item.display_result == f"{vote.get_result_display()} (vote: {vote.question})"
        assert "Abstimmung" not in item.display_result
