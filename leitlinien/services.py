"""Writes of the guideline process. Each function is one transaction, locks before it checks,
takes keyword-only arguments and the acting user as `actor=`."""

import re
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from erfurt_srp.accounts import grants
from erfurt_srp.accounts.languages import languages_of, recipient_language
from erfurt_srp.accounts.roles import Role, is_staff, require_staff, role_of
from erfurt_srp.accounts.services import invitation_create
from erfurt_srp.core.adminlog import scrub_admin_log
from erfurt_srp.core.errors import DomainError
from erfurt_srp.core.legal import PRIVACY_NOTICE_VERSION
from erfurt_srp.core.texts import stored_language
from erfurt_srp.discussion.models import Comment
from erfurt_srp.discussion.sanitize import contains_link, sanitize_comment
from erfurt_srp.discussion.services import (
    comment_create,
    comment_hide,
    comment_reject,
    comment_release,
)
from erfurt_srp.exports import leases
from erfurt_srp.notifications.links import LINK_PLACEHOLDER
from erfurt_srp.notifications.services import (
    message_queue,
    message_queue_bulk,
    messages_delete_for_objects,
)

from .models import (
    Audience,
    ConsultationRound,
    Disposition,
    Guideline,
    GuidelineVersion,
    Measure,
    PendingPublicComment,
    PlanExport,
    RoundInvitation,
    Theme,
    ThemeEditor,
    ThemeUserObjectPermission,
    hash_token,
)
from .permissions import can_comment_as_user, can_edit_theme_drafts
from .selectors import comments_needing_answer

MAX_PARAGRAPHS = 200
MAX_PARAGRAPH_CHARS = 5000
MAX_COMMENT_CHARS = 10000
State = GuidelineVersion.State


# --- text -------------------------------------------------------------------------------------

_NUMBER_PREFIX = re.compile(r"^\s*(§\s*)?\d+[.)]?\s+")


def parse_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; a leading "§ 3" or "3." number is dropped,
    because paragraphs are numbered by their position."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    paragraphs = []
    for block in blocks:
        cleaned = _NUMBER_PREFIX.sub("", " ".join(line.strip() for line in block.splitlines()))
        if cleaned.strip():
            paragraphs.append(cleaned.strip())
    return paragraphs


def paragraphs_to_text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def _validate_paragraphs(paragraphs: list[str]) -> None:
    if not paragraphs:
        raise DomainError(_("Bitte geben Sie mindestens einen Absatz ein."), field="text")
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise DomainError(
            _("Eine Fassung kann höchstens %(n)s Absätze haben.") % {"n": MAX_PARAGRAPHS},
            field="text",
        )
    for number, paragraph in enumerate(paragraphs, start=1):
        if len(paragraph) > MAX_PARAGRAPH_CHARS:
            raise DomainError(
                _("Absatz %(n)s ist länger als %(max)s Zeichen.")
                % {"n": number, "max": MAX_PARAGRAPH_CHARS},
                field="text",
            )


def _unique_slug(model, base: str) -> str:
    base = slugify(base)[:70] or "leitlinie"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- themes and versions ----------------------------------------------------------------------


def theme_create(
    *,
    committee,
    title: str,
    actor,
    description: str = "",
    decided_on: date | None = None,
    position: int = 0,
    is_demo: bool = False,
) -> Theme:
    """Record a theme named by the committee and create its (still empty) guideline."""
    require_staff(actor)
    title = title.strip()
    if not title:
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="title")
    with transaction.atomic():
        if Theme.objects.filter(title__iexact=title).exists():
            raise DomainError(_("Diesen Themenschwerpunkt gibt es schon."), field="title")
        theme = Theme.objects.create(
            committee=committee,
            title=title,
            slug=_unique_slug(Theme, title),
            description=description,
            decided_on=decided_on,
            position=position,
            is_demo=is_demo,
        )
        with stored_language():
            guideline_title = _("Leitlinie „%(theme)s“") % {"theme": title}
        Guideline.objects.create(
            theme=theme,
            title=guideline_title,
            slug=_unique_slug(Guideline, title),
        )
    return theme


