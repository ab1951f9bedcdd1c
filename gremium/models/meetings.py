"""Meetings, agenda items, papers, consultations, attendance, minutes."""

__all__: list[str] = []
