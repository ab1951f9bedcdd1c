"""Read and check import files completely before anything is written.

Every importer reads its file through `read_table` (CSV as German Excel writes it: UTF-8 with
or without BOM or Windows-1252, `;` or `,` or tab, CRLF; or XLSX) and matches its header with
`match_header`: trimmed, case-insensitive, `-`/`_`/space and a trailing dot alike, German
headings as aliases. An unknown, missing or duplicated column stops the import. Parsers return
rows ready to compare and write or raise ImportRejected with every problem found, each naming
file, line, column and the expected form, so a broken file imports nothing.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


@dataclass
class ImportProblem:
    message: str
    line: int | None = None
    column: str | None = None
    expected: str = ""
    file: str = ""

    def __str__(self):
        where = []
        if self.file:
            where.append(_("Datei „%(file)s“") % {"file": self.file})
        if self.line is not None:
            where.append(_("Zeile %(line)s") % {"line": self.line})
        if self.column:
            where.append(_("Spalte „%(column)s“") % {"column": self.column})
        text = self.message
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.expected:
            text += " " + _("Erwartet: %(expected)s.") % {"expected": self.expected}
        return text


class ImportRejected(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[ImportProblem], *, file: str = ""):
        for problem in problems:
            problem.file = problem.file or file
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# --- reading -------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's header (as written) and data rows with their line numbers (1 is the header).

    Cells are stripped text, or Decimal for numbers an XLSX file stores as numbers."""

    header: list[str]
    rows: list[tuple[int, list]]


