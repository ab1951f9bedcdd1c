from datetime import date, timedelta

import pytest
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from leitlinien import services
from leitlinien.models import (
    Audience,
    ConsultationRound,
    Disposition,
    GuidelineVersion,
    RoundInvitation,
    hash_token,
)
from tests.outbox import sent_body

from .factories import MeasureFactory, RoundFactory, VersionFactory, answer, round_comment

State = GuidelineVersion.State
pytestmark = pytest.mark.django_db


# --- themes and versions ----------------------------------------------------------------------


def test_theme_create_makes_its_guideline(committee, staff_user):
    theme = services.theme_create(
        committee=committee, title="Bildung und Aufwachsen", actor=staff_user
    )
    assert theme.guideline.title == "Leitlinie „Bildung und Aufwachsen“"
    assert theme.guideline.slug == "bildung-und-aufwachsen"


def test_theme_create_refuses_non_staff_and_duplicates(committee, staff_user, member_user):
    with pytest.raises(DomainError):
        services.theme_create(committee=committee, title="X", actor=member_user)
    services.theme_create(committee=committee, title="Wohnen", actor=staff_user)
    with pytest.raises(DomainError) as exc:
        services.theme_create(committee=committee, title="wohnen", actor=staff_user)
    assert exc.value.field == "title"


def test_parse_paragraphs_splits_at_blank_lines_and_drops_numbers():
    text = "§ 1 Erster Absatz\nzweite Zeile\n\n\n2. Zweiter Absatz\n\n   \n3) Dritter"
    assert services.parse_paragraphs(text) == [
        "Erster Absatz zweite Zeile",
        "Zweiter Absatz",
        "Dritter",
    ]


def test_version_create_copies_the_latest_version(guideline, staff_user):
    first = services.version_create(guideline=guideline, actor=staff_user, text="A\n\nB")
    second = services.version_create(guideline=guideline, actor=staff_user)
    assert (first.number, second.number) == (1, 2)
    assert second.paragraphs == ["A", "B"]
    assert second.based_on == first
    assert second.state == State.DRAFT


def test_version_update_only_in_draft(version, staff_user):
    with pytest.raises(DomainError) as exc:
        services.version_update(version=version, actor=staff_user, title="Neu", text="Neu")
    assert exc.value.code == "frozen"
    version.refresh_from_db()
    assert version.title == "Leitlinie"


def test_version_update_rejects_empty_text(draft, staff_user):
    with pytest.raises(DomainError) as exc:
        services.version_update(version=draft, actor=staff_user, title="T", text="  \n\n ")
    assert exc.value.field == "text"


# --- adoption ---------------------------------------------------------------------------------


