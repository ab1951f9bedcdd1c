"""E-mails of the guideline process go out in each recipient's language: the language of their
account, German for an address without one."""

from datetime import date

from django.utils import translation

from erfurt_srp.accounts.models import User
from erfurt_srp.notifications.models import OutboxMessage
from leitlinien import services
from leitlinien.models import ReportCycle
from leitlinien.reports import services as report_services


def test_round_invitations_in_each_recipients_language(factions_round, staff_user, public_user):
    User.objects.filter(pk=public_user.pk).update(language="en")
    recipients = [
        {"name": "Berta Public", "email": public_user.email, "group": "Ortsteil 1"},
        {"name": "Otto Ohnekonto", "email": "otto@example.org", "group": "Ortsteil 2"},
    ]
    with translation.override("en"):
        services.round_invite(
            consultation_round=factions_round, recipients=recipients, actor=staff_user
        )
    mails = {
        m.recipient: m for m in OutboxMessage.objects.filter(kind="leitlinien.round_invitation")
    }
    assert mails[public_user.email].subject.startswith("Invitation to participate: ")
    assert "Guten Tag" not in mails[public_user.email].body
    assert mails["otto@example.org"].subject.startswith("Einladung zur Beteiligung: ")
    assert mails["otto@example.org"].body.startswith("Guten Tag Otto Ohnekonto,")


def test_report_reminder_in_each_staff_members_language(staff_user, admin_user):
    User.objects.filter(pk=admin_user.pk).update(language="en")
    cycle, _created = ReportCycle.objects.update_or_create(
        pk=1, defaults={"next_due_on": date(2027, 2, 3), "reminded_for": None}
    )
    assert report_services.report_reminders_send_due(today=date(2027, 1, 31)) == 2
    mails = {m.recipient: m for m in OutboxMessage.objects.filter(kind="leitlinien.report_due")}
    assert "3. Februar 2027" in mails[staff_user.email].subject
    assert "3 February 2027" in mails[admin_user.email].subject
