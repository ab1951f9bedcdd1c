"""Guest access to the non-public papers of one meeting or one agenda item (GuestAccess).

Staff grant it to an e-mail address until an end date: an existing account gets guardian's
`view_nonpublic_papers` on the object at once and a notice; an address without an account gets
an invitation (purpose "gremium.guest", registered in GremiumConfig.ready()) and the permission
when it is accepted. Revoking and the daily cleanup (`guest_access_expire`) remove the guardian
row once no live record stands beside it.
"""

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.accounts import grants
from erfurt_srp.accounts.languages import recipient_language
from erfurt_srp.accounts.models import Invitation
from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.accounts.services import invitation_create
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.services import message_queue

from ..models import (
    AgendaItem,
    AgendaItemUserObjectPermission,
    GuestAccess,
    Meeting,
    MeetingUserObjectPermission,
)
from ..models.guests import GUEST_PERMISSION
from .common import absolute_url, with_history

PURPOSE = "gremium.guest"
NOTICE_KIND = "gremium.guest_access"
PERM = f"gremium.{GUEST_PERMISSION}"


def _records_for(user, target):
    field = "meeting" if isinstance(target, Meeting) else "agenda_item"
    return GuestAccess.objects.filter(user=user, **{field: target})


def _sync(grant: GuestAccess) -> bool:
    return grants.sync_permission(
        records=_records_for(grant.user, grant.target),
        perm=PERM,
        user=grant.user,
        obj=grant.target,
    )


def _target_label(target) -> str:
    if isinstance(target, Meeting):
        return _("Sitzung „%(title)s“ am %(date)s") % {
            "title": target.title,
            "date": timezone.localtime(target.start).strftime("%d.%m.%Y"),
        }
    return _("%(item)s der Sitzung „%(title)s“") % {
        "item": str(target),
        "title": target.meeting.title,
    }


def _queue_notice(grant: GuestAccess) -> None:
    target = grant.target
    meeting = target if isinstance(target, Meeting) else target.meeting
    with recipient_language(grant.email):
        subject = _("Zugang zu nicht öffentlichen Unterlagen")
        body = render_to_string(
            "gremium/email/guest_access.txt",
            {
                "grant": grant,
                "target": _target_label(target),
                "url": absolute_url(meeting.get_absolute_url()),
            },
        )
    message_queue(
        kind=NOTICE_KIND, recipient=grant.email, subject=subject, body=body, related=grant
    )


def guest_access_grant(
    *,
    actor,
    email: str,
    ends_on,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    note: str = "",
) -> GuestAccess:
    """Let the person with this address see the target's non-public papers until `ends_on`."""
    require_staff(actor)
    if (meeting is None) == (agenda_item is None):
        raise DomainError(_("Bitte wählen Sie eine Sitzung oder einen Tagesordnungspunkt."))
    email = grants.clean_email(email)
    ends_on = grants.clean_end_date(ends_on, required=True)
    target = meeting or agenda_item
    field = "meeting" if meeting is not None else "agenda_item"
    with transaction.atomic():
        type(target).objects.select_for_update().get(pk=target.pk)
        live = GuestAccess.objects.filter(grants.live_q(), email__iexact=email, **{field: target})
        if live.exists():
            raise DomainError(
                _(
                    "Diese Person hat hier bereits einen gültigen Zugang. Widerrufen Sie ihn zuerst."
                ),
                field="email",
            )
        user = grants.account_for(email)
        grant = with_history(
            GuestAccess(
                email=email,
                user=user,
                ends_on=ends_on,
                note=(note or "").strip(),
                granted_by=actor,
                **{field: target},
            ),
            actor,
        )
        grant.save()
        if user is not None:
            _sync(grant)
            _queue_notice(grant)
        else:
            grant.invitation = invitation_create(
                email=email, purpose=PURPOSE, payload={"grant": grant.pk}, actor=actor
            )
            with_history(grant, actor).save(update_fields=["invitation"])
    return grant


def guest_access_revoke(*, actor, grant: GuestAccess) -> GuestAccess:
    require_staff(actor)
    with transaction.atomic():
        grant = GuestAccess.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.revoked_by = actor
            with_history(grant, actor).save(update_fields=["revoked_at", "revoked_by"])
        _sync(grant)
    return grant


def guest_access_expire() -> int:
    """Remove guardian rows that no live record backs any more (ended, revoked or deleted
    records). Return how many were removed."""
    removed = 0
    for model, field in (
        (MeetingUserObjectPermission, "meeting"),
        (AgendaItemUserObjectPermission, "agenda_item"),
    ):
        live = GuestAccess.objects.filter(grants.live_q()).values_list("user_id", f"{field}_id")
        backed = {(user_id, obj_id) for user_id, obj_id in live if obj_id}
        stale = [
            pk
            for pk, user_id, obj_id in model.objects.filter(
                permission__codename=GUEST_PERMISSION
            ).values_list("pk", "user_id", "content_object_id")
            if (user_id, obj_id) not in backed
        ]
        removed += model.objects.filter(pk__in=stale).delete()[0]
    return removed


# --- invitation purpose "gremium.guest" ------------------------------------------------------


def _grant_of(invitation: Invitation) -> GuestAccess | None:
    return (
        GuestAccess.objects.select_related("meeting__committee", "agenda_item__meeting__committee")
        .filter(pk=invitation.payload.get("grant"))
        .first()
    )


def describe(invitation: Invitation) -> str:
    grant = _grant_of(invitation)
    if grant is None:
        return ""
    return _("Zugang als Gast zu den nicht öffentlichen Unterlagen: %(target)s, bis %(date)s.") % {
        "target": _target_label(grant.target),
        "date": grant.ends_on.strftime("%d.%m.%Y"),
    }


def accept(invitation: Invitation, user) -> None:
    """Link the new account to the grant; the permission stands while the grant is live."""
    grant = GuestAccess.objects.select_for_update().filter(pk=invitation.payload.get("grant"))
    grant = grant.first()
    if grant is None or grant.revoked_at is not None:
        raise DomainError(_("Dieser Zugang wurde inzwischen widerrufen."), code="revoked")
    if grant.user_id is None:
        grant.user = user
        with_history(grant, user).save(update_fields=["user"])
    _sync(grant)


def landing_url(invitation: Invitation) -> str:
    grant = _grant_of(invitation)
    if grant is None:
        return reverse("dashboard")
    target = grant.target
    meeting = target if isinstance(target, Meeting) else target.meeting
    return meeting.get_absolute_url()