def test_adopt_freezes_dates_and_supersedes(guideline, staff_user):
    old = VersionFactory(
        guideline=guideline, number=1, state=State.ADOPTED, adopted_on=date(2022, 1, 1)
    )
    new = VersionFactory(guideline=guideline, number=2, state=State.DRAFT)
    services.version_adopt(
        version=new, actor=staff_user, decided_on=date(2023, 3, 14), reference="Sitzung 7"
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == State.SUPERSEDED
    assert (new.state, new.adopted_on, new.adoption_reference) == (
        State.ADOPTED,
        date(2023, 3, 14),
        "Sitzung 7",
    )
    # frozen in the service ...
    with pytest.raises(DomainError):
        services.version_update(version=new, actor=staff_user, title="x", text="x")
    # ... and in the model
    new.paragraphs = ["geändert"]
    with pytest.raises(DomainError):
        new.save()
    new.refresh_from_db()
    new.adopted_on = date(2023, 1, 1)
    with pytest.raises(DomainError):
        new.save()
    with pytest.raises(DomainError):
        new.delete()
    new.refresh_from_db()
    assert new.paragraphs != ["geändert"] and new.adopted_on == date(2023, 3, 14)


def test_adopt_needs_evaluated_rounds(public_round, staff_user):
    with pytest.raises(DomainError) as exc:
        services.version_adopt(
            version=public_round.version,
            actor=staff_user,
            decided_on=date(2023, 1, 1),
            reference="x",
        )
    assert "abgewogen" in str(exc.value)


def test_adopt_refuses_future_dates_and_non_staff(draft, staff_user, member_user):
    with pytest.raises(DomainError):
        services.version_adopt(
            version=draft, actor=member_user, decided_on=date(2023, 1, 1), reference="x"
        )
    with pytest.raises(DomainError) as exc:
        services.version_adopt(
            version=draft,
            actor=staff_user,
            decided_on=timezone.localdate() + timedelta(days=1),
            reference="x",
        )
    assert exc.value.field == "decided_on"


# --- rounds and comments ----------------------------------------------------------------------


def test_round_create_moves_draft_into_consultation(draft, staff_user):
    now = timezone.now()
    consultation_round = services.round_create(
        version=draft,
        audience=Audience.PUBLIC,
        title="Öffentlich",
        starts_at=now,
        ends_at=now + timedelta(days=5),
        actor=staff_user,
    )
    draft.refresh_from_db()
    assert draft.state == State.CONSULTATION
    assert consultation_round.is_open(now + timedelta(minutes=1))


def test_round_create_refuses_adopted_version_and_bad_dates(guideline, staff_user):
    adopted = VersionFactory(guideline=guideline, state=State.ADOPTED, adopted_on=date(2023, 1, 1))
    now = timezone.now()
    with pytest.raises(DomainError):
        services.round_create(
            version=adopted,
            audience="public",
            title="x",
            starts_at=now,
            ends_at=now + timedelta(days=1),
            actor=staff_user,
        )
    with pytest.raises(DomainError) as exc:
        services.round_create(
            version=adopted,
            audience="public",
            title="x",
            starts_at=now,
            ends_at=now,
            actor=staff_user,
        )
    assert exc.value.field == "ends_at"


def test_public_user_comments_under_their_name_and_html_is_sanitised(public_round, public_user):
    comment = services.round_comment_create(
        consultation_round=public_round,
        actor=public_user,
        anchor="2",
        body='<script>alert(1)</script><p onclick="x()">Mehr <strong>Beratung</strong></p>',
    )
    assert comment.author == public_user
    assert comment.anchor == "2"
    assert "<script>" not in comment.body and "onclick" not in comment.body
    assert "<strong>Beratung</strong>" in comment.body


def test_public_comment_needs_a_confirmed_email(public_round, public_user):
    public_user.emailaddress_set.update(verified=False)
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=public_round, actor=public_user, body="Hallo"
        )
    assert "bestätigen" in str(exc.value)


def test_comment_on_closed_round_is_refused(ended_round, public_user):
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=ended_round, actor=public_user, body="Zu spät"
        )
    assert "beendet" in str(exc.value)


def test_comment_before_start_is_refused(version, public_user):
    consultation_round = RoundFactory(
        version=version,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=consultation_round, actor=public_user, body="Zu früh"
        )
    assert "noch nicht begonnen" in str(exc.value)


def test_comment_on_missing_paragraph_is_refused_with_a_field_error(public_round, public_user):
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=public_round, actor=public_user, anchor="9", body="x"
        )
    assert exc.value.field == "anchor"
    assert "Absatz 9 gibt es in Fassung 1 nicht" in str(exc.value)


def test_comment_stays_with_its_version_when_a_newer_one_drops_the_paragraph(
    public_round, public_user, guideline, staff_user
):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, anchor="3", body="Zu § 3"
    )
    newer = services.version_create(
        guideline=guideline, actor=staff_user, text="Nur noch ein Absatz"
    )
    assert not newer.has_paragraph("3")
    assert comment.target == public_round and public_round.version.has_paragraph("3")


def test_outsiders_cannot_comment_in_audience_rounds(
    factions_round, public_user, outsider_user, member_user
):
    for user in (public_user, outsider_user, member_user):
        with pytest.raises(DomainError):
            services.round_comment_create(consultation_round=factions_round, actor=user, body="x")