def version_create(
    *,
    guideline: Guideline,
    actor,
    text: str | None = None,
    title: str = "",
    change_note: str = "",
    based_on: GuidelineVersion | None = None,
) -> GuidelineVersion:
    """Start a new draft; without text it copies the latest version (or `based_on`)."""
    require_staff(actor)
    with transaction.atomic():
        guideline = Guideline.objects.select_for_update().get(pk=guideline.pk)
        latest = guideline.versions.order_by("-number").first()
        source = based_on or latest
        if source is not None and source.guideline_id != guideline.pk:
            raise DomainError(_("Die Vorlage gehört zu einer anderen Leitlinie."))
        if text is not None:
            paragraphs = parse_paragraphs(text)
        else:
            paragraphs = list(source.paragraphs) if source else []
        _validate_paragraphs(paragraphs)
        number = (guideline.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        return GuidelineVersion.objects.create(
            guideline=guideline,
            number=number,
            title=title.strip() or (source.title if source else guideline.title),
            paragraphs=paragraphs,
            change_note=change_note.strip(),
            based_on=source,
            created_by=actor,
        )


def version_update(
    *, version: GuidelineVersion, actor, title: str, text: str, change_note: str = ""
) -> GuidelineVersion:
    """Change a draft's text: staff, or the theme's editor (Federführung)."""
    if actor is None or not can_edit_theme_drafts(actor, version.guideline.theme_id):
        raise DomainError(
            _("Diesen Entwurf dürfen nur die Geschäftsstelle und die Federführung ändern."),
            code="forbidden",
        )
    paragraphs = parse_paragraphs(text)
    _validate_paragraphs(paragraphs)
    if not title.strip():
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="title")
    with transaction.atomic():
        version = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
        if version.state != State.DRAFT:
            raise DomainError(
                _("Diese Fassung ist kein Entwurf mehr; ihr Text kann nicht geändert werden."),
                code="frozen",
            )
        version.title = title.strip()
        version.paragraphs = paragraphs
        version.change_note = change_note.strip()
        version.save(update_fields=["title", "paragraphs", "change_note", "updated_at"])
    return version


def version_adopt(
    *,
    version: GuidelineVersion,
    actor,
    decided_on: date,
    reference: str,
    vote_id: int | None = None,
) -> GuidelineVersion:
    """Record the committee's adoption: freeze and date the version, supersede the older ones.

    Called by the vote hook when the committee's vote on the version closes with a majority, or by
    staff recording a decision taken elsewhere (actor None only for the vote hook)."""
    if actor is not None:
        require_staff(actor)
    if not reference.strip():
        raise DomainError(_("Bitte geben Sie den Beschluss an."), field="reference")
    if decided_on > timezone.localdate():
        raise DomainError(_("Das Beschlussdatum liegt in der Zukunft."), field="decided_on")
    with transaction.atomic():
        Guideline.objects.select_for_update().get(pk=version.guideline_id)
        version = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
        if version.state not in (State.DRAFT, State.CONSULTATION):
            raise DomainError(
                _("Fassung %(n)s ist %(state)s und kann nicht beschlossen werden.")
                % {"n": version.number, "state": version.get_state_display()}
            )
        if version.rounds.filter(evaluated_at__isnull=True).exists():
            raise DomainError(
                _(
                    "Zu dieser Fassung ist eine Beteiligungsrunde noch nicht abgewogen. "
                    "Schließen Sie erst die Abwägung ab."
                )
            )
        older = GuidelineVersion.objects.filter(guideline_id=version.guideline_id).exclude(
            pk=version.pk
        )
        for other in older.filter(
            Q(state=State.ADOPTED)
            | Q(number__lt=version.number, state__in=[State.DRAFT, State.CONSULTATION])
        ):
            other.state = State.SUPERSEDED
            other.save(update_fields=["state", "updated_at"])
        version.state = State.ADOPTED
        version.adopted_on = decided_on
        version.adoption_reference = reference.strip()[:300]
        version.adoption_vote_id = vote_id
        version.save(
            update_fields=[
                "state",
                "adopted_on",
                "adoption_reference",
                "adoption_vote_id",
                "updated_at",
            ]
        )
    return version


# --- rounds -----------------------------------------------------------------------------------


def round_create(
    *,
    version: GuidelineVersion,
    audience: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    actor,
    description: str = "",
) -> ConsultationRound:
    """Open a version to one audience; a draft becomes "in consultation"."""
    require_staff(actor)
    if audience not in Audience.values:
        raise DomainError(_("Bitte wählen Sie eine Zielgruppe."), field="audience")
    if ends_at <= starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), field="ends_at")
    if not title.strip():
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="title")
    with transaction.atomic():
        version = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
        if version.state not in (State.DRAFT, State.CONSULTATION):
            raise DomainError(
                _("Eine %(state)se Fassung kann nicht mehr in die Beteiligung gehen.")
                % {"state": version.get_state_display()}
            )
        if version.state == State.DRAFT:
            version.state = State.CONSULTATION
            version.save(update_fields=["state", "updated_at"])
        return ConsultationRound.objects.create(
            version=version,
            audience=audience,
            title=title.strip(),
            description=description.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )


def _invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("leitlinien:invitation", kwargs={"token": token})


ROUND_INVITATION_MAIL_KIND = "leitlinien.round_invitation"
COMMENT_CONFIRMATION_MAIL_KIND = "leitlinien.comment_confirmation"


def round_invitation_link_reissue(message) -> str:
    """Outbox reissuer of a personal round link (its failed e-mail sent again): a new token, so
    the link the failed e-mail held stops working."""
    invitation = (
        RoundInvitation.objects.select_for_update()
        .filter(round_id=message.related_id, email__iexact=message.recipient)
        .first()
    )
    if invitation is None or invitation.revoked_at:
        raise DomainError(_("Dieser persönliche Link wurde widerrufen."), code="revoked")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.save(update_fields=["token_hash"])
    return token