def decode(data: bytes) -> str:
    """Decode an uploaded text file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ";"


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if hasattr(value, "year") and hasattr(value, "month"):
        return str(value.year)
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            [
                ImportProblem(
                    _("Die Datei ist keine lesbare Excel-Datei (%(error)s).") % {"error": exc},
                    expected=_("eine XLSX-Datei oder eine CSV-Datei"),
                )
            ]
        )
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_xlsx_cell(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    if not rows:
        return Table(header=[], rows=[])
    header = [str(c) for c in rows[0][1]]
    return Table(header=header, rows=rows[1:])


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line))
    rows = []
    line = 1
    try:
        for record in reader:
            rows.append((line, [cell.strip() for cell in record]))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRejected(
            [ImportProblem(_("Die CSV-Datei ist nicht lesbar: %(error)s") % {"error": exc}, line)]
        )
    if not rows:
        return Table(header=[], rows=[])
    return Table(header=rows[0][1], rows=rows[1:])


def read_table(data: bytes, *, filename: str = "") -> Table:
    """Read a CSV or XLSX file into a Table; raise ImportRejected if it cannot be read or is
    empty. Wholly empty rows are left out."""
    table = _read_xlsx(data) if _is_xlsx(data, filename) else _read_csv(decode(data))
    table.rows = [(n, cells) for n, cells in table.rows if any(c != "" for c in cells)]
    if not any(h.strip() for h in table.header):
        raise ImportRejected([ImportProblem(_("Die Datei ist leer."), 1)], file=filename)
    return table


# --- header --------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """How headings are compared: trimmed, case-insensitive, '-', '_' and spaces alike, without
    dots (so 'Ortsteil-Nr.' and 'ortsteil_nr' are the same heading)."""
    text = str(name).replace("\ufeff", "").casefold().replace(".", " ")
    return " ".join(re.sub(r"[-_\s]+", " ", text).split())


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalise(n) for n in (self.key, self.label, *self.aliases)}


def match_header(
    table: Table, columns: list[Column], *, ignored: tuple[str, ...] = ()
) -> dict[str, int]:
    """Map column keys to their position in the file's header.

    Raise ImportRejected naming every unknown, duplicated or missing column (line 1) and the
    columns the importer knows. `ignored` are headings that are read past (columns of the
    platform's own export)."""
    lookup = {}
    for column in columns:
        for name in column.names():
            lookup[name] = column
    ignored_names = {normalise(n) for n in ignored}
    expected = ", ".join(c.label for c in columns)
    positions: dict[str, int] = {}
    problems = []
    for position, heading in enumerate(table.header):
        name = normalise(heading)
        if not name:
            if any(position < len(cells) and cells[position] != "" for _n, cells in table.rows):
                problems.append(
                    ImportProblem(
                        _("Die Spalte Nr. %(position)s hat keine Überschrift.")
                        % {"position": position + 1},
                        1,
                        expected=_("eine der Spalten %(columns)s") % {"columns": expected},
                    )
                )
            continue
        if name in ignored_names:
            continue
        column = lookup.get(name)
        if column is None:
            problems.append(
                ImportProblem(
                    _("Diese Spalte ist unbekannt."),
                    1,
                    heading.strip(),
                    _("eine der Spalten %(columns)s") % {"columns": expected},
                )
            )
            continue
        if column.key in positions:
            problems.append(
                ImportProblem(
                    _(
                        "Die Spalte „%(label)s“ kommt doppelt vor (Spalte Nr. %(first)s und %(second)s)."
                    )
                    % {
                        "label": column.label,
                        "first": positions[column.key] + 1,
                        "second": position + 1,
                    },
                    1,
                    heading.strip(),
                    _("jede Spalte nur einmal"),
                )
            )
            continue
        positions[column.key] = position
    for column in columns:
        if column.required and column.key not in positions:
            problems.append(
                ImportProblem(
                    _("Die Spalte fehlt."),
                    1,
                    column.label,
                    _("eine Spalte „%(label)s“") % {"label": column.label},
                )
            )
    if problems:
        raise ImportRejected(problems)
    return positions


def _cells(table: Table, positions: dict[str, int]):
    """Yield (line, {key: cell}) per data row, or an ImportProblem for a row whose cells do not
    fit the header (trailing empty cells are allowed)."""
    width = len(table.header)
    for line, cells in table.rows:
        if len(cells) > width and any(c != "" for c in cells[width:]):
            yield (
                line,
                ImportProblem(
                    _("Die Zeile hat %(got)s Spalten, die Kopfzeile %(expected)s.")
                    % {"got": len(cells), "expected": width},
                    line,
                    expected=_("so viele Spalten wie die Kopfzeile"),
                ),
            )
            continue
        yield line, {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}


# --- values --------------------------------------------------------------------------------

_THOUSANDS_ONLY = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_GERMAN = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(raw) -> Decimal:
    """Read a number in German (1.234,5) or plain (1234.5) notation; raise ValueError otherwise.

    A dot without a comma is a thousands separator when it groups exactly three digits
    (1.234 -> 1234), as German spreadsheets write it; otherwise it is a decimal point.
    """
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        raise ValueError("empty")
    if "," in text:
        if not _GERMAN.match(text):
            raise ValueError(raw)
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_ONLY.match(text):
        text = text.replace(".", "")
    if not _NUMBER.match(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(raw)


def _decimal_fits(value: Decimal, *, places: int, digits: int) -> bool:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return False
    return abs(value) < Decimal(10) ** (digits - places)


def _integer(raw) -> int:
    if isinstance(raw, Decimal):
        if raw != raw.to_integral_value():
            raise ValueError(raw)
        return int(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError(raw)
    return int(text)


def _display(raw) -> str:
    if isinstance(raw, Decimal):
        return format(raw, "f")
    return str(raw)


# --- districts -----------------------------------------------------------------------------

DISTRICT_FILE_COLUMNS = [
    Column(
        "nr",
        "nr",
        ("Ortsteil-Nr.", "Ortsteilnummer", "ortsteil_nr", "Nummer", "Nr."),
        required=True,
    ),
    Column("name", "name", ("Ortsteil", "Name des Ortsteils", "Bezeichnung"), required=True),
    Column(
        "area_km2",
        "flaeche_km2",
        ("Fläche (km²)", "Fläche (km2)", "Fläche in km²", "Fläche km²", "fläche_km2"),
    ),
    Column("social_area_number", "sozialraum_nr", ("Sozialraum-Nr.", "Sozialraumnummer")),
    Column("social_area_name", "sozialraum", ("Sozialraum",)),
]


@dataclass
class DistrictRow:
    line: int
    number: int
    name: str
    area_km2: Decimal | None
    has_area: bool
    social_area_number: int | None
    social_area_name: str


def parse_districts(table: Table) -> list[DistrictRow]:
    """Check a district file: nr, name[, flaeche_km2, sozialraum_nr, sozialraum]."""
    positions = match_header(table, DISTRICT_FILE_COLUMNS)
    label = {
        c.key: table.header[i].strip()
        for c in DISTRICT_FILE_COLUMNS
        if (i := positions.get(c.key)) is not None
    }
    problems: list[ImportProblem] = []
    rows: list[DistrictRow] = []
    seen_numbers: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    for line, cell in _cells(table, positions):
        if isinstance(cell, ImportProblem):
            problems.append(cell)
            continue
        row_problems = []
        try:
            number = _integer(cell["nr"])
            if not 1 <= number <= 32767:
                raise ValueError
        except ValueError:
            row_problems.append(
                ImportProblem(
                    _("„%(value)s“ ist keine Ortsteilnummer.") % {"value": _display(cell["nr"])},
                    line,
                    label["nr"],
                    _("eine ganze Zahl wie 5"),
                )
            )
            number = None
        name = _display(cell["name"]).strip()
        if not name:
            row_problems.append(
                ImportProblem(
                    _("Der Name fehlt."), line, label["name"], _("der Name des Ortsteils")
                )
            )
        elif len(name) > 200:
            row_problems.append(
                ImportProblem(
                    _("Der Name ist zu lang."), line, label["name"], _("höchstens 200 Zeichen")
                )
            )
        area = None
        if "area_km2" in cell and cell["area_km2"] != "":
            try:
                area = parse_number(cell["area_km2"])
                if area < 0 or not _decimal_fits(area, places=2, digits=7):
                    raise ValueError
            except ValueError:
                row_problems.append(
                    ImportProblem(
                        _("„%(value)s“ ist keine Fläche.") % {"value": _display(cell["area_km2"])},
                        line,
                        label["area_km2"],
                        _("eine Zahl ab 0 mit höchstens 2 Nachkommastellen, z. B. 2,45"),
                    )
                )
        social_number = None
        social_name = _display(cell.get("social_area_name", "")).strip()
        if cell.get("social_area_number", "") != "":
            try:
                social_number = _integer(cell["social_area_number"])
                if not 1 <= social_number <= 32767:
                    raise ValueError
            except ValueError:
                row_problems.append(
                    ImportProblem(
                        _("„%(value)s“ ist keine Sozialraumnummer.")
                        % {"value": _display(cell["social_area_number"])},
                        line,
                        label["social_area_number"],
                        _("eine ganze Zahl wie 2"),
                    )
                )
        elif social_name:
            row_problems.append(
                ImportProblem(
                    _("Ein Sozialraum ohne Nummer kann nicht zugeordnet werden."),
                    line,
                    label.get("social_area_number", "sozialraum_nr"),
                    _("die Nummer des Sozialraums"),
                )
            )
        if number is not None and number in seen_numbers:
            row_problems.append(
                ImportProblem(
                    _("Ortsteil Nr. %(nr)s steht schon in Zeile %(first)s.")
                    % {"nr": number, "first": seen_numbers[number]},
                    line,
                    label["nr"],
                    _("jeden Ortsteil nur einmal"),
                )
            )
        if name and name.casefold() in seen_names:
            row_problems.append(
                ImportProblem(
                    _("Der Name „%(name)s“ steht schon in Zeile %(first)s.")
                    % {"name": name, "first": seen_names[name.casefold()]},
                    line,
                    label["name"],
                    _("jeden Namen nur einmal"),
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        seen_numbers[number] = line
        seen_names[name.casefold()] = line
        rows.append(
            DistrictRow(
                line=line,
                number=number,
                name=name,
                area_km2=area,
                has_area="area_km2" in positions,
                social_area_number=social_number,
                social_area_name=social_name,
            )
        )
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([ImportProblem(_("Die Datei enthält keine Datenzeilen."), 2)])
    return rows


# --- indicator values ----------------------------------------------------------------------

DISTRICT_NUMBER = Column("ortsteil_nr", "ortsteil_nr", ("Ortsteil-Nr.", "Ortsteilnummer", "Nr."))
DISTRICT_NAME = Column("ortsteil", "ortsteil", ("Ortsteil", "Name"))
YEAR = Column("jahr", "jahr", ("Jahr", "Berichtsjahr"), required=True)
# Columns of the platform's own CSV export that an import reads past.
IGNORED_COLUMNS = ("sozialraum", "hinweis", "quellen")
VALUE_PLACES, VALUE_DIGITS = 3, 12


@dataclass
class IndicatorColumn:
    """What the importer needs to know of an indicator."""

    pk: int
    key: str
    name: str
    unit: str = ""

    def column(self) -> Column:
        aliases = [self.name]
        if self.unit:
            aliases += [f"{self.name} ({self.unit})", f"{self.name} in {self.unit}"]
        return Column(f"indicator:{self.pk}", self.key, tuple(aliases))


@dataclass
class IndicatorRow:
    line: int
    district_id: int
    district_name: str
    year: int
    values: dict[int, Decimal] = field(default_factory=dict)  # indicator id -> value


def parse_indicator_values(
    table: Table,
    *,
    districts_by_number: dict[int, tuple[int, str]],
    districts_by_name: dict[str, tuple[int, str]],
    indicators: list[IndicatorColumn],
) -> list[IndicatorRow]:
    """Check an indicator file: ortsteil_nr and/or ortsteil, jahr, one column per indicator
    (its key or its name). An empty cell means "no value in this file"."""
    value_columns = [i.column() for i in indicators]
    columns = [DISTRICT_NUMBER, DISTRICT_NAME, YEAR, *value_columns]
    positions = match_header(table, columns, ignored=IGNORED_COLUMNS)
    label = {c.key: table.header[positions[c.key]].strip() for c in columns if c.key in positions}
    header_problems = []
    if DISTRICT_NUMBER.key not in positions and DISTRICT_NAME.key not in positions:
        header_problems.append(
            ImportProblem(
                _("Die Spalte fehlt."),
                1,
                "ortsteil_nr",
                _("eine Spalte „ortsteil_nr“ oder „ortsteil“"),
            )
        )
    if not any(c.key in positions for c in value_columns):
        header_problems.append(
            ImportProblem(
                _("Es fehlt eine Spalte mit Werten."),
                1,
                expected=_("mindestens eine der Spalten %(columns)s")
                % {"columns": ", ".join(i.key for i in indicators)},
            )
        )
    if header_problems:
        raise ImportRejected(header_problems)

    problems: list[ImportProblem] = []
    rows: list[IndicatorRow] = []
    seen: dict[tuple[int, int], int] = {}
    present = [(i, c) for i, c in zip(indicators, value_columns, strict=True) if c.key in positions]
    for line, cell in _cells(table, positions):
        if isinstance(cell, ImportProblem):
            problems.append(cell)
            continue
        number_raw = _display(cell.get(DISTRICT_NUMBER.key, "")).strip()
        name_raw = _display(cell.get(DISTRICT_NAME.key, "")).strip()
        district = None
        if number_raw:
            try:
                district = districts_by_number.get(_integer(cell[DISTRICT_NUMBER.key]))
            except ValueError:
                district = None
            if district is None:
                problems.append(
                    ImportProblem(
                        _("Unbekannter Ortsteil Nr. „%(nr)s“.") % {"nr": number_raw},
                        line,
                        label[DISTRICT_NUMBER.key],
                        _("die Nummer eines Ortsteils, der schon angelegt ist"),
                    )
                )
                continue
            if name_raw and name_raw.casefold() != district[1].casefold():
                problems.append(
                    ImportProblem(
                        _("Ortsteil Nr. %(nr)s heißt „%(name)s“, nicht „%(given)s“.")
                        % {"nr": number_raw, "name": district[1], "given": name_raw},
                        line,
                        label[DISTRICT_NAME.key],
                        _("den Namen, der zur Nummer gehört"),
                    )
                )
                continue
        elif name_raw:
            district = districts_by_name.get(name_raw.casefold())
            if district is None:
                problems.append(
                    ImportProblem(
                        _("Unbekannter Ortsteil „%(name)s“.") % {"name": name_raw},
                        line,
                        label[DISTRICT_NAME.key],
                        _("den Namen eines Ortsteils, der schon angelegt ist"),
                    )
                )
                continue
        else:
            problems.append(
                ImportProblem(
                    _("Der Ortsteil fehlt."),
                    line,
                    label.get(DISTRICT_NUMBER.key) or label.get(DISTRICT_NAME.key),
                    _("Nummer oder Name des Ortsteils"),
                )
            )
            continue
        try:
            year = _integer(cell[YEAR.key])
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(
                ImportProblem(
                    _("„%(value)s“ ist kein gültiges Jahr.") % {"value": _display(cell[YEAR.key])},
                    line,
                    label[YEAR.key],
                    _("eine Jahreszahl von 1990 bis 2100"),
                )
            )
            continue
        key = (district[0], year)
        if key in seen:
            problems.append(
                ImportProblem(
                    _("Doppeltes Jahr: %(district)s %(year)s steht schon in Zeile %(first)s.")
                    % {"district": district[1], "year": year, "first": seen[key]},
                    line,
                    label[YEAR.key],
                    _("jeden Ortsteil und jedes Jahr nur einmal"),
                )
            )
            continue
        seen[key] = line
        row = IndicatorRow(line=line, district_id=district[0], district_name=district[1], year=year)
        row_ok = True
        for indicator, column in present:
            raw = cell[column.key]
            if raw == "":
                continue
            try:
                value = parse_number(raw)
                if not _decimal_fits(value, places=VALUE_PLACES, digits=VALUE_DIGITS):
                    raise ValueError
            except ValueError:
                problems.append(
                    ImportProblem(
                        _("„%(value)s“ ist keine Zahl mit höchstens 3 Nachkommastellen.")
                        % {"value": _display(raw)},
                        line,
                        label[column.key],
                        _("eine Zahl wie 12,5 oder 1.234,5"),
                    )
                )
                row_ok = False
                continue
            row.values[indicator.pk] = value
        if row_ok and not row.values:
            problems.append(
                ImportProblem(
                    _("Die Zeile enthält keinen Wert."),
                    line,
                    expected=_("mindestens einen Wert je Zeile"),
                )
            )
            row_ok = False
        if row_ok:
            rows.append(row)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([ImportProblem(_("Die Datei enthält keine Datenzeilen."), 2)])
    return rows


# --- shapes --------------------------------------------------------------------------------


@dataclass
class ShapeRow:
    feature: int
    district_id: int
    district_name: str
    geometry: dict


SHAPE_NUMBER_KEYS = {normalise(k) for k in ("STADTTE_ID", "ortsteil_nr", "nr", "number")}
SHAPE_NAME_KEYS = {normalise(k) for k in ("NAME", "name", "ortsteil")}


def _valid_ring(ring) -> bool:
    if not isinstance(ring, list) or len(ring) < 4:
        return False
    for position in ring:
        if not (
            isinstance(position, list)
            and len(position) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
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
    data: bytes,
    *,
    districts_by_number: dict[int, tuple[int, str]],
    districts_by_name: dict[str, tuple[int, str]],
) -> list[ShapeRow]:
    """Check a GeoJSON file of Ortsteil boundaries: only Polygon and MultiPolygon features.

    A feature names its Ortsteil in a property matched like a CSV heading (trimmed,
    case-insensitive): STADTTE_ID / ortsteil_nr / nr, or NAME / ortsteil. Other properties are
    the data provider's (area, download link) and are read past; two properties that match the
    same heading (e.g. `NAME` and `name`) stop the import."""
    try:
        parsed = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [
                ImportProblem(
                    _("Keine gültige GeoJSON-Datei: %(error)s") % {"error": exc.msg},
                    exc.lineno,
                    expected=_("eine GeoJSON-FeatureCollection"),
                )
            ]
        )
    if isinstance(parsed, dict) and parsed.get("type") == "FeatureCollection":
        features = parsed.get("features") or []
    elif isinstance(parsed, dict) and parsed.get("type") == "Feature":
        features = [parsed]
    else:
        raise ImportRejected(
            [
                ImportProblem(
                    _("Erwartet wird eine FeatureCollection oder ein Feature."),
                    expected=_("eine GeoJSON-FeatureCollection"),
                )
            ]
        )
    problems: list[ImportProblem] = []
    rows: list[ShapeRow] = []
    seen: dict[int, int] = {}

    def problem(number, message, column=None, expected=""):
        problems.append(
            ImportProblem(
                _("Objekt %(number)s: %(message)s") % {"number": number, "message": message},
                column=column,
                expected=expected,
            )
        )

    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            problem(number, _("kein GeoJSON-Feature."), expected=_("ein GeoJSON-Feature"))
            continue
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problem(
                number,
                _("Geometrietyp „%(kind)s“ ist kein Polygon.") % {"kind": kind or _("keiner")},
                "geometry",
                _("Polygon oder MultiPolygon"),
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
                _("ungültige Koordinaten."),
                "coordinates",
                _("geschlossene Ringe aus Längen-/Breitengraden (WGS84)"),
            )
            continue
        by_role: dict[str, list[str]] = {"number": [], "name": []}
        for key in properties if isinstance(properties, dict) else {}:
            name = normalise(key)
            if name in SHAPE_NUMBER_KEYS and properties[key] not in (None, ""):
                by_role["number"].append(key)
            elif name in SHAPE_NAME_KEYS and properties[key] not in (None, ""):
                by_role["name"].append(key)
        duplicated = [
            keys for keys in by_role.values() if len({normalise(k) for k in keys}) < len(keys)
        ]
        if duplicated:
            problem(
                number,
                _("Die Eigenschaft kommt doppelt vor: %(keys)s.")
                % {"keys": ", ".join(duplicated[0])},
                duplicated[0][0],
                _("jede Eigenschaft nur einmal"),
            )
            continue
        district = None
        column = None
        if by_role["number"]:
            column = by_role["number"][0]
            try:
                district = districts_by_number.get(int(properties[column]))
            except (TypeError, ValueError):
                district = None
        elif by_role["name"]:
            column = by_role["name"][0]
            district = districts_by_name.get(str(properties[column]).strip().casefold())
        if district is None:
            if column is None:
                problem(
                    number,
                    _("Das Objekt nennt keinen Ortsteil."),
                    expected=_(
                        "eine Eigenschaft STADTTE_ID, ortsteil_nr oder nr (Nummer) oder NAME oder ortsteil (Name)"
                    ),
                )
            else:
                problem(
                    number,
                    _("unbekannter Ortsteil „%(label)s“.") % {"label": properties[column]},
                    column,
                    _("Nummer oder Name eines Ortsteils, der schon angelegt ist"),
                )
            continue
        if district[0] in seen:
            problem(
                number,
                _("%(name)s kommt schon in Objekt %(first)s vor.")
                % {"name": district[1], "first": seen[district[0]]},
                column,
                _("jeden Ortsteil nur einmal"),
            )
            continue
        seen[district[0]] = number
        rows.append(
            ShapeRow(
                feature=number,
                district_id=district[0],
                district_name=district[1],
                geometry={"type": kind, "coordinates": coordinates},
            )
        )
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([ImportProblem(_("Die Datei enthält keine Umrisse."))])
    return rows