def test_committee_members_comment_in_committee_rounds(version, member_user, outsider_user):
    consultation_round = RoundFactory(version=version, audience=Audience.COMMITTEE)
    assert (
        services.round_comment_create(
            consultation_round=consultation_round, actor=member_user, body="Gut"
        ).author
        == member_user
    )
    with pytest.raises(DomainError):
        services.round_comment_create(
            consultation_round=consultation_round, actor=outsider_user, body="x"
        )


def test_reply_attaches_to_the_thread(public_round, public_user, staff_user):
    top = services.round_comment_create(
        consultation_round=public_round, actor=public_user, anchor="1", body="Frage"
    )
    reply = services.round_comment_create(
        consultation_round=public_round, actor=staff_user, parent_id=top.pk, body="Antwort"
    )
    reply_to_reply = services.round_comment_create(
        consultation_round=public_round, actor=public_user, parent_id=reply.pk, body="Danke"
    )
    assert reply.parent == top and reply.anchor == "1"
    assert reply_to_reply.parent == top


def test_reply_to_a_comment_of_another_round_is_refused(public_round, version, public_user):
    other = RoundFactory(version=version)
    foreign = round_comment(other)
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=public_round, actor=public_user, parent_id=foreign.pk, body="x"
        )
    assert exc.value.field == "parent"


# --- personal links ---------------------------------------------------------------------------


def _invite(consultation_round, staff_user, n=3):
    recipients = [
        {
            "name": f"Ortsteilbürgermeister {i}",
            "email": f"otb{i}@example.org",
            "group": f"Ortsteil {i}",
        }
        for i in range(n)
    ]
    return services.round_invite(
        consultation_round=consultation_round, recipients=recipients, actor=staff_user
    )