def round_invite(
    *, consultation_round: ConsultationRound, recipients: list[dict], actor
) -> tuple[list[RoundInvitation], list[str]]:
    """Create personal links for people without an account and queue their e-mails in bulk.

    recipients: dicts with name, email, group. Addresses already invited are skipped and returned.
    The token is only in the e-mail; the database keeps its SHA-256 (the outbox row keeps the
    token only until the e-mail is sent, see erfurt_srp.notifications.links).
    """
    require_staff(actor)
    with transaction.atomic():
        consultation_round = (
            ConsultationRound.objects.select_for_update()
            .select_related("version__guideline")
            .get(pk=consultation_round.pk)
        )
        if consultation_round.phase() in (
            ConsultationRound.Phase.ENDED,
            ConsultationRound.Phase.EVALUATED,
        ):
            raise DomainError(
                _("Die Runde ist beendet; es können keine Links mehr versandt werden.")
            )
        existing = {
            e.lower() for e in consultation_round.invitations.values_list("email", flat=True)
        }
        rows, tokens, skipped = [], [], []
        for spec in recipients:
            email = spec["email"].strip().lower()
            if email in existing:
                skipped.append(email)
                continue
            existing.add(email)
            token = secrets.token_urlsafe(32)
            tokens.append(token)
            rows.append(
                RoundInvitation(
                    round=consultation_round,
                    name=spec["name"].strip()[:200],
                    email=email,
                    group=spec.get("group", "").strip()[:200],
                    token_hash=hash_token(token),
                    expires_at=consultation_round.ends_at,
                )
            )
        created = RoundInvitation.objects.bulk_create(rows)
        guideline = consultation_round.version.guideline
        languages = languages_of([invitation.email for invitation in created])
        messages = []
        for invitation, token in zip(created, tokens, strict=True):
            with translation.override(languages[invitation.email.strip().lower()]):
                messages.append(
                    _round_invitation_mail(consultation_round, guideline, invitation, token)
                )
        message_queue_bulk(messages)
    return created, skipped


def _round_invitation_mail(consultation_round, guideline, invitation, token) -> dict:
    """The invitation e-mail of one person, in the active language."""
    body = _(
        "Guten Tag %(name)s,\n\n"
        "die Landeshauptstadt Erfurt lädt Sie zur Beteiligung an der %(guideline)s ein "
        "(Fassung %(number)s, Beteiligungsrunde „%(round)s“).\n\n"
        "Über Ihren persönlichen Link können Sie vom %(start)s bis zum %(end)s Absätze "
        "kommentieren und auf Kommentare antworten:\n\n%(url)s\n\n"
        "Der Link gilt nur für diese Runde und nur für Sie. Bitte leiten Sie ihn nicht "
        "weiter.\n\nMit freundlichen Grüßen\nGeschäftsstelle Sozialraumplanung\n"
    ) % {
        "name": invitation.name,
        "guideline": guideline.title,
        "number": consultation_round.version.number,
        "round": consultation_round.title,
        "start": date_format(timezone.localtime(consultation_round.starts_at), "DATETIME_FORMAT"),
        "end": date_format(timezone.localtime(consultation_round.ends_at), "DATETIME_FORMAT"),
        "url": _invitation_url(LINK_PLACEHOLDER),
    }
    return {
        "kind": ROUND_INVITATION_MAIL_KIND,
        "recipient": invitation.email,
        "subject": _("Einladung zur Beteiligung: %(t)s") % {"t": guideline.title},
        "body": body,
        "related": consultation_round,
        "revision": invitation.token_hash[:16],
        "link_secret": token,
    }


class LinkState:
    VALID = "valid"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    ROUND_CLOSED = "round_closed"
    REVOKED = "revoked"


def invitation_state(invitation: RoundInvitation, now=None) -> str:
    now = now or timezone.now()
    consultation_round = invitation.round
    if invitation.revoked_at:
        return LinkState.REVOKED
    if consultation_round.evaluated_at or now >= consultation_round.ends_at:
        return LinkState.ROUND_CLOSED
    if now >= invitation.expires_at:
        return LinkState.EXPIRED
    if now < consultation_round.starts_at:
        return LinkState.NOT_STARTED
    return LinkState.VALID


def link_state_message(state: str, invitation: RoundInvitation) -> str:
    consultation_round = invitation.round
    fmt = {
        "start": date_format(timezone.localtime(consultation_round.starts_at), "DATETIME_FORMAT"),
        "end": date_format(timezone.localtime(consultation_round.ends_at), "DATETIME_FORMAT"),
        "expires": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
    }
    return {
        LinkState.VALID: "",
        LinkState.NOT_STARTED: _(
            "Die Beteiligungsrunde beginnt am %(start)s. Ab dann können Sie hier kommentieren."
        ),
        LinkState.EXPIRED: _(
            "Ihr persönlicher Link ist am %(expires)s abgelaufen. Bitte wenden Sie sich an die "
            "Geschäftsstelle Sozialraumplanung, wenn Sie noch kommentieren möchten."
        ),
        LinkState.ROUND_CLOSED: _(
            "Diese Beteiligungsrunde ist am %(end)s zu Ende gegangen. Ihr Link kann nicht mehr zum "
            "Kommentieren genutzt werden; Ihre Kommentare bleiben erhalten und werden abgewogen."
        ),
        LinkState.REVOKED: _("Dieser Link wurde von der Geschäftsstelle widerrufen."),
    }[state] % fmt


