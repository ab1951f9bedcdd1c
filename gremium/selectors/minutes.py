"""Reads for minutes and attendance."""

from ..models import (
    Attendance,
    Meeting,
)


def attendance_for_meeting(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.select_related(
            "membership__person", "membership__institution"
        ).order_by("role", "id")
    )
