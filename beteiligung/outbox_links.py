"""Personal links in the outbox (see erfurt_srp.notifications.links).

Every registration e-mail carries the registration's personal link. Sending a failed one again
gives the registration a new public id: every earlier link of it stops working, and the other
e-mails of it still waiting to be sent get the new link.
"""

from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage

from .models import Registration, new_public_id

REGISTRATION_MAIL_KINDS = (
    "beteiligung.opt_in",
    "beteiligung.confirmation",
    "beteiligung.waiting",
    "beteiligung.promoted",
    "beteiligung.cancellation",
    "beteiligung.table_changed",
    "beteiligung.reminder",
    "beteiligung.followup",
    "beteiligung.message",
)


def registration_link_reissue(message: OutboxMessage) -> str:
    registration = Registration.objects.select_for_update().filter(pk=message.related_id).first()
    if registration is None or not registration.public_id:
        raise DomainError(_("Diese Anmeldung hat keinen persönlichen Link mehr."))
    registration.public_id = new_public_id()
    registration.save(update_fields=["public_id"])
    token = registration.make_token()
    OutboxMessage.objects.filter(
        related_type_id=message.related_type_id,
        related_id=message.related_id,
        status__in=OutboxMessage.OPEN,
    ).exclude(link_secret="").update(link_secret=token)
    return token
