"""Comments' part of "my data". Apps whose comments become part of a public record (leitlinien:
a comment answered in the disposition table) register an eraser that runs first and keeps
those under "deleted account"; this one deletes every comment still linked to the person."""

from django.db.models import Q
from django.utils.translation import gettext as _

from erfurt_srp.accounts.personal_data import record

from .models import Comment


def comments_of(user):
    return Comment.objects.filter(Q(author=user) | Q(author_email__iexact=user.email))


def export_comments(user) -> list[dict]:
    return [
        record(
            (_("verfasst am"), comment.created_at),
            (_("Bezug"), str(comment.target_type)),
            (_("Kommentar"), comment.body),
        )
        for comment in comments_of(user).select_related("target_type").order_by("created_at")
    ]


def erase_comments(user) -> None:
    comments_of(user).delete()


def keep_as_deleted_account(comments) -> int:
    """Keep comments without anything that names their author (used by the apps' erasers)."""
    return comments.update(
        author=None, author_name="", author_email="", author_group="", author_deleted=True
    )
