from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.adminlog import scrub_admin_log
from erfurt_srp.core.errors import DomainError

from .models import Comment
from .sanitize import sanitize_comment

EDIT_WINDOW = timedelta(minutes=15)


def comment_create(
    *,
    target,
    body: str,
    author=None,
    author_name: str = "",
    author_email: str = "",
    author_group: str = "",
    anchor: str = "",
    parent: Comment | None = None,
    privacy_version: str = "",
    hold_reason: str = "",
) -> Comment:
    """Write a comment; with hold_reason it is held (hidden) until staff release it."""
    clean = sanitize_comment(body)
    if not clean:
        raise DomainError(_("Bitte geben Sie einen Kommentar ein."), field="body")
    if author is None and not author_name:
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), field="author_name")
    target_type = ContentType.objects.get_for_model(target)
    if parent is not None and (
        parent.target_type_id != target_type.pk or parent.target_id != str(target.pk)
    ):
        raise DomainError(_("Die Antwort gehört nicht zu diesem Kommentar."))
    with transaction.atomic():
        return Comment.objects.create(
            target_type=target_type,
            target_id=str(target.pk),
            anchor=parent.anchor if parent else anchor,
            parent=parent,
            author=author,
            author_name=author_name,
            author_email=author_email,
            author_group=author_group,
            body=clean,
            privacy_version=privacy_version,
            **_held(hold_reason),
        )


def _held(reason: str) -> dict:
    if not reason:
        return {}
    now = timezone.now()
    return {"held_at": now, "hidden_at": now, "hidden_reason": reason[:500]}


def _lock_held(comment_id: int) -> Comment:
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or comment.held_at is None:
        raise DomainError(_("Dieser Kommentar wartet nicht (mehr) auf Prüfung."), code="not_held")
    return comment


def comment_release(*, comment_id: int, actor) -> Comment:
    """Publish a comment held for review."""
    with transaction.atomic():
        comment = _lock_held(comment_id)
        comment.held_at = comment.hidden_at = None
        comment.hidden_reason = ""
        comment.save(update_fields=["held_at", "hidden_at", "hidden_reason"])
    return comment


def comment_reject(*, comment_id: int, actor) -> None:
    """Delete a comment held for review: it was never public (spam, advertising)."""
    with transaction.atomic():
        comment = _lock_held(comment_id)
        scrub_admin_log(Comment, [comment.pk])
        comment.delete()


def comment_can_edit(comment: Comment, user) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and not comment.is_hidden
        and timezone.now() - comment.created_at <= EDIT_WINDOW
    )


def comment_edit(*, comment: Comment, body: str, actor) -> Comment:
    if not comment_can_edit(comment, actor):
        raise DomainError(_("Dieser Kommentar kann nicht mehr bearbeitet werden."))
    clean = sanitize_comment(body)
    if not clean:
        raise DomainError(_("Bitte geben Sie einen Kommentar ein."), field="body")
    with transaction.atomic():
        comment.body = clean
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_hide(*, comment: Comment, reason: str, actor) -> Comment:
    if not reason.strip():
        raise DomainError(_("Bitte geben Sie einen Grund an."), field="reason")
    with transaction.atomic():
        comment.hidden_at = timezone.now()
        comment.hidden_by = actor
        comment.hidden_reason = reason.strip()[:500]
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return comment
