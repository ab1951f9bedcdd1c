"""What the platform holds about a person: export and erasure, filled in by every app.

Each app registers one handler in its AppConfig.ready():

    personal_data.register(
        key="beteiligung", label=_("Anmeldungen zu Veranstaltungen"),
        exporter=export_registrations,  # exporter(user) -> list of record(...) dicts
        eraser=erase_registrations,     # eraser(user) -> None, inside the deletion transaction
        order=50,
    )

Erasers run in `order` before the account itself is deleted; an eraser that keeps part of a public
record (a comment answered in a disposition table) must run before one that deletes the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataHandler:
    key: str
    label: str
    exporter: Callable
    eraser: Callable
    order: int = 100


_handlers: dict[str, PersonalDataHandler] = {}


def register(*, key: str, label, exporter: Callable, eraser: Callable, order: int = 100) -> None:
    _handlers[key] = PersonalDataHandler(key, label, exporter, eraser, order)


def handlers() -> list[PersonalDataHandler]:
    return sorted(_handlers.values(), key=lambda h: (h.order, h.key))


def value(v):
    """A value as it appears in the export: dates as ISO text, None as empty."""
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, bool | int | float):
        return v
    return str(v)


def record(*pairs) -> dict:
    """One exported item: record((_("Name"), name), (_("E-Mail-Adresse"), email))."""
    return {str(label): value(v) for label, v in pairs}


def export_for(user) -> list[dict]:
    """Every app's records about the user: [{"key", "label", "records"}], apps without any left out."""
    sections = []
    for handler in handlers():
        records = list(handler.exporter(user) or [])
        if records:
            sections.append({"key": handler.key, "label": str(handler.label), "records": records})
    return sections


def erase_for(user) -> None:
    """Run every app's eraser (call inside the transaction that deletes the account)."""
    for handler in handlers():
        handler.eraser(user)
