"""CSV writing that is safe to open in spreadsheet programs."""

import csv
import io
from collections.abc import Iterable

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value) -> str:
    """Neutralise cells a spreadsheet would evaluate as a formula (CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """Return UTF-8 CSV (with BOM, so German spreadsheet programs read umlauts), ';' separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([guard_cell(h) for h in header])
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
