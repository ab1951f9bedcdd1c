"""Adoption of a guideline version through a vote of the committee (gremium.services.votes).

- `put_to_vote` opens a yes/no vote of the theme's committee with the version as subject.
- `on_vote_closed` (registered in apps.ready) records the adoption when the vote is carried:
  `services.version_adopt` freezes and dates the version, with the vote as reference.
- Without the votes API, staff record the committee's decision by hand (services.version_adopt).
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError
from erfurt_srp.core.texts import stored_language

from .models import GuidelineVersion

logger = logging.getLogger(__name__)


def _votes():
    try:
        from gremium.services import votes as vote_services
    except ImportError:
        return None
    if not hasattr(vote_services, "vote_open") or not hasattr(vote_services, "on_vote_closed"):
        return None
    return vote_services


def votes_available() -> bool:
    return _votes() is not None


def open_vote_for(version: GuidelineVersion):
    """The open vote on this version, if any."""
    if not votes_available():
        return None
    from django.contrib.contenttypes.models import ContentType

    from gremium.models import Vote

    return Vote.objects.filter(
        subject_type=ContentType.objects.get_for_model(GuidelineVersion),
        subject_id=str(version.pk),
        status=Vote.Status.OPEN,
    ).first()


def put_to_vote(*, version: GuidelineVersion, actor, deadline=None):
    """Open the committee's vote on adopting this version."""
    votes = _votes()
    if votes is None:
        raise DomainError(_("Abstimmungen im Gremium sind noch nicht verfügbar."))
    if version.state not in (GuidelineVersion.State.DRAFT, GuidelineVersion.State.CONSULTATION):
        raise DomainError(_("Über diese Fassung kann nicht mehr abgestimmt werden."))
    if version.rounds.filter(evaluated_at__isnull=True).exists():
        raise DomainError(_("Zu dieser Fassung ist eine Beteiligungsrunde noch nicht abgewogen."))
    if open_vote_for(version) is not None:
        raise DomainError(_("Über diese Fassung wird bereits abgestimmt."))
    return votes.vote_open(
        committee=version.guideline.theme.committee,
        subject=version,
        question=_("Soll %(g)s in Fassung %(n)s beschlossen werden?")
        % {"g": version.guideline.title, "n": version.number},
        deadline=deadline,
        actor=actor,
    )


def on_vote_closed(vote) -> None:
    """Hook: a carried vote on a version adopts it; other results leave it as it is."""
    from gremium.models import Vote

    if vote.result != Vote.Result.CARRIED:
        return
    version = GuidelineVersion.objects.filter(pk=vote.subject_id).first()
    if version is None:
        return
    decided_on = timezone.localdate(vote.closed_at) if vote.closed_at else timezone.localdate()
    # A record of the city, in its language whatever the language of the page that closed it.
    with stored_language():
        reference = _("Abstimmung %(c)s vom %(d)s: %(r)s") % {
            "c": vote.committee.name,
            "d": decided_on.strftime("%d.%m.%Y"),
            "r": (vote.result_text or vote.get_result_display())[:200],
        }
    try:
        with transaction.atomic():
            from .services import version_adopt

            version_adopt(
                version=version,
                actor=None,
                decided_on=decided_on,
                reference=reference,
                vote_id=vote.pk,
            )
    except DomainError as error:
        logger.warning("Vote %s carried but version %s not adopted: %s", vote.pk, version.pk, error)


def register() -> None:
    votes = _votes()
    if votes is None:
        return
    from .permissions import can_view_version

    votes.on_vote_closed.register(GuidelineVersion, on_vote_closed)
    votes.subject_visibility.register(GuidelineVersion, can_view_version)