def test_invite_stores_hashed_tokens_and_queues_mail_in_bulk(
    factions_round, staff_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks():
        with django_assert_max_num_queries(40):
            created, skipped = _invite(factions_round, staff_user, n=30)
    assert len(created) == 30 and skipped == []
    messages = OutboxMessage.objects.filter(kind="leitlinien.round_invitation")
    assert messages.count() == 30
    body = sent_body(messages.get(recipient="otb1@example.org"))
    token = body.split("/leitlinien/link/")[1].split("/")[0]
    invitation = RoundInvitation.objects.get(email="otb1@example.org")
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    # inviting again skips those already invited
    created, skipped = _invite(factions_round, staff_user, n=31)
    assert len(created) == 1 and len(skipped) == 30


def _token_for(email):
    body = sent_body(OutboxMessage.objects.get(recipient=email, kind="leitlinien.round_invitation"))
    return body.split("/leitlinien/link/")[1].split("/")[0]


def test_link_holder_comments_for_that_round_only(factions_round, version, staff_user):
    _invite(factions_round, staff_user, n=1)
    invitation = RoundInvitation.objects.get()
    comment = services.round_comment_create(
        consultation_round=factions_round,
        invitation=invitation,
        body="Von der Fraktion",
        anchor="1",
    )
    assert (comment.author, comment.author_name, comment.author_group) == (
        None,
        "Ortsteilbürgermeister 0",
        "Ortsteil 0",
    )
    invitation.refresh_from_db()
    assert invitation.last_used_at is not None
    other = RoundFactory(version=version, audience=Audience.FACTIONS)
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(consultation_round=other, invitation=invitation, body="x")
    assert "nicht für diese" in str(exc.value)


def test_expired_link_and_link_after_round_close(factions_round, staff_user):
    _invite(factions_round, staff_user, n=1)
    invitation = RoundInvitation.objects.get()
    RoundInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    assert services.invitation_state(invitation) == services.LinkState.EXPIRED
    with pytest.raises(DomainError) as exc:
        services.round_comment_create(
            consultation_round=factions_round, invitation=invitation, body="x"
        )
    assert "abgelaufen" in str(exc.value)
    ConsultationRound.objects.filter(pk=factions_round.pk).update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()
    assert services.invitation_state(invitation) == services.LinkState.ROUND_CLOSED


def test_round_end_now_stops_links(factions_round, staff_user):
    _invite(factions_round, staff_user, n=1)
    services.round_end_now(consultation_round=factions_round, actor=staff_user)
    invitation = RoundInvitation.objects.select_related("round").get()
    assert services.invitation_state(invitation) == services.LinkState.ROUND_CLOSED


# --- Abwägung ---------------------------------------------------------------------------------


def test_round_cannot_close_while_a_comment_has_no_answer(ended_round, staff_user, guideline):
    first = round_comment(ended_round, anchor="1")
    second = round_comment(ended_round, anchor="2")
    hidden = round_comment(ended_round, body="Beleidigung")
    services.round_comment_hide(comment=hidden, reason="Beleidigend", actor=staff_user)
    services.disposition_set(
        comment=first, decision="accepted", reason="Übernommen", actor=staff_user
    )
    with pytest.raises(DomainError) as exc:
        services.round_close(consultation_round=ended_round, actor=staff_user)
    assert "1 Kommentar hat noch keine Abwägung" in str(exc.value)
    newer = VersionFactory(guideline=guideline, number=2, state=State.DRAFT)
    services.disposition_set(
        comment=second, decision="partly", reason="Teilweise", taken_up_in=newer, actor=staff_user
    )
    services.round_close(consultation_round=ended_round, actor=staff_user)
    ended_round.refresh_from_db()
    assert ended_round.evaluated_at is not None
    with pytest.raises(DomainError):
        services.disposition_set(
            comment=first, decision="rejected", reason="doch nicht", actor=staff_user
        )
    assert Disposition.objects.get(comment=first).decision == "accepted"


def test_round_cannot_close_before_its_end(public_round, staff_user):
    with pytest.raises(DomainError) as exc:
        services.round_close(consultation_round=public_round, actor=staff_user)
    assert "läuft noch" in str(exc.value)


def test_staff_comments_need_no_disposition(ended_round, staff_user):
    round_comment(ended_round, author=staff_user)
    services.round_close(consultation_round=ended_round, actor=staff_user)


def test_disposition_needs_reason_and_staff(ended_round, staff_user, member_user):
    comment = round_comment(ended_round)
    with pytest.raises(DomainError) as exc:
        services.disposition_set(comment=comment, decision="noted", reason=" ", actor=staff_user)
    assert exc.value.field == "reason"
    with pytest.raises(DomainError):
        services.disposition_set(comment=comment, decision="noted", reason="ok", actor=member_user)
    answer(comment, ended_round)
    updated = services.disposition_set(
        comment=comment, decision="rejected", reason="Nein", actor=staff_user
    )
    assert Disposition.objects.count() == 1 and updated.decision == "rejected"


def test_disposition_version_must_belong_to_the_guideline(ended_round, staff_user):
    comment = round_comment(ended_round)
    foreign = VersionFactory()
    with pytest.raises(DomainError) as exc:
        services.disposition_set(
            comment=comment, decision="accepted", reason="x", taken_up_in=foreign, actor=staff_user
        )
    assert exc.value.field == "taken_up_in"


# --- measures ---------------------------------------------------------------------------------


def test_measure_needs_an_adopted_guideline(guideline, version, staff_user):
    data = dict(
        title="Beratung",
        description="d",
        planning_level="area",
        responsible_office="Amt",
        time_frame="2023",
    )
    with pytest.raises(DomainError) as exc:
        services.measure_create(guideline=guideline, actor=staff_user, **data)
    assert exc.value.field == "guideline"
    GuidelineVersion.objects.filter(pk=version.pk).update(
        state=State.ADOPTED, adopted_on=date(2023, 1, 1)
    )
    measure = services.measure_create(guideline=guideline, actor=staff_user, **data)
    assert measure.source_version == version
    services.measure_update(measure=measure, actor=staff_user, status="done")
    measure.refresh_from_db()
    assert measure.status == "done"


def test_measure_update_validates_choices(staff_user):
    measure = MeasureFactory()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.measure_update(measure=measure, actor=staff_user, planning_level="nonsense")
