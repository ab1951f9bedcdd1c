"""CSV writing that is safe to open in spreadsheet programs."""

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number (also German notation, "-1.234,5"): a spreadsheet reads it as a number, never
# as a formula, so it is written as it is and reads back unchanged.
_PLAIN_NUMBER = re.compile(r"-?\d[\d.,]*")


def guard_cell(value) -> str:
    """Neutralise cells a spreadsheet would evaluate as a formula (CSV injection).

    Numbers (int, float, Decimal, or text that is only a number) are not prefixed, so a
    negative value survives an export and re-import.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
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
