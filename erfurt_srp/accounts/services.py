"""Writes for accounts: invitations, deleting one's own account."""

import hashlib
import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.links import LINK_PLACEHOLDER
from erfurt_srp.notifications.services import message_queue

from . import personal_data
from .invitations import get_purpose
from .languages import current as current_language
from .languages import recipient_language, supported
from .models import Invitation, User
from .roles import Role, role_of

logger = logging.getLogger(__name__)

INVITATION_MAIL_KIND = "accounts.invitation"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _hash(token)


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": token})


def _queue_invitation_mail(invitation: Invitation, token: str) -> None:
    """Queue the invitation e-mail; the outbox row holds the link without its token."""
    purpose = get_purpose(invitation.purpose)
    with recipient_language(invitation.email):
        context = {
            "invitation": invitation,
            "description": purpose.describe(invitation) if purpose else "",
            "url": invitation_url(LINK_PLACEHOLDER),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "expires_at": invitation.expires_at,
        }
        subject = _("Einladung zur Sozialraumplanung Erfurt")
        body = render_to_string("account/invitation_mail.txt", context)
    message_queue(
        kind=INVITATION_MAIL_KIND,
        recipient=invitation.email,
        subject=subject,
        body=body,
        related=invitation,
        revision=invitation.send_count,
        link_secret=token,
    )


def invitation_create(
    *,
    email: str,
    purpose: str,
    payload: dict | None = None,
    actor: User | None,
    valid_days: int | None = None,
) -> Invitation:
    """Create an invitation and queue its e-mail (sent after commit)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Bitte geben Sie eine gültige E-Mail-Adresse ein."), field="email")
    if get_purpose(purpose) is None:
        raise DomainError(_("Unbekannter Einladungszweck."), field=None)
    days = valid_days or settings.INVITATION_VALID_DAYS
    token, token_hash = _new_token()
    with transaction.atomic():
        now = timezone.now()
        invitation = Invitation.objects.create(
            email=email,
            token_hash=token_hash,
            purpose=purpose,
            payload=payload or {},
            invited_by=actor,
            expires_at=now + timedelta(days=days),
            send_count=1,
            last_sent_at=now,
        )
        _queue_invitation_mail(invitation, token)
    return invitation


def invitation_resend(*, invitation_id: int, actor: User | None) -> Invitation:
    """Issue a new link (the old one stops working), extend the validity and send again."""
    token, token_hash = _new_token()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if invitation.used_at:
            raise DomainError(_("Diese Einladung wurde bereits angenommen."))
        now = timezone.now()
        invitation.token_hash = token_hash
        invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.send_count += 1
        invitation.last_sent_at = now
        invitation.save(update_fields=["token_hash", "expires_at", "send_count", "last_sent_at"])
        _queue_invitation_mail(invitation, token)
    return invitation


def invitation_link_reissue(message) -> str:
    """Outbox reissuer of the invitation e-mail (a failed one sent again): a new token, so the
    link the failed e-mail held stops working. Runs in the outbox's resend transaction."""
    invitation = Invitation.objects.select_for_update().filter(pk=message.related_id).first()
    if invitation is None or invitation.used_at:
        raise DomainError(_("Diese Einladung ist nicht mehr offen."), code="not_open")
    if message.revision != str(invitation.send_count):
        raise DomainError(
            _("Zu dieser Einladung wurde inzwischen eine neuere E-Mail gesendet."), code="stale"
        )
    if invitation.expires_at <= timezone.now():
        raise DomainError(
            _("Diese Einladung ist abgelaufen. Bitte senden Sie sie unter Einladungen erneut."),
            code="expired",
        )
    token, invitation.token_hash = _new_token()
    invitation.save(update_fields=["token_hash"])
    return token


def invitation_get_by_token(token: str) -> Invitation | None:
    """Return the invitation of a raw token, or None for a broken/unknown token."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.filter(token_hash=_hash(token)).select_related("invited_by").first()


def _check_usable(invitation: Invitation) -> None:
    if invitation.used_at:
        raise DomainError(_("Diese Einladung wurde bereits angenommen."), code="used")
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("Diese Einladung ist abgelaufen."), code="expired")
    if get_purpose(invitation.purpose) is None:
        raise DomainError(_("Diese Einladung kann nicht mehr angenommen werden."), code="broken")


def _apply(invitation: Invitation, user: User) -> None:
    get_purpose(invitation.purpose).accept(invitation, user)
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])


def invitation_accept_new_user(
    *, invitation_id: int, first_name: str, last_name: str, password: str
) -> User:
    """Create the invitee's account (e-mail verified by the link) and apply the invitation."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        _check_usable(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(
                _("Für diese E-Mail-Adresse besteht bereits ein Konto. Bitte melden Sie sich an."),
                code="exists",
            )
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            language=current_language(),
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        _apply(invitation, user)
    return user


def invitation_accept_existing_user(*, invitation_id: int, user: User) -> Invitation:
    """Apply the invitation to the logged-in account that owns the invited e-mail address."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        _check_usable(invitation)
        if user.email.lower() != invitation.email.lower():
            raise DomainError(
                _("Diese Einladung gilt für eine andere E-Mail-Adresse."), code="other_user"
            )
        addresses = EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
        if not addresses.update(verified=True):
            EmailAddress.objects.create(
                user=user, email=invitation.email, verified=True, primary=True
            )
        _apply(invitation, user)
    return invitation


def account_settings_update(*, user, language: str) -> User:
    """Store the language the person reads their e-mails in."""
    code = supported(language)
    if code != language:
        raise DomainError(_("Diese Sprache gibt es hier nicht."), field="language")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=code)
        user.language = code
    return user


def account_can_self_delete(user) -> bool:
    """Registered people delete their own account; the accounts of staff and committee members
    belong to the committee's record and are closed by the Geschäftsstelle."""
    return role_of(user) == Role.PUBLIC


def account_delete(*, user) -> None:
    """Delete the account and everything the apps hold about the person (personal_data
    registry); contributions that are part of a public record stay under "deleted account"."""
    if not account_can_self_delete(user):
        raise DomainError(
            _(
                "Konten der Geschäftsstelle und von Gremiumsmitgliedern löscht die "
                "Geschäftsstelle, da sie zu den Unterlagen des Gremiums gehören. Bitte schreiben "
                "Sie uns."
            ),
            code="forbidden",
        )
    user_id = user.pk
    with transaction.atomic():
        personal_data.erase_for(user)
        user.delete()
    logger.info("accounts: account %s deleted by its owner", user_id)
