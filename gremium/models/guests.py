"""Guests: a named person (an expert, the authors of a study) who may see the non-public papers
of one meeting or one agenda item until an end date, without becoming a member.

The right is the guardian object permission `view_nonpublic_papers` on the Meeting or the
AgendaItem (direct foreign-key permission tables below); `GuestAccess` is the record beside it
with the period, the author and the revocation (see erfurt_srp.accounts.grants).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from erfurt_srp.accounts.grants import PersonalGrant

from .meetings import AgendaItem, Meeting

__all__ = [
    "AgendaItemUserObjectPermission",
    "GuestAccess",
    "MeetingUserObjectPermission",
]

GUEST_PERMISSION = "view_nonpublic_papers"


class MeetingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Objektberechtigung Sitzung")
        verbose_name_plural = _("Objektberechtigungen Sitzung")


class AgendaItemUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AgendaItem, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Objektberechtigung TOP")
        verbose_name_plural = _("Objektberechtigungen TOP")


class GuestAccess(PersonalGrant):
    """One guest's access to one meeting's or one agenda item's non-public papers."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guest_accesses",
        verbose_name=_("Sitzung"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guest_accesses",
        verbose_name=_("Tagesordnungspunkt"),
    )

    history = HistoricalRecords()

    class Meta(PersonalGrant.Meta):
        verbose_name = _("Gastzugang")
        verbose_name_plural = _("Gastzugänge")
        constraints = [
            models.CheckConstraint(
                condition=(Q(meeting__isnull=False) & Q(agenda_item__isnull=True))
                | (Q(meeting__isnull=True) & Q(agenda_item__isnull=False)),
                name="guest_access_one_object",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=False), name="guest_access_has_end_date"
            ),
        ]

    def __str__(self):
        return f"{self.holder_display}: {self.target}"

    @property
    def target(self):
        return self.meeting if self.meeting_id else self.agenda_item