# Public comments are held for staff review (hidden until released) when they carry a link, or
# when their account is younger than this: a new account is the cheapest way to spam.
NEW_ACCOUNT_REVIEW = timedelta(days=7)


def _audience_source(consultation_round: ConsultationRound) -> str:
    """The round's audience as stored with a comment: the German source text of its label,
    which pages translate for their reader."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(consultation_round.get_audience_display())


def _hold_reason(*, body: str, user=None) -> str:
    """Why a comment in a public round waits for review, or "" to publish it at once.

    user: the logged-in author with the public role; None for a confirmed comment without an
    account. Committee members, staff and holders of a personal link are not held."""
    # Stored as the German source text; pages translate it for their reader.
    if contains_link(body):
        return gettext_noop("Wartet auf Prüfung durch die Geschäftsstelle (enthält einen Link).")
    if user is not None and user.date_joined > timezone.now() - NEW_ACCOUNT_REVIEW:
        return gettext_noop("Wartet auf Prüfung durch die Geschäftsstelle (neues Konto).")
    return ""


def round_comment_create(
    *,
    consultation_round: ConsultationRound,
    body: str,
    anchor: str = "",
    parent_id: int | None = None,
    actor=None,
    invitation: RoundInvitation | None = None,
    author_name: str = "",
) -> Comment:
    """Comment (or reply) in a round, as a logged-in user of its audience or through a personal link."""
    anchor = (anchor or "").strip()
    if len(body) > MAX_COMMENT_CHARS:
        raise DomainError(
            _("Der Kommentar ist länger als %(n)s Zeichen.") % {"n": MAX_COMMENT_CHARS},
            field="body",
        )
    with transaction.atomic():
        consultation_round = (
            ConsultationRound.objects.select_for_update(of=("self",))
            .select_related("version__guideline__theme")
            .get(pk=consultation_round.pk)
        )
        now = timezone.now()
        if not consultation_round.is_open(now):
            if now < consultation_round.starts_at:
                raise DomainError(_("Diese Beteiligungsrunde hat noch nicht begonnen."))
            raise DomainError(
                _("Diese Beteiligungsrunde ist beendet; sie nimmt keine Kommentare mehr an.")
            )
        author_fields: dict = {}
        if invitation is not None:
            invitation = RoundInvitation.objects.select_for_update().get(pk=invitation.pk)
            if invitation.round_id != consultation_round.pk:
                raise DomainError(_("Ihr Link gilt nicht für diese Beteiligungsrunde."))
            invitation.round = consultation_round
            state = invitation_state(invitation, now)
            if state != LinkState.VALID:
                raise DomainError(link_state_message(state, invitation))
            author_fields = {
                "author_name": (author_name.strip() or invitation.name)[:200],
                "author_email": invitation.email,
                "author_group": invitation.group or _audience_source(consultation_round),
            }
        elif actor is not None and actor.is_authenticated:
            if not can_comment_as_user(actor, consultation_round):
                if consultation_round.is_public:
                    raise DomainError(
                        _(
                            "Um öffentlich zu kommentieren, bestätigen Sie bitte zuerst Ihre "
                            "E-Mail-Adresse."
                        )
                    )
                raise DomainError(_("Sie gehören nicht zur Zielgruppe dieser Runde."))
            author_fields = {"author": actor, "author_group": _audience_source(consultation_round)}
            if consultation_round.is_public and role_of(actor) == Role.PUBLIC:
                author_fields["hold_reason"] = _hold_reason(body=body, user=actor)
        else:
            raise DomainError(_("Bitte melden Sie sich an, um zu kommentieren."))
        parent = None
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id).first()
            if parent is None or parent.target_id != str(consultation_round.pk) or parent.is_hidden:
                raise DomainError(
                    _("Der Kommentar, auf den Sie antworten, ist hier nicht (mehr) vorhanden."),
                    field="parent",
                )
            if parent.parent_id:
                parent = Comment.objects.get(pk=parent.parent_id)
        elif anchor and not consultation_round.version.has_paragraph(anchor):
            raise DomainError(
                _(
                    "Absatz %(a)s gibt es in Fassung %(n)s nicht. Bitte wählen Sie einen Absatz "
                    "oder „Gesamter Text“; Ihr Text bleibt erhalten."
                )
                % {"a": anchor, "n": consultation_round.version.number},
                field="anchor",
            )
        comment = comment_create(
            target=consultation_round, body=body, anchor=anchor, parent=parent, **author_fields
        )
        if invitation is not None:
            invitation.last_used_at = now
            invitation.save(update_fields=["last_used_at"])
    return comment


def public_comment_submit(
    *,
    consultation_round: ConsultationRound,
    name: str,
    email: str,
    body: str,
    anchor: str = "",
    parent_id: int | None = None,
) -> PendingPublicComment:
    """Take a public comment from someone without an account; it is published only after they
    confirm their e-mail address through the link we send (valid 48 hours, within the round)."""
    anchor = (anchor or "").strip()
    if not name.strip():
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), field="name")
    if not sanitize_comment(body):
        raise DomainError(_("Bitte geben Sie einen Kommentar ein."), field="body")
    if len(body) > MAX_COMMENT_CHARS:
        raise DomainError(
            _("Der Kommentar ist länger als %(n)s Zeichen.") % {"n": MAX_COMMENT_CHARS},
            field="body",
        )
    with transaction.atomic():
        consultation_round = (
            ConsultationRound.objects.select_for_update(of=("self",))
            .select_related("version__guideline")
            .get(pk=consultation_round.pk)
        )
        if not consultation_round.is_public:
            raise DomainError(_("Diese Runde ist nicht öffentlich."))
        if not consultation_round.is_open():
            raise DomainError(
                _("Diese Beteiligungsrunde ist beendet; sie nimmt keine Kommentare mehr an.")
            )
        if parent_id:
            parent = Comment.objects.filter(
                pk=parent_id, target_id=str(consultation_round.pk)
            ).first()
            if parent is None or parent.is_hidden:
                raise DomainError(
                    _("Der Kommentar, auf den Sie antworten, ist hier nicht (mehr) vorhanden."),
                    field="parent",
                )
        elif anchor and not consultation_round.version.has_paragraph(anchor):
            raise DomainError(
                _(
                    "Absatz %(a)s gibt es in Fassung %(n)s nicht. Bitte wählen Sie einen Absatz "
                    "oder „Gesamter Text“; Ihr Text bleibt erhalten."
                )
                % {"a": anchor, "n": consultation_round.version.number},
                field="anchor",
            )
        token = secrets.token_urlsafe(32)
        pending = PendingPublicComment.objects.create(
            round=consultation_round,
            name=name.strip()[:200],
            email=email.strip().lower(),
            anchor=anchor,
            parent_id_value=parent_id or None,
            body=body,
            privacy_version=PRIVACY_NOTICE_VERSION,
            token_hash=hash_token(token),
            expires_at=min(
                timezone.now() + timedelta(hours=settings.PUBLIC_COMMENT_CONFIRMATION_HOURS),
                consultation_round.ends_at,
            ),
        )
        # The address is whatever the visitor typed: the e-mail carries no text of theirs
        # (not their name, not their comment), only ours and the link.
        message_queue(
            kind=COMMENT_CONFIRMATION_MAIL_KIND,
            recipient=pending.email,
            subject=_("Bitte bestätigen Sie Ihren Kommentar"),
            body=_(
                "Guten Tag,\n\nüber diese E-Mail-Adresse wurde ein Kommentar zur %(guideline)s "
                "geschrieben. Bitte bestätigen Sie Ihre E-Mail-Adresse; erst dann wird der "
                "Kommentar veröffentlicht:\n\n%(url)s\n\nDer Link gilt bis %(until)s. Wenn Sie "
                "nichts geschrieben haben, ignorieren Sie diese E-Mail; dann wird nichts "
                "veröffentlicht und die Angaben werden gelöscht.\n\n"
                "Geschäftsstelle Sozialraumplanung\n"
            )
            % {
                "guideline": consultation_round.version.guideline.title,
                "url": _comment_confirm_url(LINK_PLACEHOLDER),
                "until": date_format(timezone.localtime(pending.expires_at), "DATETIME_FORMAT"),
            },
            related=pending,
            link_secret=token,
        )
    return pending


def _comment_confirm_url(token: str) -> str:
    return settings.SITE_URL + reverse("leitlinien:public_comment_confirm", kwargs={"token": token})


def comment_confirmation_link_reissue(message) -> str:
    """Outbox reissuer of a comment's confirmation e-mail (a failed one sent again)."""
    pending = PendingPublicComment.objects.select_for_update().filter(pk=message.related_id).first()
    if pending is None or pending.comment_id or pending.expires_at <= timezone.now():
        raise DomainError(_("Dieser Kommentar wartet nicht mehr auf seine Bestätigung."))
    token = secrets.token_urlsafe(32)
    pending.token_hash = hash_token(token)
    pending.save(update_fields=["token_hash"])
    return token


