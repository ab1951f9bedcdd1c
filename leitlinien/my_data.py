"""Guidelines' part of "my data": comments answered in a disposition table stay as part of the
public record under "deleted account"; unconfirmed comments and personal links go."""

from django.utils.translation import gettext as _

from erfurt_srp.accounts.personal_data import record
from erfurt_srp.discussion.my_data import comments_of, keep_as_deleted_account

from .models import PendingPublicComment, RoundInvitation


def export_links_and_pending(user) -> list[dict]:
    items = [
        record(
            (_("Persönlicher Beteiligungslink"), invitation.round.title),
            (_("Name"), invitation.name),
            (_("E-Mail-Adresse"), invitation.email),
            (_("Institution / Fraktion / Ortsteil"), invitation.group),
            (_("gültig bis"), invitation.expires_at),
        )
        for invitation in RoundInvitation.objects.filter(email__iexact=user.email)
        .select_related("round")
        .order_by("pk")
    ]
    items += [
        record(
            (_("Unbestätigter öffentlicher Kommentar"), pending.round.title),
            (_("Name"), pending.name),
            (_("E-Mail-Adresse"), pending.email),
            (_("Kommentar"), pending.body),
            (_("Fassung der Datenschutzhinweise"), pending.privacy_version),
        )
        for pending in PendingPublicComment.objects.filter(email__iexact=user.email)
        .select_related("round")
        .order_by("pk")
    ]
    return items


def erase(user) -> None:
    keep_as_deleted_account(comments_of(user).filter(leitlinien_disposition__isnull=False))
    PendingPublicComment.objects.filter(email__iexact=user.email).delete()
    RoundInvitation.objects.filter(email__iexact=user.email).delete()
