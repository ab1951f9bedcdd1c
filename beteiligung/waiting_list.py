"""The waiting list's rule: who moves up when places free up.

Entries are in line in the order they joined the waiting list (waiting_since, then id); only
entries whose e-mail address is confirmed are in line. A freed place goes to the first entry in
line whose whole group fits into the free places of the event and of its chosen table. An entry
whose group does not fit yet is skipped, keeps its position and moves up as soon as enough places
are free; a smaller group behind it may move up first.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

RULE = _(
    "Frei werdende Plätze gehen der Reihe nach an die Warteliste: an die erste Anmeldung, deren "
    "ganze Gruppe in die freien Plätze passt (bei Thementischen auch an ihrem Tisch). Passt eine "
    "größere Gruppe noch nicht, rückt die nächste Anmeldung vor, die passt; die größere Gruppe "
    "behält ihren Platz in der Reihe und rückt nach, sobald genug Plätze frei sind."
)


def move_up(in_line: Iterable, *, free: int, free_per_table: dict[int, int]) -> list:
    """The entries (in line order, objects with places and table_id) that get the free places.

    free_per_table: free places per table id (tables absent from it have none free).
    """
    chosen = []
    free_per_table = dict(free_per_table)
    for entry in in_line:
        if free <= 0:
            break
        if entry.places > free:
            continue
        if entry.table_id is not None and entry.places > free_per_table.get(entry.table_id, 0):
            continue
        chosen.append(entry)
        free -= entry.places
        if entry.table_id is not None:
            free_per_table[entry.table_id] -= entry.places
    return chosen