def public_comment_confirm(*, token: str) -> Comment:
    """Publish a pending public comment; confirming twice returns the published comment."""
    with transaction.atomic():
        pending = (
            PendingPublicComment.objects.select_for_update()
            .filter(token_hash=hash_token(token))
            .first()
        )
        if pending is None:
            raise DomainError(_("Dieser Bestätigungslink ist ungültig."), code="invalid")
        if pending.comment_id:
            return pending.comment
        consultation_round = (
            ConsultationRound.objects.select_for_update()
            .select_related("version")
            .get(pk=pending.round_id)
        )
        now = timezone.now()
        if not consultation_round.is_open(now):
            raise DomainError(
                _(
                    "Die Beteiligungsrunde ist beendet, bevor Sie bestätigt haben. Ihr Kommentar "
                    "wurde nicht veröffentlicht."
                ),
                code="closed",
            )
        if now >= pending.expires_at:
            raise DomainError(
                _(
                    "Der Bestätigungslink ist abgelaufen. Bitte schreiben Sie Ihren Kommentar "
                    "erneut; er wurde nicht veröffentlicht."
                ),
                code="expired",
            )
        parent = None
        if pending.parent_id_value:
            parent = Comment.objects.filter(pk=pending.parent_id_value).first()
            if parent is not None and parent.parent_id:
                parent = Comment.objects.get(pk=parent.parent_id)
        comment = comment_create(
            target=consultation_round,
            body=pending.body,
            anchor=pending.anchor,
            parent=parent,
            author_name=pending.name,
            author_email=pending.email,
            author_group=gettext_noop("Öffentlichkeit (E-Mail bestätigt)"),
            privacy_version=pending.privacy_version,
            hold_reason=_hold_reason(body=pending.body),
        )
        pending.confirmed_at = now
        pending.comment = comment
        pending.save(update_fields=["confirmed_at", "comment"])
    return comment


