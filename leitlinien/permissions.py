"""Who may see and do what in the guideline process. Views and selectors use these predicates.

- Insiders (staff, admins, active members of the theme's committee) see everything, drafts too.
- Everyone else sees adopted and superseded versions, versions in an open/ended public round,
  and the rounds they take part in. Drafts never reach them.
- A round's audience decides who may comment: see `can_comment_as_user`.
- Editors (Federführung, `ThemeEditor`): a named person whom staff gave guardian's
  `edit_theme_draft` on one theme sees and edits that theme's draft versions, nothing else
  (`can_edit_version`). Membership-derived access is unchanged.
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.http import Http404

from erfurt_srp.accounts.grants import live_q
from erfurt_srp.accounts.roles import is_staff
from gremium.models import Institution
from gremium.permissions import user_memberships

from .models import (
    Audience,
    ConsultationRound,
    GuidelineVersion,
    RoundInvitation,
    ThemeEditor,
    ThemeUserObjectPermission,
)

EDITOR_PERMISSION = "edit_theme_draft"


def _cache(user) -> dict:
    cache = getattr(user, "_leitlinien_perm_cache", None)
    if cache is None:
        cache = {}
        user._leitlinien_perm_cache = cache
    return cache


def _active_memberships(user) -> list[tuple[int, str]]:
    """(committee id, institution kind) of the user's active memberships: gremium's
    user_memberships, so the page shares its one query and per-request cache."""
    return [(m.committee_id, m.institution_kind) for m in user_memberships(user)]


def is_insider(user, committee_id: int) -> bool:
    """Staff, admins and active members of the committee that owns the theme."""
    if is_staff(user):
        return True
    return any(cid == committee_id for cid, _kind in _active_memberships(user))


def is_any_insider(user) -> bool:
    return is_staff(user) or bool(_active_memberships(user))


def edited_theme_ids(user) -> frozenset[int]:
    """Themes whose drafts the user edits as editor: guardian's `edit_theme_draft`, counted while
    a live ThemeEditor record stands beside it. One query per request, cached on the user."""
    if not user.is_authenticated:
        return frozenset()
    cache = _cache(user)
    if "edited" not in cache:
        perms = ThemeUserObjectPermission.objects.filter(
            user=user, permission__codename=EDITOR_PERMISSION
        ).values("content_object_id")
        cache["edited"] = frozenset(
            ThemeEditor.objects.filter(live_q(), user=user, theme_id__in=perms)
            .order_by()
            .values_list("theme_id", flat=True)
        )
    return cache["edited"]


def is_editor(user, theme_id: int) -> bool:
    return theme_id in edited_theme_ids(user)


def can_edit_theme_drafts(user, theme_id: int) -> bool:
    """Staff edit the drafts of every theme; an editor those of their theme."""
    return is_staff(user) or is_editor(user, theme_id)


def can_edit_version(user, version: GuidelineVersion) -> bool:
    return version.is_draft and can_edit_theme_drafts(user, version.guideline.theme_id)


def verified_emails(user):
    """The user's verified e-mail addresses: public rounds are open to users with one."""
    return EmailAddress.objects.filter(user=user, verified=True)


def has_verified_email(user) -> bool:
    if not user.is_authenticated:
        return False
    cache = _cache(user)
    if "verified" not in cache:
        cache["verified"] = verified_emails(user).exists()
    return cache["verified"]


def remember_verified_email(user, verified: bool) -> None:
    """Keep has_verified_email's answer when a query has read it along the way
    (an `Exists(verified_emails(user))` annotation), so the request does not ask again."""
    if user.is_authenticated:
        _cache(user).setdefault("verified", bool(verified))


def _invited_round_ids(user) -> set[int]:
    """Rounds the user was personally invited to under one of their verified addresses."""
    if not user.is_authenticated:
        return set()
    cache = _cache(user)
    if "invited" not in cache:
        emails = verified_emails(user).values("email")
        cache["invited"] = set(
            RoundInvitation.objects.filter(email__in=emails, revoked_at__isnull=True).values_list(
                "round_id", flat=True
            )
        )
    return cache["invited"]


def in_audience(user, consultation_round: ConsultationRound, committee_id: int) -> bool:
    """Does this logged-in user belong to the round's audience?"""
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    if consultation_round.audience == Audience.PUBLIC:
        return has_verified_email(user)
    if consultation_round.audience == Audience.COMMITTEE and is_insider(user, committee_id):
        return True
    if consultation_round.audience == Audience.ADMINISTRATION and any(
        cid == committee_id and kind == Institution.Kind.ADMINISTRATION
        for cid, kind in _active_memberships(user)
    ):
        return True
    return consultation_round.pk in _invited_round_ids(user)


def committee_id_of_round(consultation_round: ConsultationRound) -> int:
    return consultation_round.version.guideline.theme.committee_id


def can_view_round(user, consultation_round: ConsultationRound) -> bool:
    committee_id = committee_id_of_round(consultation_round)
    if is_insider(user, committee_id):
        return True
    if consultation_round.version.state == GuidelineVersion.State.DRAFT:
        return False
    if consultation_round.phase() == ConsultationRound.Phase.PLANNED:
        return False
    if consultation_round.audience == Audience.PUBLIC:
        return True
    return in_audience(user, consultation_round, committee_id)


def can_view_dispositions(user, consultation_round: ConsultationRound) -> bool:
    """Insiders see every answer; the public sees the answers in public rounds; participants theirs."""
    if is_insider(user, committee_id_of_round(consultation_round)):
        return True
    return consultation_round.audience == Audience.PUBLIC or in_audience(
        user, consultation_round, committee_id_of_round(consultation_round)
    )


def can_view_export(user, export) -> bool:
    """A stored export (PlanExport) by the rule of the page it belongs to: a round's
    Abwägungstabelle as the round's table download, the Sozialraumplan as the plan pages."""
    if export.report_id:
        return is_staff(user)
    if export.round_id:
        return can_view_round(user, export.round) and can_view_dispositions(user, export.round)
    return user.is_authenticated and is_any_insider(user)


def can_view_version(user, version: GuidelineVersion, rounds=None) -> bool:
    if is_insider(user, version.guideline.theme.committee_id):
        return True
    if version.state == GuidelineVersion.State.DRAFT:
        return is_editor(user, version.guideline.theme_id)
    if version.is_frozen:
        return True
    rounds = version.rounds.all() if rounds is None else rounds
    for consultation_round in rounds:
        consultation_round.version = version
        if can_view_round(user, consultation_round):
            return True
    return False


def can_comment_as_user(user, consultation_round: ConsultationRound) -> bool:
    """A logged-in user may comment under their name in an open round of their audience."""
    return consultation_round.is_open() and in_audience(
        user, consultation_round, committee_id_of_round(consultation_round)
    )


def get_round_for_user(user, pk: int) -> ConsultationRound:
    consultation_round = (
        ConsultationRound.objects.select_related("version__guideline__theme").filter(pk=pk).first()
    )
    if consultation_round is None or not can_view_round(user, consultation_round):
        raise Http404
    return consultation_round


def get_version_for_user(user, pk: int, write: bool = False) -> GuidelineVersion:
    """404 when the user may not see the version, 403 when write is asked but not allowed
    (a version that is no longer a draft is left to the caller, which explains why)."""
    version = GuidelineVersion.objects.select_related("guideline__theme").filter(pk=pk).first()
    if version is None or not can_view_version(user, version):
        raise Http404
    if write and not can_edit_theme_drafts(user, version.guideline.theme_id):
        raise PermissionDenied
    return version
