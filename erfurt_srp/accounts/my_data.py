"""The account's own part of "my data": the account, its e-mail addresses, two-factor methods and
invitations sent to its address."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from .models import Invitation, User
from .personal_data import record


def export_account(user) -> list[dict]:
    items = [
        record(
            (_("E-Mail-Adresse"), user.email),
            (_("Vorname"), user.first_name),
            (_("Nachname"), user.last_name),
            (_("Sprache"), user.get_language_display()),
            (_("Konto angelegt"), user.date_joined),
            (_("Letzte Anmeldung"), user.last_login),
        )
    ]
    for address in EmailAddress.objects.filter(user=user).order_by("pk"):
        items.append(
            record(
                (_("E-Mail-Adresse"), address.email),
                (_("bestätigt"), address.verified),
                (_("Hauptadresse"), address.primary),
            )
        )
    for method in Authenticator.objects.filter(user=user).order_by("pk"):
        items.append(
            record(
                (_("Zwei-Faktor-Methode"), method.get_type_display()),
                (_("eingerichtet am"), method.created_at),
            )
        )
    for invitation in Invitation.objects.filter(email__iexact=user.email).order_by("pk"):
        items.append(
            record(
                (_("Einladung"), invitation.purpose),
                (_("angelegt"), invitation.created_at),
                (_("angenommen am"), invitation.used_at),
            )
        )
    return items


def erase_account(user) -> None:
    """What deleting the user row would leave behind: invitations to the address, admin log
    entries that name the account."""
    Invitation.objects.filter(email__iexact=user.email).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