def _round_of_comment(comment: Comment, *, lock: bool) -> ConsultationRound:
    qs = ConsultationRound.objects.select_related("version__guideline__theme")
    if lock:
        qs = qs.select_for_update(of=("self",))
    consultation_round = qs.filter(pk=comment.target_id).first()
    if consultation_round is None or comment.target_type.model_class() is not ConsultationRound:
        raise DomainError(_("Dieser Kommentar gehört zu keiner Beteiligungsrunde."))
    return consultation_round


def round_comment_hide(*, comment: Comment, reason: str, actor) -> Comment:
    require_staff(actor)
    with transaction.atomic():
        _round_of_comment(comment, lock=True)
        return comment_hide(comment=comment, reason=reason, actor=actor)


def held_comment_release(*, comment: Comment, actor) -> Comment:
    """Publish a public comment held for review."""
    require_staff(actor)
    with transaction.atomic():
        _round_of_comment(comment, lock=True)
        return comment_release(comment_id=comment.pk, actor=actor)


def held_comment_reject(*, comment: Comment, actor) -> None:
    """Delete a public comment held for review (it was never shown)."""
    require_staff(actor)
    with transaction.atomic():
        _round_of_comment(comment, lock=True)
        comment_reject(comment_id=comment.pk, actor=actor)


def disposition_set(
    *,
    comment: Comment,
    decision: str,
    reason: str,
    actor,
    taken_up_in: GuidelineVersion | None = None,
) -> Disposition:
    """Answer one comment in the Abwägung (create or change the answer until the round is closed)."""
    require_staff(actor)
    if decision not in Disposition.Decision.values:
        raise DomainError(_("Bitte wählen Sie ein Abwägungsergebnis."), field="decision")
    if not reason.strip():
        raise DomainError(_("Bitte begründen Sie die Abwägung."), field="reason")
    with transaction.atomic():
        consultation_round = _round_of_comment(comment, lock=True)
        if consultation_round.evaluated_at:
            raise DomainError(
                _(
                    "Die Abwägung dieser Runde ist abgeschlossen und kann nicht mehr geändert werden."
                )
            )
        if (
            taken_up_in is not None
            and taken_up_in.guideline_id != consultation_round.version.guideline_id
        ):
            raise DomainError(
                _("Die Fassung gehört zu einer anderen Leitlinie."), field="taken_up_in"
            )
        disposition, _created = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "round": consultation_round,
                "decision": decision,
                "reason": reason.strip(),
                "taken_up_in": taken_up_in,
                "answered_by": actor,
                "answered_at": timezone.now(),
            },
        )
    return disposition


def round_close(*, consultation_round: ConsultationRound, actor) -> ConsultationRound:
    """Close a round as evaluated: only after its end and when every comment has an answer."""
    require_staff(actor)
    with transaction.atomic():
        consultation_round = ConsultationRound.objects.select_for_update().get(
            pk=consultation_round.pk
        )
        if consultation_round.evaluated_at:
            raise DomainError(_("Diese Runde ist bereits abgeschlossen."))
        if timezone.now() < consultation_round.ends_at:
            raise DomainError(
                _("Die Runde läuft noch bis %(end)s.")
                % {
                    "end": date_format(
                        timezone.localtime(consultation_round.ends_at), "DATETIME_FORMAT"
                    )
                }
            )
        open_count = (
            comments_needing_answer(consultation_round)
            .filter(leitlinien_disposition__isnull=True)
            .count()
        )
        if open_count:
            raise DomainError(
                ngettext(
                    "Die Runde kann nicht abgeschlossen werden: %(n)s Kommentar hat noch "
                    "keine Abwägung.",
                    "Die Runde kann nicht abgeschlossen werden: %(n)s Kommentare haben noch "
                    "keine Abwägung.",
                    open_count,
                )
                % {"n": open_count}
            )
        consultation_round.evaluated_at = timezone.now()
        consultation_round.evaluated_by = actor
        consultation_round.save(update_fields=["evaluated_at", "evaluated_by"])
        # the final disposition table is built once, in the background, and stored
        disposition_table_export_request(consultation_round=consultation_round, actor=actor)
    return consultation_round


