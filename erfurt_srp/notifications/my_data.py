"""The outbox's part of "my data": the e-mails sent to the person's address."""

from django.utils.translation import gettext as _

from erfurt_srp.accounts.personal_data import record

from .models import OutboxMessage


def export_messages(user) -> list[dict]:
    return [
        record(
            (_("Betreff"), message.subject),
            (_("Art"), message.kind),
            (_("Status"), message.get_status_display()),
            (_("angelegt"), message.created_at),
            (_("gesendet am"), message.sent_at),
        )
        for message in OutboxMessage.objects.filter(recipient__iexact=user.email).order_by(
            "created_at", "pk"
        )
    ]


def erase_messages(user) -> None:
    OutboxMessage.objects.filter(recipient__iexact=user.email).delete()
