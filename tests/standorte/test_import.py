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
from standorte.services_import import district_shapes_import, indicator_values_import

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
