"""Parse and check import files completely before anything is written.

Each parser returns rows ready to write or raises ImportRejected with every problem found,
each with its line (CSV) or feature number (GeoJSON), so a broken file imports nothing.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


@dataclass
class ImportProblem:
    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("Zeile %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class IndicatorRow:
    line: int
    district_id: int
    district_name: str
    year: int
    values: dict[int, Decimal] = field(default_factory=dict)  # indicator id -> value


_THOUSANDS_ONLY = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(raw: str) -> Decimal:
    """Read a number in German (1.234,5) or plain (1234.5) notation; raise ValueError otherwise.

    A dot without a comma is a thousands separator when it groups exactly three digits
    (1.234 -> 1234), as German spreadsheets write it; otherwise it is a decimal point.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        raise ValueError("empty")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_ONLY.match(text):
        text = text.replace(".", "")
    if not _NUMBER.match(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(raw)


def decode(data: bytes) -> str:
    """Decode an uploaded text file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ";"


DISTRICT_COLUMNS = ("ortsteil_nr", "ortsteil")
YEAR_COLUMN = "jahr"
# Columns of the platform's own CSV export that an import reads past.
IGNORED_COLUMNS = ("sozialraum", "hinweis")


def parse_indicator_csv(
    text: str,
    *,
    districts_by_number: dict[int, tuple[int, str]],
    districts_by_name: dict[str, tuple[int, str]],
    indicators: dict[str, int],
    existing: set[tuple[int, int]],
    replace: bool,
) -> list[IndicatorRow]:
    """Check an indicator file. Columns: ortsteil_nr and/or ortsteil, jahr, one per indicator.

    `existing` holds (district id, year) pairs already stored; they are a problem unless
    `replace` is set.
    """
    problems: list[ImportProblem] = []
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportRejected([ImportProblem(None, _("Die Datei ist leer."))])
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(lines[0]))
    header = [h.strip().lower() for h in next(reader)]
    known = set(DISTRICT_COLUMNS) | {YEAR_COLUMN} | set(indicators) | set(IGNORED_COLUMNS)
    unknown = [h for h in header if h not in known]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    value_columns = [h for h in header if h in indicators]
    header_problems = []
    if unknown:
        header_problems.append(
            _("unbekannte Spalte(n): %(cols)s") % {"cols": ", ".join(unknown) or '""'}
        )
    if duplicates:
        header_problems.append(_("doppelte Spalte(n): %(cols)s") % {"cols": ", ".join(duplicates)})
    if not any(c in header for c in DISTRICT_COLUMNS):
        header_problems.append(_("es fehlt die Spalte „ortsteil_nr“ oder „ortsteil“"))
    if YEAR_COLUMN not in header:
        header_problems.append(_("es fehlt die Spalte „jahr“"))
    if not value_columns:
        header_problems.append(_("es fehlt mindestens eine Indikatorspalte"))
    if header_problems:
        expected = ", ".join(["ortsteil_nr", "ortsteil", "jahr", *indicators])
        raise ImportRejected(
            [
                ImportProblem(
                    1,
                    _("Falsche Kopfzeile: %(problems)s. Erwartet werden die Spalten: %(expected)s.")
                    % {"problems": "; ".join(header_problems), "expected": expected},
                )
            ]
        )

    rows: list[IndicatorRow] = []
    seen: dict[tuple[int, int], int] = {}
    index = {name: i for i, name in enumerate(header)}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                ImportProblem(
                    line,
                    _("%(got)s Spalten statt %(expected)s.")
                    % {"got": len(record), "expected": len(header)},
                )
            )
            continue
        cell = {name: record[i].strip() for name, i in index.items()}
        district = None
        if cell.get("ortsteil_nr"):
            try:
                district = districts_by_number.get(int(cell["ortsteil_nr"]))
            except ValueError:
                district = None
            if district is None:
                problems.append(
                    ImportProblem(
                        line,
                        _("Unbekannter Ortsteil Nr. „%(nr)s“.") % {"nr": cell["ortsteil_nr"]},
                    )
                )
                continue
            if cell.get("ortsteil") and cell["ortsteil"].casefold() != district[1].casefold():
                problems.append(
                    ImportProblem(
                        line,
                        _("Ortsteil Nr. %(nr)s heißt „%(name)s“, nicht „%(given)s“.")
                        % {
                            "nr": cell["ortsteil_nr"],
                            "name": district[1],
                            "given": cell["ortsteil"],
                        },
                    )
                )
                continue
        elif cell.get("ortsteil"):
            district = districts_by_name.get(cell["ortsteil"].casefold())
            if district is None:
                problems.append(
                    ImportProblem(
                        line, _("Unbekannter Ortsteil „%(name)s“.") % {"name": cell["ortsteil"]}
                    )
                )
                continue
        else:
            problems.append(ImportProblem(line, _("Der Ortsteil fehlt.")))
            continue
        try:
            year = int(cell[YEAR_COLUMN])
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(
                ImportProblem(
                    line, _("„%(value)s“ ist kein gültiges Jahr.") % {"value": cell[YEAR_COLUMN]}
                )
            )
            continue
        key = (district[0], year)
        if key in seen:
            problems.append(
                ImportProblem(
                    line,
                    _("Doppeltes Jahr: %(district)s %(year)s steht schon in Zeile %(first)s.")
                    % {"district": district[1], "year": year, "first": seen[key]},
                )
            )
            continue
        seen[key] = line
        if key in existing and not replace:
            problems.append(
                ImportProblem(
                    line,
                    _(
                        "Für %(district)s gibt es für %(year)s bereits Werte. Zum Überschreiben "
                        "„vorhandene Werte ersetzen“ wählen."
                    )
                    % {"district": district[1], "year": year},
                )
            )
            continue
        row = IndicatorRow(line=line, district_id=district[0], district_name=district[1], year=year)
        row_ok = True
        for column in value_columns:
            raw = cell[column]
            if raw == "":
                continue
            try:
                row.values[indicators[column]] = parse_number(raw)
            except ValueError:
                problems.append(
                    ImportProblem(
                        line,
                        _("„%(value)s“ in Spalte „%(column)s“ ist keine Zahl.")
                        % {"value": raw, "column": column},
                    )
                )
                row_ok = False
        if row_ok and not row.values:
            problems.append(ImportProblem(line, _("Die Zeile enthält keinen Wert.")))
            row_ok = False
        if row_ok:
            rows.append(row)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([ImportProblem(None, _("Die Datei enthält keine Datenzeilen."))])
    return rows


@dataclass
class ShapeRow:
    feature: int
    district_id: int
    geometry: dict


_NUMBER_KEYS = ("STADTTE_ID", "ortsteil_nr", "nr", "number")
_NAME_KEYS = ("NAME", "name", "ortsteil")


def _valid_ring(ring) -> bool:
    if not isinstance(ring, list) or len(ring) < 4:
        return False
    for position in ring:
        if not (
            isinstance(position, list)
            and len(position) >= 2
            and all(isinstance(c, int | float) for c in position[:2])
            and -180 <= position[0] <= 180
            and -90 <= position[1] <= 90
        ):
            return False
    return ring[0][:2] == ring[-1][:2]


def _valid_polygon(coordinates) -> bool:
    return (
        isinstance(coordinates, list) and bool(coordinates) and all(map(_valid_ring, coordinates))
    )


def parse_geojson(
    text: str,
    *,
    districts_by_number: dict[int, tuple[int, str]],
    districts_by_name: dict[str, tuple[int, str]],
) -> list[ShapeRow]:
    """Check a GeoJSON file of Ortsteil boundaries: only Polygon and MultiPolygon features."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [ImportProblem(None, _("Keine gültige GeoJSON-Datei: %(error)s") % {"error": exc})]
        )
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        raise ImportRejected(
            [ImportProblem(None, _("Erwartet wird eine FeatureCollection oder ein Feature."))]
        )
    problems: list[ImportProblem] = []
    rows: list[ShapeRow] = []
    seen: dict[int, int] = {}

    def problem(number, message):
        problems.append(
            ImportProblem(
                None,
                _("Objekt %(number)s: %(message)s") % {"number": number, "message": message},
            )
        )

    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            problem(number, _("kein GeoJSON-Feature."))
            continue
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problem(
                number,
                _(
                    "Geometrietyp „%(kind)s“ ist kein Polygon; nur Polygon und MultiPolygon sind erlaubt."
                )
                % {"kind": kind or _("keiner")},
            )
            continue
        coordinates = geometry.get("coordinates")
        valid = (
            _valid_polygon(coordinates)
            if kind == "Polygon"
            else isinstance(coordinates, list)
            and bool(coordinates)
            and all(map(_valid_polygon, coordinates))
        )
        if not valid:
            problem(
                number,
                _("ungültige Koordinaten (geschlossene Ringe aus Längen-/Breitengraden erwartet)."),
            )
            continue
        district = None
        for key in _NUMBER_KEYS:
            if key in properties and properties[key] not in (None, ""):
                try:
                    district = districts_by_number.get(int(properties[key]))
                except (TypeError, ValueError):
                    district = None
                break
        if district is None:
            for key in _NAME_KEYS:
                if properties.get(key):
                    district = districts_by_name.get(str(properties[key]).casefold())
                    break
        if district is None:
            label = next(
                (str(properties[k]) for k in (*_NUMBER_KEYS, *_NAME_KEYS) if properties.get(k)),
                _("ohne Nummer und Name"),
            )
            problem(number, _("unbekannter Ortsteil „%(label)s“.") % {"label": label})
            continue
        if district[0] in seen:
            problem(
                number,
                _("%(name)s kommt schon in Objekt %(first)s vor.")
                % {"name": district[1], "first": seen[district[0]]},
            )
            continue
        seen[district[0]] = number
        rows.append(
            ShapeRow(
                feature=number,
                district_id=district[0],
                geometry={"type": kind, "coordinates": coordinates},
            )
        )
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([ImportProblem(None, _("Die Datei enthält keine Umrisse."))])
    return rows
