"""Widgets shared by gremium's forms: the platform's one date/time widget."""

from erfurt_srp.core.widgets import DATETIME_FORMAT, DateInput, DateTimeInput

# The name gremium's forms used for the same widget.
DateTimeLocalInput = DateTimeInput

__all__ = ["DATETIME_FORMAT", "DateInput", "DateTimeInput", "DateTimeLocalInput"]
