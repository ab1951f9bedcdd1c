from django.contrib.contenttypes.models import ContentType

from .models import Comment


def comment_list_for_targets(*, targets, anchor: str | None = None):
    """All comments on the given objects (one query), authors joined, oldest first."""
    targets = list(targets)
    if not targets:
        return Comment.objects.none()
    target_type = ContentType.objects.get_for_model(targets[0])
    qs = Comment.objects.filter(target_type=target_type, target_id__in=[str(t.pk) for t in targets])
    if anchor is not None:
        qs = qs.filter(anchor=anchor)
    return qs.select_related("author")


def comment_threads(comments) -> list[tuple[Comment, list[Comment]]]:
    """Group a flat list into (top-level comment, replies) pairs without extra queries."""
    replies: dict[int, list[Comment]] = {}
    tops = []
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
        else:
            tops.append(comment)
    return [(top, replies.get(top.pk, [])) for top in tops]
