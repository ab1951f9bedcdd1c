"""Votes: opening, casting, closing, results, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Ballot, Minutes, MinutesEntry, Participation, SecretTally, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from tests.gremium.factories import (
    InstitutionFactory,
    MembershipFactory,
    add_institutions,
    open_vote,
    option,
)

pytestmark = pytest.mark.django_db


def test_opening_a_vote_sets_default_quorum_and_notifies_members_and_deputies(
    committee, member_user, deputy_user, staff_user, agenda_item
):
    vote = open_vote(committee=committee, subject=agenda_item, actor=staff_user)
    assert vote.eligible_count == 1
    assert vote.quorum == 1
    assert [o.key for o in vote.options.all()] == ["yes", "no", "abstain"]
    assert vote.subject == agenda_item
    recipients = set(
        OutboxMessage.objects.filter(kind="gremium.vote.opened").values_list("recipient", flat=True)
    )
    assert recipients == {member_user.email, deputy_user.email}
    assert vote.remind_at == vote.deadline - timedelta(hours=24)


def test_quorum_larger_than_the_committee_is_refused_and_nothing_is_created(
    committee, member_user, staff_user, agenda_item
):
    with pytest.raises(DomainError) as error:
        open_vote(committee=committee, subject=agenda_item, actor=staff_user, quorum=5)
    assert error.value.field == "quorum"
    assert "größer" in str(error.value)
    assert not Vote.objects.exists()


def test_only_staff_may_open_a_vote(committee, member_user, agenda_item):
    with pytest.raises(DomainError):
        open_vote(committee=committee, subject=agenda_item, actor=member_user)


def test_choice_votes_need_two_distinct_options(committee, member_user, staff_user, agenda_item):
    with pytest.raises(DomainError) as error:
        open_vote(
            committee=committee, subject=agenda_item, actor=staff_user, kind="single", options=["A"]
        )
    assert error.value.field == "options"
    with pytest.raises(DomainError):
        open_vote(
            committee=committee,
            subject=agenda_item,
            actor=staff_user,
            kind="single",
            options=["A", "a"],
        )


def test_deadline_in_the_past_is_refused(committee, member_user, staff_user, agenda_item):
    with pytest.raises(DomainError) as error:
        open_vote(
            committee=committee,
            subject=agenda_item,
            actor=staff_user,
            deadline=timezone.now() - timedelta(minutes=1),
        )
    assert error.value.field == "deadline"


def test_member_votes_and_may_change_the_ballot_until_close(vote, member_user):
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "no").pk)
    ballot = vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert ballot.choice.key == "yes"
    assert ballot.cast_role == "member"
    assert [h.choice.key for h in ballot.history.order_by("history_date")] == ["no", "yes"]


def test_members_later_ballot_replaces_the_deputys(vote, member_user, deputy_user):
    vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=option(vote, "no").pk)
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.person.user == member_user
    assert ballot.choice.key == "yes"


def test_deputy_cannot_change_the_members_ballot(vote, member_user, deputy_user):
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    with pytest.raises(DomainError) as error:
        vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=option(vote, "no").pk)
    assert "Mitglied" in str(error.value)
    assert Ballot.objects.get(vote=vote).choice.key == "yes"


def test_option_that_does_not_exist_is_refused(vote, member_user, committee, staff_user):
    other = open_vote(committee=committee, actor=staff_user)
    with pytest.raises(DomainError) as error:
        vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(other, "yes").pk)
    assert error.value.field == "choice"
    assert "gibt es" in str(error.value)
    assert not Ballot.objects.filter(vote=vote).exists()


def test_ballot_after_close_is_refused_and_the_result_stays(vote, member_user, staff_user):
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    vote_services.vote_close(vote=vote, actor=staff_user)
    with pytest.raises(DomainError) as error:
        vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "no").pk)
    assert "abgeschlossen" in str(error.value)
    vote.refresh_from_db()
    assert vote.result == Vote.Result.CARRIED
    assert Ballot.objects.get(vote=vote).choice.key == "yes"


def test_ballot_after_the_deadline_is_refused(vote, member_user):
    Vote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as error:
        vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    assert "Frist" in str(error.value)


def test_outsider_public_and_staff_cannot_vote(vote, outsider_user, public_user, staff_user):
    for user in (outsider_user, public_user, staff_user):
        with pytest.raises(DomainError):
            vote_services.ballot_cast(vote=vote, actor=user, choice=option(vote, "yes").pk)
    assert not Ballot.objects.exists()


def test_nobody_votes_on_a_subject_they_cannot_see(committee, member_user, staff_user, agenda_item):
    agenda_item.meeting.state = "draft"
    agenda_item.meeting.save()
    vote = open_vote(committee=committee, subject=agenda_item, actor=staff_user)
    with pytest.raises(DomainError):
        vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)


def test_secret_ballot_is_stored_without_link_to_the_voter_and_is_final(
    secret_vote, member_user, deputy_user
):
    def sums():
        rows = SecretTally.objects.filter(vote=secret_vote).select_related("option")
        return {t.option.key: (t.count, t.points) for t in rows}

    assert sums() == {"yes": (0, 0), "no": (0, 0), "abstain": (0, 0)}
    vote_services.ballot_cast(
        vote=secret_vote, actor=deputy_user, choice=option(secret_vote, "no").pk
    )
    assert not Ballot.objects.exists()
    participation = Participation.objects.get(vote=secret_vote)
    assert participation.person.user == deputy_user
    assert {f.name for f in Participation._meta.get_fields()} == {
        "id",
        "vote",
        "voter_key",
        "institution",
        "person",
        "cast_role",
    }
    assert {f.name for f in SecretTally._meta.get_fields()} == {
        "id",
        "vote",
        "option",
        "count",
        "points",
    }
    assert sums() == {"yes": (0, 0), "no": (1, 0), "abstain": (0, 0)}
    assert not hasattr(SecretTally, "history") and not hasattr(Participation, "history")
    with pytest.raises(DomainError):
        vote_services.ballot_cast(
            vote=secret_vote, actor=member_user, choice=option(secret_vote, "yes").pk
        )
    assert sums() == {"yes": (0, 0), "no": (1, 0), "abstain": (0, 0)}


def test_secret_ranked_ballots_add_borda_points_and_the_close_removes_the_sums(
    committee, staff_user
):
    vote, users = _committee_with(
        3, committee, staff_user, kind="ranked", options=["A", "B", "C"], secret=True
    )
    a, b, c = (option(vote, x).pk for x in "ABC")
    vote_services.ballot_cast(vote=vote, actor=users[0], ranking=[a, b, c])
    vote_services.ballot_cast(vote=vote, actor=users[1], ranking=[b, a, c])
    vote_services.ballot_cast(vote=vote, actor=users[2], ranking=[b, c])
    sums = {t.option_id: (t.count, t.points) for t in SecretTally.objects.filter(vote=vote)}
    assert sums == {a: (1, 3), b: (2, 5), c: (0, 1)}
    vote = vote_services.vote_close(vote=vote, actor=staff_user)
    assert vote.result == Vote.Result.RANKED
    assert vote.result_points == {str(a): 3, str(b): 5, str(c): 1}
    assert vote.result_counts == {str(a): 1, str(b): 2, str(c): 0}
    assert vote.participants == 3
    assert not SecretTally.objects.filter(vote=vote).exists()


def test_a_secret_vote_needs_as_many_voters_as_ballots_it_must_have(
    committee, member_user, staff_user, settings
):
    add_institutions(committee, 1)
    with pytest.raises(DomainError) as error:
        open_vote(committee=committee, actor=staff_user, secret=True)
    assert error.value.field == "secret"
    assert "mindestens 3 Stimmberechtigte" in str(error.value)
    settings.SECRET_VOTE_MIN_BALLOTS = 2
    assert open_vote(committee=committee, actor=staff_user, secret=True).secret


def test_staff_cannot_close_a_secret_vote_with_too_few_ballots(
    secret_vote, member_user, secret_voters, staff_user
):
    for user in (member_user, secret_voters[0]):
        vote_services.ballot_cast(
            vote=secret_vote, actor=user, choice=option(secret_vote, "yes").pk
        )
    with pytest.raises(DomainError) as error:
        vote_services.vote_close(vote=secret_vote, actor=staff_user)
    assert "mindestens 3 Stimmen" in str(error.value) and "bisher 2" in str(error.value)
    secret_vote.refresh_from_db()
    assert secret_vote.is_open and secret_vote.result == ""
    assert SecretTally.objects.filter(vote=secret_vote, count=2).exists()

    vote_services.ballot_cast(
        vote=secret_vote, actor=secret_voters[1], choice=option(secret_vote, "no").pk
    )
    vote = vote_services.vote_close(vote=secret_vote, actor=staff_user)
    assert vote.result == Vote.Result.CARRIED and vote.participants == 3


def test_the_minimum_number_of_secret_ballots_is_a_setting(
    secret_vote, member_user, secret_voters, staff_user, settings
):
    settings.SECRET_VOTE_MIN_BALLOTS = 2
    for user in (member_user, secret_voters[0]):
        vote_services.ballot_cast(
            vote=secret_vote, actor=user, choice=option(secret_vote, "yes").pk
        )
    assert vote_services.vote_close(vote=secret_vote, actor=staff_user).result == "carried"


def test_a_secret_vote_whose_deadline_passes_with_too_few_ballots_ends_without_a_result(
    secret_vote, member_user, staff_user
):
    minutes = Minutes.objects.create(meeting=secret_vote.subject.meeting)
    vote_services.ballot_cast(
        vote=secret_vote, actor=member_user, choice=option(secret_vote, "no").pk
    )
    Vote.objects.filter(pk=secret_vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert vote_services.votes_send_due()["closed"] == 1
    vote = Vote.objects.get(pk=secret_vote.pk)
    assert vote.status == Vote.Status.CLOSED
    assert vote.result == Vote.Result.TOO_FEW
    assert vote.result_counts == {} and vote.result_points == {}
    assert vote.participants == 1
    assert vote.result_text.startswith("Kein Ergebnis: Bis zum Ende der Frist haben 1 von 3")
    assert "ab 3 Stimmen" in vote.result_text
    assert not SecretTally.objects.filter(vote=vote).exists()
    assert "Kein Ergebnis" in MinutesEntry.objects.get(minutes=minutes).result
    mail = OutboxMessage.objects.get(kind="gremium.vote.result", recipient=member_user.email)
    assert "Kein Ergebnis" in mail.body and "Nein" not in mail.body


def _committee_with(n, committee, staff_user, **kwargs):
    memberships = add_institutions(committee, n)
    vote = open_vote(committee=committee, actor=staff_user, **kwargs)
    return vote, [m.person.user for m in memberships]


def test_close_computes_carried_rejected_and_no_quorum(committee, staff_user):
    vote, users = _committee_with(5, committee, staff_user)
    assert vote.quorum == 3
    for user, key in zip(users, ["yes", "yes", "no", "abstain"], strict=False):
        vote_services.ballot_cast(vote=vote, actor=user, choice=option(vote, key).pk)
    vote = vote_services.vote_close(vote=vote, actor=staff_user)
    assert vote.result == Vote.Result.CARRIED
    assert vote.participants == 4
    assert vote.result_counts[str(option(vote, "yes").pk)] == 2
    assert "angenommen" in vote.result_text
    assert vote.history.filter(status="closed").exists()

    rejected = open_vote(committee=committee, actor=staff_user)
    for user, key in zip(users, ["yes", "no", "no"], strict=False):
        vote_services.ballot_cast(vote=rejected, actor=user, choice=option(rejected, key).pk)
    assert vote_services.vote_close(vote=rejected, actor=staff_user).result == "rejected"

    tied = open_vote(committee=committee, actor=staff_user)
    for user, key in zip(users, ["yes", "no", "abstain"], strict=False):
        vote_services.ballot_cast(vote=tied, actor=user, choice=option(tied, key).pk)
    assert vote_services.vote_close(vote=tied, actor=staff_user).result == "rejected"

    too_few = open_vote(committee=committee, actor=staff_user)
    vote_services.ballot_cast(vote=too_few, actor=users[0], choice=option(too_few, "yes").pk)
    assert vote_services.vote_close(vote=too_few, actor=staff_user).result == "no_quorum"


def test_single_choice_and_tie(committee, staff_user):
    vote, users = _committee_with(
        3, committee, staff_user, kind="single", options=["Nord", "Süd", "Ost"]
    )
    for user, label in zip(users, ["Süd", "Süd", "Nord"], strict=True):
        vote_services.ballot_cast(vote=vote, actor=user, choice=option(vote, label).pk)
    vote = vote_services.vote_close(vote=vote, actor=staff_user)
    assert vote.result == Vote.Result.DECIDED
    assert "Gewählt: Süd" in vote.result_text

    tie = open_vote(
        committee=committee, actor=staff_user, kind="single", options=["A", "B"], quorum=2
    )
    vote_services.ballot_cast(vote=tie, actor=users[0], choice=option(tie, "A").pk)
    vote_services.ballot_cast(vote=tie, actor=users[1], choice=option(tie, "B").pk)
    assert vote_services.vote_close(vote=tie, actor=staff_user).result == Vote.Result.TIED


def test_ranked_vote_uses_borda_count(committee, staff_user):
    vote, users = _committee_with(3, committee, staff_user, kind="ranked", options=["A", "B", "C"])
    a, b, c = (option(vote, x).pk for x in "ABC")
    vote_services.ballot_cast(vote=vote, actor=users[0], ranking=[a, b, c])  # A2 B1 C0
    vote_services.ballot_cast(vote=vote, actor=users[1], ranking=[b, a, c])  # B2 A1 C0
    vote_services.ballot_cast(vote=vote, actor=users[2], ranking=[b, c])  # B2 C1
    vote = vote_services.vote_close(vote=vote, actor=staff_user)
    assert vote.result == Vote.Result.RANKED
    assert vote.result_points == {str(a): 3, str(b): 5, str(c): 1}
    assert vote.result_text.index("B:") < vote.result_text.index("A:")
    with pytest.raises(DomainError):
        vote_services.ballot_cast(vote=vote, actor=users[0], ranking=[a, a])


def test_ranking_with_duplicates_is_refused(committee, staff_user):
    vote, users = _committee_with(2, committee, staff_user, kind="ranked", options=["A", "B"])
    a = option(vote, "A").pk
    with pytest.raises(DomainError):
        vote_services.ballot_cast(vote=vote, actor=users[0], ranking=[a, a])


def test_closing_writes_the_result_to_the_agenda_item_and_minutes(
    vote, member_user, staff_user, agenda_item
):
    minutes = Minutes.objects.create(meeting=agenda_item.meeting)
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    vote_services.vote_close(vote=vote, actor=staff_user)
    agenda_item.refresh_from_db()
    assert agenda_item.result.startswith("angenommen")
    entry = MinutesEntry.objects.get(agenda_item=agenda_item)
    assert entry.minutes == minutes
    assert "angenommen" in entry.result
    assert OutboxMessage.objects.filter(
        kind="gremium.vote.result", recipient=member_user.email
    ).exists()


def test_close_hooks_run_after_commit(
    vote, member_user, staff_user, django_capture_on_commit_callbacks
):
    from gremium.models import AgendaItem

    seen = []
    vote_services.on_vote_closed.register(AgendaItem, lambda v: seen.append((v.pk, v.result)))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            vote_services.vote_close(vote=vote, actor=staff_user)
            assert seen == []
        assert seen == [(vote.pk, "no_quorum")]
    finally:
        vote_services.on_vote_closed._hooks.pop(AgendaItem, None)


def test_show_of_hands_closes_with_entered_counts(committee, staff_user):
    vote, users = _committee_with(4, committee, staff_user)
    vote_services.ballot_cast(vote=vote, actor=users[0], choice=option(vote, "no").pk)
    counts = {option(vote, "yes").pk: 3, option(vote, "no").pk: 1, option(vote, "abstain").pk: 0}
    vote = vote_services.vote_record_show_of_hands(vote=vote, counts=counts, actor=staff_user)
    assert vote.method == Vote.Method.SHOW_OF_HANDS
    assert vote.result == Vote.Result.CARRIED
    assert vote.participants == 4
    assert "Handzeichen" in vote.result_text


def test_show_of_hands_with_more_hands_than_voters_is_refused(vote, staff_user):
    with pytest.raises(DomainError):
        vote_services.vote_record_show_of_hands(
            vote=vote, counts={option(vote, "yes").pk: 2}, actor=staff_user
        )
    vote.refresh_from_db()
    assert vote.is_open


def test_closing_twice_is_refused(vote, staff_user):
    vote_services.vote_close(vote=vote, actor=staff_user)
    with pytest.raises(DomainError):
        vote_services.vote_close(vote=vote, actor=staff_user)


def test_person_ballot_unit_counts_members_and_deputies(
    committee, member_user, deputy_user, staff_user
):
    vote = open_vote(committee=committee, actor=staff_user, ballot_unit="person")
    assert vote.eligible_count == 2
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=option(vote, "no").pk)
    assert Ballot.objects.filter(vote=vote).count() == 2


def test_requires_complete_statement_round(committee, member_user, staff_user, agenda_item):
    statement_round = statement_services.statement_round_open(
        committee=committee, subject=agenda_item, title="Stellungnahmen", actor=staff_user
    )
    other = InstitutionFactory()
    MembershipFactory(committee=committee, institution=other)
    statement_services.statement_submit(
        statement_round=statement_round, actor=member_user, text="Ja."
    )
    with pytest.raises(DomainError) as error:
        open_vote(committee=committee, subject=agenda_item, actor=staff_user)
    assert error.value.field == "requires_round"
    vote = open_vote(
        committee=committee,
        subject=agenda_item,
        actor=staff_user,
        requires_complete_statement_round=False,
    )
    assert vote.requires_round is None
