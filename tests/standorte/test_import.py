"""Indicator CSV and GeoJSON import: check the whole file, import all or nothing."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from standorte.importers import ImportRejected, parse_number
from standorte.models import District, IndicatorValue
from standorte.services import district_shapes_import, indicator_values_import

from .factories import DistrictFactory

pytestmark = pytest.mark.django_db

HEADER = "ortsteil_nr;ortsteil;jahr;sozialindex;sgb_ii_quote;kinderarmut\n"
DATA = Path(__file__).resolve().parents[2] / "standorte" / "data"


@pytest.fixture
def districts():
    return [
        DistrictFactory(number=5, name="Berliner Platz"),
        DistrictFactory(number=6, name="Rieth"),
    ]


def test_parse_number_reads_german_and_plain_notation():
    assert parse_number("1.234,5") == Decimal("1234.5")
    assert parse_number("12,3") == Decimal("12.3")
    assert parse_number("12.5") == Decimal("12.5")
    assert parse_number("1.234") == Decimal("1234")
    assert parse_number("-0,7") == Decimal("-0.7")
    assert parse_number("25,1 %") == Decimal("25.1")
    for bad in ("abc", "1,2,3", "", "1.2.3,4,5"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_good_file_imports_every_value_with_german_numbers(districts):
    data = (HEADER + "5;Berliner Platz;2020;1.234,5;25,1;41,0\n6;;2020;130,2;22,0;\n").encode()
    result = indicator_values_import(actor=None, data=data, source="Atlas")
    assert (result.rows, result.values) == (2, 5)
    value = IndicatorValue.objects.get(district=districts[0], indicator__key="sozialindex")
    assert value.value == Decimal("1234.5")
    assert value.source == "Atlas"
    assert not value.is_demo


def test_broken_file_reports_every_bad_row_with_line_and_imports_nothing(districts):
    data = (
        HEADER
        + "5;Berliner Platz;2020;100,0;20,0;30,0\n"  # line 2 fine
        + "99;Atlantis;2020;1;2;3\n"  # line 3 unknown district
        + "6;Rieth;20x0;1;2;3\n"  # line 4 bad year
        + "5;Berliner Platz;2020;1;2;3\n"  # line 5 duplicate year
        + "6;Rieth;2021;viel;2;3\n"  # line 6 not a number
    ).encode()
    with pytest.raises(ImportRejected) as info:
        indicator_values_import(actor=None, data=data)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 4
    assert messages[0].startswith("Zeile 3:") and "Unbekannter Ortsteil" in messages[0]
    assert messages[1].startswith("Zeile 4:") and "kein gültiges Jahr" in messages[1]
    assert messages[2].startswith("Zeile 5:") and "Doppeltes Jahr" in messages[2]
    assert "Zeile 2" in messages[2]
    assert messages[3].startswith("Zeile 6:") and "keine Zahl" in messages[3]
    assert IndicatorValue.objects.count() == 0


def test_wrong_header_is_rejected_with_the_expected_columns(districts):
    data = b"stadtteil;jahr;index\n5;2020;1\n"
    with pytest.raises(ImportRejected) as info:
        indicator_values_import(actor=None, data=data)
    message = str(info.value.problems[0])
    assert "Zeile 1" in message and "Falsche Kopfzeile" in message
    assert "stadtteil" in message and "sozialindex" in message
    assert IndicatorValue.objects.count() == 0


def test_year_already_stored_needs_replace(districts):
    first = (HEADER + "5;;2020;100;1;1\n").encode()
    indicator_values_import(actor=None, data=first)
    second = (HEADER + "5;;2020;110;1;1\n").encode()
    with pytest.raises(ImportRejected) as info:
        indicator_values_import(actor=None, data=second)
    assert "bereits Werte" in str(info.value.problems[0])
    result = indicator_values_import(actor=None, data=second, replace=True)
    assert result.replaced == 3
    assert IndicatorValue.objects.get(indicator__key="sozialindex").value == Decimal("110")


def test_windows_1252_file_with_comma_delimiter(districts):
    data = 'ortsteil,jahr,sozialindex\nBerliner Platz,2019,"99,5"\n'.encode("cp1252")
    result = indicator_values_import(actor=None, data=data)
    assert result.values == 1


def test_geojson_of_the_thinka_districts_imports_polygons():
    for number, name in [
        (5, "Berliner Platz"),
        (6, "Rieth"),
        (10, "Roter Berg"),
        (25, "Johannesplatz"),
    ]:
        DistrictFactory(number=number, name=name)
    result = district_shapes_import(
        actor=None, data=(DATA / "ortsteile_thinka.geojson").read_bytes(), source="Geoportal"
    )
    assert result.rows == 4
    rieth = District.objects.get(number=6)
    assert rieth.geometry["type"] in ("Polygon", "MultiPolygon")
    assert rieth.geometry_source == "Geoportal"


def test_geojson_that_is_not_a_polygon_is_rejected_clearly(districts):
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"nr": 5},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[11.0, 51.0], [11.1, 51.0], [11.1, 51.1], [11.0, 51.0]]],
                    },
                },
                {
                    "type": "Feature",
                    "properties": {"nr": 6},
                    "geometry": {"type": "Point", "coordinates": [11.0, 51.0]},
                },
            ],
        }
    ).encode()
    with pytest.raises(ImportRejected) as info:
        district_shapes_import(actor=None, data=data)
    assert "Objekt 2" in str(info.value.problems[0])
    assert "Point" in str(info.value.problems[0]) and "kein Polygon" in str(info.value.problems[0])
    assert not District.objects.filter(geometry__isnull=False).exists()


def test_upload_form_shows_every_problem_and_keeps_nothing(client, staff_user, districts):
    client.force_login(staff_user)
    upload = SimpleUploadedFile(
        "werte.csv", (HEADER + "77;;2020;1;1;1\n5;;1800;1;1;1\n").encode(), "text/csv"
    )
    response = client.post(
        reverse("standorte:data_import"),
        {"kind": "indicators", "werte-file": upload, "werte-source": "Atlas 2020"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Zeile 2:" in body and "Zeile 3:" in body
    assert "nichts importiert" in body
    assert 'value="Atlas 2020"' in body  # input kept
    assert IndicatorValue.objects.count() == 0


def test_upload_form_imports_good_file_with_success_message(client, staff_user, districts):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("werte.csv", (HEADER + "5;;2020;1,5;1;1\n").encode(), "text/csv")
    response = client.post(
        reverse("standorte:data_import"),
        {"kind": "indicators", "werte-file": upload, "werte-is_demo": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 Zeilen mit 3 Werten importiert" in response.content.decode()
    assert IndicatorValue.objects.filter(is_demo=True).count() == 3


def test_shape_upload_rejects_point(client, staff_user, districts):
    client.force_login(staff_user)
    data = json.dumps(
        {
            "type": "Feature",
            "properties": {"nr": 5},
            "geometry": {"type": "Point", "coordinates": [11, 51]},
        }
    ).encode()
    upload = SimpleUploadedFile("umrisse.geojson", data, "application/geo+json")
    response = client.post(
        reverse("standorte:data_import"), {"kind": "shapes", "umrisse-file": upload}
    )
    assert response.status_code == 400
    assert "kein Polygon" in response.content.decode()


def test_import_commands(tmp_path, districts):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "6;Rieth;2021;1,0;2,0;3,0\n", encoding="utf-8")
    call_command("import_indicators", str(good), "--demo")
    assert IndicatorValue.objects.filter(is_demo=True, year=2021).count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "6;Rieth;2022;x;2,0;3,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_indicators", str(bad))
    assert not IndicatorValue.objects.filter(year=2022).exists()


def test_indicator_csv_marks_demo_values_and_reimports(client, districts):
    indicator_values_import(
        actor=None, data=(HEADER + "5;;2020;1.234,5;25,1;41,0\n").encode(), is_demo=True
    )
    response = client.get(reverse("standorte:indicator_csv"))
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("ortsteil_nr;ortsteil;jahr;sozialindex;sgb_ii_quote")
    assert lines[1].startswith("5;Berliner Platz;2020;1234,500;25,100;41,000")
    assert lines[1].endswith("Demo-Werte")
    # The file is in the import format: importing it again replaces the same values.
    result = indicator_values_import(actor=None, data=response.content, replace=True)
    assert result.replaced == 3 and result.values == 3


def test_geojson_multipolygon_accepted_broken_ring_and_unknown_district_reported(districts):
    ring = [[11.0, 51.0], [11.1, 51.0], [11.1, 51.1], [11.0, 51.0]]
    good = {
        "type": "Feature",
        "properties": {"NAME": "Rieth"},
        "geometry": {"type": "MultiPolygon", "coordinates": [[ring], [ring]]},
    }
    open_ring = {
        "type": "Feature",
        "properties": {"nr": 5},
        "geometry": {"type": "Polygon", "coordinates": [ring[:-1]]},
    }
    unknown = {
        "type": "Feature",
        "properties": {"NAME": "Atlantis"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [good, open_ring, unknown]})
    with pytest.raises(ImportRejected) as info:
        district_shapes_import(actor=None, data=data.encode())
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert "Objekt 2" in messages[0] and "ungültige Koordinaten" in messages[0]
    assert "Objekt 3" in messages[1] and "Atlantis" in messages[1]
    assert not District.objects.filter(geometry__isnull=False).exists()
    data = json.dumps({"type": "FeatureCollection", "features": [good]})
    assert district_shapes_import(actor=None, data=data.encode()).rows == 1
    assert District.objects.get(name="Rieth").geometry["type"] == "MultiPolygon"
    with pytest.raises(ImportRejected, match="Keine gültige GeoJSON-Datei"):
        district_shapes_import(actor=None, data=b"{nicht json")