def disposition_table_export_request(*, consultation_round: ConsultationRound, actor) -> PlanExport:
    """Queue a build of a round's Abwägungstabelle (PDF + DOCX), reusing one waiting or running."""
    require_staff(actor)
    from .tasks import plan_export_build as plan_export_build_task

    with transaction.atomic():
        ConsultationRound.objects.select_for_update().get(pk=consultation_round.pk)
        plan_exports_expire_stale()
        running = PlanExport.objects.filter(
            round=consultation_round,
            status__in=[PlanExport.Status.QUEUED, PlanExport.Status.RUNNING],
        ).first()
        if running:
            return running
        export = PlanExport.objects.create(
            round=consultation_round,
            requested_by=actor,
            step=_("wartet auf den Start"),
            lease_until=PlanExport.new_lease(),
        )
        export_id = export.pk
        transaction.on_commit(lambda: plan_export_build_task.delay(export_id))
    return export


def round_end_now(*, consultation_round: ConsultationRound, actor) -> ConsultationRound:
    """End an open round early (e.g. after the public event); it then takes no more comments."""
    require_staff(actor)
    with transaction.atomic():
        consultation_round = ConsultationRound.objects.select_for_update().get(
            pk=consultation_round.pk
        )
        now = timezone.now()
        if consultation_round.phase(now) != ConsultationRound.Phase.OPEN:
            raise DomainError(_("Nur eine laufende Runde kann beendet werden."))
        consultation_round.ends_at = now
        consultation_round.save(update_fields=["ends_at"])
        consultation_round.invitations.filter(expires_at__gt=now).update(expires_at=now)
    return consultation_round


# --- measures ---------------------------------------------------------------------------------

MEASURE_FIELDS = (
    "title",
    "description",
    "planning_level",
    "responsible_office",
    "partners",
    "social_areas",
    "time_frame",
    "status",
)


def measure_create(*, guideline: Guideline, actor, is_demo: bool = False, **data) -> Measure:
    """Derive a measure from the guideline's adopted version."""
    require_staff(actor)
    with transaction.atomic():
        adopted = (
            GuidelineVersion.objects.select_for_update()
            .filter(guideline=guideline, state=State.ADOPTED)
            .first()
        )
        if adopted is None:
            raise DomainError(
                _("Maßnahmen können nur aus einer beschlossenen Leitlinie abgeleitet werden."),
                field="guideline",
            )
        measure = Measure(
            guideline=guideline,
            source_version=adopted,
            is_demo=is_demo,
            **{k: v for k, v in data.items() if k in MEASURE_FIELDS},
        )
        measure.full_clean()
        measure.save()
    return measure


def measure_update(*, measure: Measure, actor, **data) -> Measure:
    require_staff(actor)
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        for key, value in data.items():
            if key in MEASURE_FIELDS:
                setattr(measure, key, value)
        measure.full_clean()
        measure.save()
    return measure


# --- the plan ---------------------------------------------------------------------------------


def plan_export_request(*, actor, enqueue: bool = True) -> PlanExport:
    """Queue a build of the Sozialraumplan; a build already waiting or running is reused.

    actor None means the management command (it builds in its own process, enqueue=False)."""
    if actor is not None:
        require_staff(actor)
    from .tasks import plan_export_build as plan_export_build_task

    with transaction.atomic():
        plan_exports_expire_stale()
        recent = timezone.now() - timedelta(minutes=30)
        running = (
            PlanExport.objects.select_for_update()
            .filter(
                status__in=[PlanExport.Status.QUEUED, PlanExport.Status.RUNNING],
                created_at__gte=recent,
                round__isnull=True,
                report__isnull=True,
            )
            .first()
        )
        if running and enqueue:
            return running
        export = PlanExport.objects.create(
            requested_by=actor, step=_("wartet auf den Start"), lease_until=PlanExport.new_lease()
        )
        export_id = export.pk
        if enqueue:
            transaction.on_commit(lambda: plan_export_build_task.delay(export_id))
    return export


def plan_exports_expire_stale() -> int:
    """Mark builds whose worker is gone (lease run out) failed, so they can be built again."""
    return leases.expire_stale(
        PlanExport.objects.all(),
        active=[PlanExport.Status.QUEUED, PlanExport.Status.RUNNING],
        failed=PlanExport.Status.FAILED,
        step=_("abgebrochen"),
    )


def pending_public_comments_purge(*, now=None) -> int:
    """Delete the personal data of public comments whose confirmation window has passed
    (unconfirmed ones were never published; confirmed ones live on as comments)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            PendingPublicComment.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lt=now)
            .values_list("pk", flat=True)
        )
        # Their confirmation e-mails promised deletion: the outbox rows (address included) and
        # the names in the admin log go with them.
        messages_delete_for_objects(model=PendingPublicComment, pks=ids)
        scrub_admin_log(PendingPublicComment, ids)
        deleted, _details = PendingPublicComment.objects.filter(pk__in=ids).delete()
    return deleted


def plan_texts_save(*, actor, texts: dict[str, str]) -> None:
    """Save the plan's text parts (needs per planning level, Quartiersarbeit strategy)."""
    from .models import PlanText

    require_staff(actor)
    unknown = set(texts) - set(PlanText.Key.values)
    if unknown:
        raise TypeError(f"unknown plan texts: {sorted(unknown)}")
    with transaction.atomic():
        stored = {t.key: t for t in PlanText.objects.select_for_update().filter(key__in=texts)}
        for key, body in texts.items():
            body = body.strip()
            text = stored.get(key)
            if text is None:
                PlanText.objects.create(key=key, body=body, updated_by=actor)
            elif text.body != body:
                text.body, text.updated_by = body, actor
                text.save(update_fields=["body", "updated_by", "updated_at"])


