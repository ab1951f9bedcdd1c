"""Every importer checks its header the same way, reads files as German Excel writes them,
imports all or nothing and can show what it would change first."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from standorte.importers import ImportRejected
from standorte.models import District, Indicator, IndicatorValue
from standorte.services_import import (
    district_shapes_import,
    districts_import,
    indicator_values_import,
)

from .factories import DistrictFactory

pytestmark = pytest.mark.django_db

RING = [[11.0, 51.0], [11.1, 51.0], [11.1, 51.1], [11.0, 51.0]]


@pytest.fixture
def districts():
    return [
        DistrictFactory(number=5, name="Berliner Platz", area_km2=Decimal("0.49")),
        DistrictFactory(number=6, name="Rieth", area_km2=Decimal("1.23")),
    ]


def _areas():
    return dict(District.objects.values_list("number", "area_km2"))


def _problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- header ---------------------------------------------------------------------------------


def test_misspelt_area_column_stops_the_district_import_and_keeps_every_area(districts):
    before = _areas()
    with pytest.raises(ImportRejected) as info:
        districts_import(
            actor=None, data=b"nr;name;flaeche_km\n5;Berliner Platz;0,5\n", filename="ot.csv"
        )
    (message,) = _problems(info)
    assert "ot.csv" in message and "Zeile 1" in message and "„flaeche_km“" in message
    assert "unbekannt" in message and "flaeche_km2" in message  # the expected form
    assert _areas() == before


def test_space_before_separator_in_header_is_trimmed(districts):
    result = districts_import(actor=None, data=b"nr ;name ; flaeche_km2\n6;Rieth;1,5\n")
    assert (result.changed, result.new) == (1, 0)
    assert District.objects.get(number=6).area_km2 == Decimal("1.5")


@pytest.mark.parametrize(
    "importer, header, column, wording",
    [
        ("districts", "nr;name;flaeche_km2;farbe", "farbe", "unbekannt"),
        ("districts", "nr;flaeche_km2", "name", "fehlt"),
        ("districts", "nr;name;Ortsteil-Nr.", "Ortsteil-Nr.", "doppelt"),
        ("indicators", "ortsteil_nr;jahr;sozialindex;farbe", "farbe", "unbekannt"),
        ("indicators", "ortsteil_nr;sozialindex", "jahr", "fehlt"),
        ("indicators", "ortsteil_nr;jahr;sozialindex;Sozialindex", "Sozialindex", "doppelt"),
    ],
)
def test_unknown_missing_or_duplicate_column_is_named_and_nothing_changes(
    districts, importer, header, column, wording
):
    run = districts_import if importer == "districts" else indicator_values_import
    before = (_areas(), IndicatorValue.objects.count())
    with pytest.raises(ImportRejected) as info:
        run(actor=None, data=f"{header}\n5;1;2;3\n".encode(), filename="datei.csv")
    messages = _problems(info)
    assert any(f"„{column}“" in m and wording in m and "Zeile 1" in m for m in messages), messages
    assert all("datei.csv" in m and "Erwartet" in m for m in messages)
    assert (_areas(), IndicatorValue.objects.count()) == before


def test_shape_with_duplicated_name_property_is_named(districts):
    feature = {
        "type": "Feature",
        "properties": {"NAME": "Rieth", "name": "Rieth"},
        "geometry": {"type": "Polygon", "coordinates": [RING]},
    }
    with pytest.raises(ImportRejected) as info:
        district_shapes_import(actor=None, data=json.dumps(feature).encode(), filename="u.geojson")
    (message,) = _problems(info)
    assert "doppelt" in message and "„NAME“" in message and "u.geojson" in message
    assert not District.objects.filter(geometry__isnull=False).exists()


def test_shape_without_district_property_is_named(districts):
    feature = {
        "type": "Feature",
        "properties": {"SHAPE_AREA": 1},
        "geometry": {"type": "Polygon", "coordinates": [RING]},
    }
    with pytest.raises(ImportRejected) as info:
        district_shapes_import(actor=None, data=json.dumps(feature).encode())
    assert "nennt keinen Ortsteil" in _problems(info)[0]
    assert "STADTTE_ID" in _problems(info)[0]


def test_german_headings_are_accepted_in_any_case(districts):
    data = "Ortsteil-Nr.;ORTSTEIL;Fläche (km²)\n6;Rieth;1,75\n".encode()
    districts_import(actor=None, data=data)
    assert District.objects.get(number=6).area_km2 == Decimal("1.75")
    data = b"Ortsteil-Nr.; Jahr ;SGB-II-Quote (%);Sozialindex\n6;2020;25,1;130\n"
    result = indicator_values_import(actor=None, data=data)
    assert result.values == 2


def test_district_file_without_area_column_leaves_areas_alone(districts):
    districts_import(actor=None, data=b"nr;name\n6;Rieth\n7;Johannesplatz\n")
    assert _areas()[6] == Decimal("1.23")
    assert District.objects.get(number=7).name == "Johannesplatz"


# --- file formats ---------------------------------------------------------------------------

GERMAN_EXCEL = "Ortsteil-Nr.;Ortsteil;Fläche (km²)\r\n5;Berliner Platz;1.234,56\r\n6;Rieth;2,5\r\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "cp1252", "utf-8"], ids=["utf8-bom", "cp1252", "utf8"]
)
def test_german_excel_csv_semicolons_crlf_decimal_comma_thousands_dot(districts, encoding):
    result = districts_import(actor=None, data=GERMAN_EXCEL.encode(encoding))
    assert (result.new, result.changed, result.unchanged) == (0, 2, 0)
    assert _areas() == {5: Decimal("1234.56"), 6: Decimal("2.5")}


def test_plain_comma_csv(districts):
    districts_import(
        actor=None, data=b'nr,name,flaeche_km2\n6,Rieth,"3,5"\n5,Berliner Platz,4.25\n'
    )
    assert _areas() == {5: Decimal("4.25"), 6: Decimal("3.5")}


def test_xlsx_files_import_with_numbers_as_excel_stores_them(districts):
    data = _xlsx([["Ortsteil-Nr.", "Ortsteil", "Fläche (km²)"], [5, "Berliner Platz", 1.25]])
    districts_import(actor=None, data=data, filename="ortsteile.xlsx")
    assert _areas()[5] == Decimal("1.25")
    data = _xlsx([["ortsteil_nr", "jahr", "sozialindex"], [6, 2021, -0.5], [5, 2021, 1.234]])
    result = indicator_values_import(actor=None, data=data, filename="werte.xlsx")
    assert result.new == 2
    values = dict(IndicatorValue.objects.values_list("district__number", "value"))
    assert values == {6: Decimal("-0.5"), 5: Decimal("1.234")}


def test_xlsx_problem_names_sheet_line_and_column(districts):
    data = _xlsx([["ortsteil_nr", "jahr", "sozialindex"], [6, 2021, 1], [5, 2021, "viel"]])
    with pytest.raises(ImportRejected) as info:
        indicator_values_import(actor=None, data=data, filename="werte.xlsx")
    (message,) = _problems(info)
    assert "werte.xlsx" in message and "Zeile 3" in message and "„sozialindex“" in message
    assert not IndicatorValue.objects.exists()


def test_broken_xlsx_is_a_clear_problem(districts):
    with pytest.raises(ImportRejected) as info:
        districts_import(actor=None, data=b"PK\x03\x04kaputt", filename="x.xlsx")
    assert "keine lesbare Excel-Datei" in _problems(info)[0]


def test_area_with_more_than_two_decimals_is_refused(districts):
    """1.234 is a thousands-dot number (1234) in a CSV; an area with three decimals does not
    fit the stored precision and is refused instead of being rounded."""
    with pytest.raises(ImportRejected) as info:
        districts_import(actor=None, data=b"nr;name;flaeche_km2\n5;Berliner Platz;1,234\n")
    assert "Zeile 2" in _problems(info)[0] and "flaeche_km2" in _problems(info)[0]


# --- all or nothing -------------------------------------------------------------------------


def test_one_bad_line_changes_nothing_and_names_line_and_column(districts):
    data = b"nr;name;flaeche_km2\n5;Neuer Name;9,9\n6;Rieth;zwei\n7;Neu;1\n"
    before = list(District.objects.order_by("number").values_list("number", "name", "area_km2"))
    with pytest.raises(ImportRejected) as info:
        districts_import(actor=None, data=data, filename="ot.csv")
    (message,) = _problems(info)
    assert message.startswith("Datei „ot.csv“, Zeile 3, Spalte „flaeche_km2“:")
    assert "„zwei“" in message and "Erwartet:" in message
    after = list(District.objects.order_by("number").values_list("number", "name", "area_km2"))
    assert after == before


def test_indicator_file_with_bad_rows_names_every_line_and_column(districts):
    data = (
        b"ortsteil_nr;ortsteil;jahr;sozialindex\n"
        b"5;Berliner Platz;2020;100,0\n"
        b"99;;2020;1\n"
        b"6;Rieth;20x0;1\n"
        b"5;;2020;1\n"
        b"6;Rieth;2021;viel\n"
    )
    with pytest.raises(ImportRejected) as info:
        indicator_values_import(actor=None, data=data)
    messages = _problems(info)
    assert len(messages) == 4
    assert "Zeile 3, Spalte „ortsteil_nr“" in messages[0]
    assert "Zeile 4, Spalte „jahr“" in messages[1]
    assert "Zeile 5, Spalte „jahr“" in messages[2] and "Zeile 2" in messages[2]
    assert "Zeile 6, Spalte „sozialindex“" in messages[3]
    assert IndicatorValue.objects.count() == 0


def test_problems_are_in_the_active_language(districts):
    with translation.override("en"):
        with pytest.raises(ImportRejected) as info:
            districts_import(actor=None, data=b"nr;name;flaeche\n5;X;1\n", filename="d.csv")
        message = _problems(info)[0]
    assert message == (
        "File “d.csv”, line 1, column “flaeche”: This column is unknown. Expected: one of the "
        "columns nr, name, flaeche_km2, sozialraum_nr, sozialraum."
    )


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_counts_new_changed_unchanged_and_writes_nothing(districts):
    indicator_values_import(
        actor=None, data=b"ortsteil_nr;jahr;sozialindex\n5;2020;100\n6;2020;110\n"
    )
    data = b"ortsteil_nr;jahr;sozialindex\n5;2020;100\n6;2020;111,5\n6;2021;90\n"
    result = indicator_values_import(actor=None, data=data, dry_run=True)
    assert (result.new, result.changed, result.unchanged) == (1, 1, 1)
    assert result.values == 0
    assert [(c.line, c.status) for c in result.changes] == [(3, "changed"), (4, "new")]
    assert result.changes[0].details == ["Sozialindex: 110 → 111,5"]
    stored = dict(IndicatorValue.objects.values_list("district__number", "value"))
    assert stored == {5: Decimal("100"), 6: Decimal("110")}
    result = indicator_values_import(actor=None, data=data)
    assert (result.new, result.changed, result.unchanged, result.values) == (1, 1, 1, 2)
    assert IndicatorValue.objects.get(district__number=6, year=2020).value == Decimal("111.5")


def test_district_and_shape_dry_runs(districts):
    result = districts_import(
        actor=None,
        data=b"nr;name;flaeche_km2\n5;Berliner Platz;0,49\n6;Rieth;2\n8;Neu;1\n",
        dry_run=True,
    )
    assert (result.new, result.changed, result.unchanged) == (1, 1, 1)
    assert not District.objects.filter(number=8).exists()
    feature = {
        "type": "Feature",
        "properties": {"nr": 6},
        "geometry": {"type": "Polygon", "coordinates": [RING]},
    }
    data = json.dumps(feature).encode()
    assert district_shapes_import(actor=None, data=data, dry_run=True).new == 1
    assert not District.objects.filter(geometry__isnull=False).exists()
    district_shapes_import(actor=None, data=data)
    assert district_shapes_import(actor=None, data=data, dry_run=True).unchanged == 1


def test_commands_have_a_dry_run(tmp_path, districts):
    path = tmp_path / "ortsteile.csv"
    path.write_text("nr;name;flaeche_km2\n6;Rieth;7,5\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_districts", str(path), "--dry-run", stdout=out)
    assert "0 new, 1 changed, 0 unchanged" in out.getvalue()
    assert "Fläche: 1,23 → 7,5" in out.getvalue()
    assert _areas()[6] == Decimal("1.23")
    call_command("import_districts", str(path), stdout=io.StringIO())
    assert _areas()[6] == Decimal("7.5")
    bad = tmp_path / "bad.csv"
    bad.write_text("nr;name;flaeche_km\n6;Rieth;1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_districts", str(bad), stderr=err)
    assert "„flaeche_km“" in err.getvalue()


# --- round trip -----------------------------------------------------------------------------


def test_indicator_export_reimports_unchanged_with_negative_values(client, districts):
    Indicator.objects.filter(key="sgb_ii_quote").update(
        source="Jobcenter Erfurt", licence="DL-DE/BY-2.0"
    )
    data = (
        b"ortsteil_nr;jahr;sozialindex;sgb_ii_quote;kinderarmut\n"
        b"5;2020;-0,7;25,1;-1.234,5\n"
        b"6;2020;130,2;-3;\n"
        b"6;2021;-0,001;0;1\n"
    )
    indicator_values_import(actor=None, data=data, is_demo=True)
    response = client.get(reverse("standorte:indicator_csv"))
    text = response.content.decode("utf-8-sig")
    assert "'-" not in text
    lines = text.strip().splitlines()
    assert lines[1].startswith("5;Berliner Platz;2020;-0,700;25,100;-1234,500")
    assert "Demo-Werte" in lines[1]
    assert "SGB-II-Quote: Jobcenter Erfurt, DL-DE/BY-2.0" in lines[1]
    result = indicator_values_import(actor=None, data=response.content, filename="export.csv")
    assert (result.new, result.changed, result.unchanged) == (0, 0, 3)
    assert result.values == 0


def test_the_shipped_ortsteile_file_imports_and_then_is_unchanged():
    from pathlib import Path

    data = (
        Path(__file__).resolve().parents[2] / "standorte" / "data" / "ortsteile.csv"
    ).read_bytes()
    first = districts_import(actor=None, data=data, filename="ortsteile.csv")
    assert (first.new, first.changed, first.unchanged) == (53, 0, 0)
    assert District.objects.get(number=1).area_km2 == Decimal("2.45")
    again = districts_import(actor=None, data=data, filename="ortsteile.csv", dry_run=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 53)
