"""Reads for guest access: the grants of one meeting or agenda item and their history."""

from ..models import GuestAccess, Meeting


def _field(target) -> str:
    return "meeting" if isinstance(target, Meeting) else "agenda_item"


def guest_accesses_for(target) -> list[GuestAccess]:
    """Every grant of the target, newest first, with the accounts shown (one query)."""
    return list(
        GuestAccess.objects.filter(**{_field(target): target})
        .select_related("user", "granted_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def guest_access_history_for(target, limit: int = 200) -> list:
    """The history of the target's grants (who granted, changed or revoked what, when)."""
    return list(
        GuestAccess.history.filter(**{f"{_field(target)}_id": target.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