# --- editors (Federführung) -------------------------------------------------------------------

EDITOR_PURPOSE = "leitlinien.editor"
EDITOR_NOTICE_KIND = "leitlinien.editor"
EDITOR_PERM = "leitlinien.edit_theme_draft"


def _editor_sync(grant: ThemeEditor) -> bool:
    return grants.sync_permission(
        records=ThemeEditor.objects.filter(user=grant.user, theme_id=grant.theme_id),
        perm=EDITOR_PERM,
        user=grant.user,
        obj=grant.theme,
    )


def theme_editor_grant(
    *, actor, theme: Theme, email: str, ends_on: date | None = None, note: str = ""
) -> ThemeEditor:
    """Make the person with this address the editor of the theme's drafts (until `ends_on`, if
    given). Without an account the person is invited; the right starts with the account."""
    require_staff(actor)
    email = grants.clean_email(email)
    ends_on = grants.clean_end_date(ends_on, required=False)
    with transaction.atomic():
        Theme.objects.select_for_update().get(pk=theme.pk)
        if ThemeEditor.objects.filter(grants.live_q(), theme=theme, email__iexact=email).exists():
            raise DomainError(
                _("Diese Person hat die Federführung für dieses Thema bereits."), field="email"
            )
        user = grants.account_for(email)
        if user is not None and is_staff(user):
            raise DomainError(
                _("Die Geschäftsstelle bearbeitet alle Entwürfe ohnehin."), field="email"
            )
        grant = ThemeEditor(
            theme=theme,
            email=email,
            user=user,
            ends_on=ends_on,
            note=(note or "").strip(),
            granted_by=actor,
        )
        grant._history_user = actor
        grant.save()
        if user is not None:
            _editor_sync(grant)
            with recipient_language(email):
                subject = _("Federführung für „%(theme)s“") % {"theme": theme.title}
                body = render_to_string(
                    "leitlinien/email/editor.txt",
                    {
                        "grant": grant,
                        "theme": theme,
                        "url": settings.SITE_URL + theme.guideline.get_absolute_url(),
                    },
                )
            message_queue(
                kind=EDITOR_NOTICE_KIND, recipient=email, subject=subject, body=body, related=grant
            )
        else:
            grant.invitation = invitation_create(
                email=email, purpose=EDITOR_PURPOSE, payload={"grant": grant.pk}, actor=actor
            )
            grant.save(update_fields=["invitation"])
    return grant


def theme_editor_revoke(*, actor, grant: ThemeEditor) -> ThemeEditor:
    require_staff(actor)
    with transaction.atomic():
        grant = ThemeEditor.objects.select_for_update().select_related("theme").get(pk=grant.pk)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.revoked_by = actor
            grant._history_user = actor
            grant.save(update_fields=["revoked_at", "revoked_by"])
        _editor_sync(grant)
    return grant


def theme_editors_expire() -> int:
    """Remove guardian rows that no live ThemeEditor record backs any more."""
    backed = set(ThemeEditor.objects.filter(grants.live_q()).values_list("user_id", "theme_id"))
    stale = [
        pk
        for pk, user_id, theme_id in ThemeUserObjectPermission.objects.filter(
            permission__codename="edit_theme_draft"
        ).values_list("pk", "user_id", "content_object_id")
        if (user_id, theme_id) not in backed
    ]
    return ThemeUserObjectPermission.objects.filter(pk__in=stale).delete()[0]


def _editor_grant_of(invitation) -> ThemeEditor | None:
    return (
        ThemeEditor.objects.select_related("theme__guideline")
        .filter(pk=invitation.payload.get("grant"))
        .first()
    )


def editor_invitation_describe(invitation) -> str:
    grant = _editor_grant_of(invitation)
    if grant is None:
        return ""
    return _("Federführung für die Entwürfe der Leitlinie zum Thema „%(theme)s“.") % {
        "theme": grant.theme.title
    }


def editor_invitation_accept(invitation, user) -> None:
    grant = ThemeEditor.objects.select_for_update().filter(pk=invitation.payload.get("grant"))
    grant = grant.first()
    if grant is None or grant.revoked_at is not None:
        raise DomainError(_("Diese Federführung wurde inzwischen widerrufen."), code="revoked")
    if grant.user_id is None:
        grant.user = user
        grant._history_user = user
        grant.save(update_fields=["user"])
    _editor_sync(grant)


def editor_invitation_landing(invitation) -> str:
    grant = _editor_grant_of(invitation)
    if grant is None or not hasattr(grant.theme, "guideline"):
        return reverse("leitlinien:index")
    return grant.theme.guideline.get_absolute_url()
