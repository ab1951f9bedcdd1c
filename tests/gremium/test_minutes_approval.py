"""Minutes are approved at a later, held meeting of the same committee; staff can undo a wrong
approval with a reason that stays in the minutes' history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from gremium.models import Meeting, Minutes
from gremium.services import minutes as minutes_services
from tests.conftest import PASSWORD
from tests.gremium.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory


def _meeting(committee, number, days, state=Meeting.State.HELD):
    start = timezone.now() + timedelta(days=days)
    return MeetingFactory(
        committee=committee, number=number, start=start, end=start + timedelta(hours=2), state=state
    )


@pytest.fixture
def past(committee, staff_user, member_user):
    """A held meeting 30 days ago whose draft minutes are published for comment."""
    meeting = _meeting(committee, 1, -30)
    item = AgendaItemFactory(meeting=meeting, name="Standorte")
    minutes_services.minutes_save(
        actor=staff_user, meeting=meeting, introduction="Begrüßung", entries={item.pk: ("T", "E")}
    )
    minutes_services.minutes_publish(actor=staff_user, meeting=meeting)
    return meeting


@pytest.fixture
def held_later(committee):
    return _meeting(committee, 2, -2)


def _approve(staff_user, past, approved_in):
    return minutes_services.minutes_approve(actor=staff_user, meeting=past, approved_in=approved_in)


def test_minutes_are_approved_at_a_later_held_meeting(past, held_later, staff_user):
    minutes = _approve(staff_user, past, held_later)
    assert minutes.state == Minutes.State.APPROVED and minutes.approved_in == held_later
    past.refresh_from_db()
    assert past.state == Meeting.State.MINUTES_APPROVED


@pytest.mark.parametrize(
    "which,message",
    [
        ("cancelled", "abgesagt"),
        ("future", "noch nicht stattgefunden"),
        ("not_marked_held", "noch nicht als durchgeführt markiert"),
        ("earlier", "späteren Sitzung"),
        ("same", "späteren Sitzung"),
        ("other_committee", "desselben Gremiums"),
    ],
)
def test_approval_at_the_wrong_meeting_is_refused(past, committee, staff_user, which, message):
    wrong = {
        "cancelled": lambda: _meeting(committee, 3, -1, Meeting.State.CANCELLED),
        "future": lambda: _meeting(committee, 3, 10, Meeting.State.PUBLISHED),
        "not_marked_held": lambda: _meeting(committee, 3, -1, Meeting.State.PUBLISHED),
        "earlier": lambda: _meeting(committee, 3, -60),
        "same": lambda: past,
        "other_committee": lambda: _meeting(CommitteeFactory(), 3, -1),
    }[which]()
    with pytest.raises(DomainError) as error:
        _approve(staff_user, past, wrong)
    assert error.value.field == "approved_in"
    assert message in str(error.value)
    minutes = Minutes.objects.get(meeting=past)
    assert minutes.state == Minutes.State.PUBLISHED and minutes.approved_in is None


def test_wrong_meeting_in_the_form_gets_a_message_next_to_the_field(
    client, past, committee, staff_user
):
    cancelled = _meeting(committee, 3, -1, Meeting.State.CANCELLED)
    client.login(email=staff_user.email, password=PASSWORD)
    url = reverse("gremium:minutes_approve", args=[past.pk])
    response = client.post(url, {"approved_in": cancelled.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_approved_in_error"' in html
    assert "abgesagt" in html.split('id="id_approved_in_error"')[1].split("</ul>")[0]
    # the list offers only later, held meetings of the committee
    response = client.get(reverse("gremium:minutes_detail", args=[past.pk]))
    assert cancelled.title not in response.content.decode()


def test_form_lists_only_later_held_meetings(past, held_later, committee):
    from gremium.forms.minutes import MinutesApproveForm

    _meeting(committee, 3, -1, Meeting.State.CANCELLED)
    _meeting(committee, 4, 10, Meeting.State.PUBLISHED)
    _meeting(CommitteeFactory(), 1, -1)
    form = MinutesApproveForm(meeting=past)
    offered = [value for value, _label in form.fields["approved_in"].widget.choices if value]
    assert offered == [held_later.pk]


def test_staff_undo_a_wrong_approval_with_a_reason_kept_in_the_history(
    client, past, held_later, staff_user
):
    _approve(staff_user, past, held_later)
    client.login(email=staff_user.email, password=PASSWORD)
    url = reverse("gremium:minutes_approval_revoke", args=[past.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert Minutes.objects.get(meeting=past).state == Minutes.State.APPROVED

    reason = "Irrtümlich in der falschen Sitzung erfasst; die Genehmigung folgt in der nächsten."
    response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=past)
    assert minutes.state == Minutes.State.PUBLISHED
    assert minutes.approved_in is None and minutes.approved_at is None
    past.refresh_from_db()
    assert past.state == Meeting.State.HELD
    latest = minutes.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == reason
    assert latest.history_user == staff_user
    page = client.get(reverse("gremium:minutes_detail", args=[past.pk])).content.decode()
    assert reason in page
    # approved again, correctly
    assert _approve(staff_user, past, held_later).state == Minutes.State.APPROVED


def test_members_cannot_undo_an_approval(client, past, held_later, staff_user, member_user):
    _approve(staff_user, past, held_later)
    with pytest.raises(DomainError):
        minutes_services.minutes_approval_revoke(actor=member_user, meeting=past, reason="x")
    client.login(email=member_user.email, password=PASSWORD)
    url = reverse("gremium:minutes_approval_revoke", args=[past.pk])
    assert client.post(url, {"reason": "falsch"}).status_code == 403
    assert Minutes.objects.get(meeting=past).state == Minutes.State.APPROVED


def test_only_approved_minutes_can_be_revoked(past, staff_user):
    with pytest.raises(DomainError):
        minutes_services.minutes_approval_revoke(actor=staff_user, meeting=past, reason="x")
