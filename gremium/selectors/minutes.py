"""Reads for minutes and attendance."""

from ..models import (
    Attendance,
    Meeting,
    Minutes,
)


def attendance_for_meeting(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.select_related(
            "membership__person", "membership__institution"
        ).order_by("role", "id")
    )


def approval_history(minutes: Minutes) -> list:
    """The minutes' state changes, newest first: who approved or revoked, when, and why."""
    records = list(
        minutes.history.select_related("history_user", "approved_in__committee").order_by(
            "history_date", "history_id"
        )
    )
    changes = []
    previous = None
    for record in records:
        if previous is None or record.state != previous.state:
            changes.append(record)
        previous = record
    return list(reversed(changes))
