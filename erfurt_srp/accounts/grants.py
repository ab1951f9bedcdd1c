"""Personal grants: a right that staff give one named person on one object, outside any role.

The right itself is a django-guardian object permission (`assign_perm`), so `user.has_perm(perm,
obj)` and guardian's tools see it. Guardian knows no period and no author, so each grant also
has a record (a concrete subclass of `PersonalGrant` in the domain app, with its history): who
granted it to whom, until when, and when it was revoked. The apps' permission predicates count a
guardian permission only while a live record stands next to it, so a grant stops working the day
after its end date even before the cleanup job removes the guardian row.

A grant for an address without an account waits for the invitation (accounts.invitations):
accepting it links the new account and assigns the permission.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from erfurt_srp.core.errors import DomainError


class PersonalGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Benutzerkonto"),
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    ends_on = models.DateField(_("gültig bis einschließlich"), null=True, blank=True)
    note = models.CharField(_("Anlass"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erteilt von"),
    )
    created_at = models.DateTimeField(_("erteilt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("widerrufen von"),
    )
    invitation = models.ForeignKey(
        "accounts.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Einladung"),
    )

    class Status(models.TextChoices):
        INVITED = "invited", _("eingeladen, noch kein Konto")
        ACTIVE = "active", _("gültig")
        EXPIRED = "expired", _("abgelaufen")
        REVOKED = "revoked", _("widerrufen")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def status(self) -> str:
        if self.revoked_at:
            return self.Status.REVOKED
        if self.ends_on and self.ends_on < timezone.localdate():
            return self.Status.EXPIRED
        if self.user_id is None:
            return self.Status.INVITED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def holder_display(self) -> str:
        return self.user.display_name if self.user_id else self.email


def live_q(prefix: str = "") -> Q:
    """Records that still give their right today: not revoked, end date not passed."""
    today = timezone.localdate()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            gettext("Bitte geben Sie eine gültige E-Mail-Adresse ein."), field="email"
        )
    return email


def clean_end_date(ends_on, *, required: bool):
    if ends_on is None:
        if required:
            raise DomainError(
                gettext("Bitte geben Sie an, bis wann der Zugang gelten soll."), field="ends_on"
            )
        return None
    if ends_on < timezone.localdate():
        raise DomainError(
            gettext("Das Enddatum liegt in der Vergangenheit. Bitte wählen Sie heute oder später."),
            field="ends_on",
        )
    return ends_on


def account_for(email: str):
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def sync_permission(*, records, perm: str, user, obj) -> bool:
    """Make guardian hold `perm` for user on obj exactly while a live record grants it.
    `records` is the queryset of the grant model for this user and object. Return True when the
    permission stands afterwards."""
    if user is None:
        return False
    if records.filter(live_q()).exists():
        assign_perm(perm, user, obj)
        return True
    remove_perm(perm, user, obj)
    return False


def export_grants(model, user, *, target_label) -> list[dict]:
    """The person's grants of one kind for the data export (personal_data)."""
    from .personal_data import record

    return [
        record(
            (gettext("Zugang"), target_label(grant)),
            (gettext("gültig bis einschließlich"), grant.ends_on),
            (gettext("Anlass"), grant.note),
            (gettext("erteilt am"), grant.created_at),
            (gettext("widerrufen am"), grant.revoked_at),
        )
        for grant in model.objects.filter(Q(user=user) | Q(email__iexact=user.email))
    ]


def erase_grants(model, user) -> None:
    """Delete the person's grants of one kind and their history (the guardian rows go with the
    account)."""
    mine = Q(user=user) | Q(email__iexact=user.email)
    model.objects.filter(mine).delete()
    model.history.filter(Q(user_id=user.pk) | Q(email__iexact=user.email)).delete()
