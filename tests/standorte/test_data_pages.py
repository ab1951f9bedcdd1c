"""Staff pages for the data: upload -> preview -> confirm, indicator definitions; the public
map page with legend, table and (only when configured) a base map."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standorte.models import District, ImportUpload, Indicator, IndicatorValue

from .factories import DistrictFactory, SocialAreaFactory

pytestmark = pytest.mark.django_db

RING = [[11.0, 51.0], [11.1, 51.0], [11.1, 51.1], [11.0, 51.0]]


@pytest.fixture
def districts():
    return [
        DistrictFactory(number=5, name="Berliner Platz", area_km2=Decimal("0.49")),
        DistrictFactory(number=6, name="Rieth", area_km2=Decimal("1.23")),
    ]


def _upload(client, kind, prefix, name, content, **fields):
    data = {"kind": kind, f"{prefix}-file": SimpleUploadedFile(name, content)}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return client.post(reverse("standorte:data_import"), data)


def test_upload_previews_counts_and_first_changes_then_confirm_imports(
    client, staff_user, districts
):
    client.force_login(staff_user)
    content = "nr;name;Fläche (km²)\r\n5;Berliner Platz;0,49\r\n6;Rieth;2,5\r\n9;Neu;1\r\n"
    response = _upload(client, "districts", "ortsteile", "ot.csv", content.encode("cp1252"))
    upload = ImportUpload.objects.get()
    assert response.status_code == 302 and response.url == upload.get_absolute_url()
    page = client.get(upload.get_absolute_url()).content.decode()
    assert '<dd id="count-new">1</dd>' in page
    assert '<dd id="count-changed">1</dd>' in page
    assert '<dd id="count-unchanged">1</dd>' in page
    assert "Fläche: 1,23 → 2,5" in page and "9 Neu" in page
    assert District.objects.get(number=6).area_km2 == Decimal("1.23")  # nothing written yet
    response = client.post(
        upload.get_absolute_url(), {"action": "confirm", "sha256": upload.sha256}, follow=True
    )
    assert "1 neu, 1 geändert, 1 unverändert" in response.content.decode()
    assert District.objects.get(number=6).area_km2 == Decimal("2.5")
    assert District.objects.filter(number=9).exists()
    assert not ImportUpload.objects.exists()


def test_confirm_with_another_files_hash_imports_nothing(client, staff_user, districts):
    client.force_login(staff_user)
    _upload(client, "districts", "ortsteile", "ot.csv", b"nr;name\n6;Rieth neu\n")
    upload = ImportUpload.objects.get()
    client.post(upload.get_absolute_url(), {"action": "confirm", "sha256": "0" * 64})
    assert District.objects.get(number=6).name == "Rieth"
    assert ImportUpload.objects.exists()


def test_discard_forgets_the_upload(client, staff_user, districts):
    client.force_login(staff_user)
    _upload(client, "districts", "ortsteile", "ot.csv", b"nr;name\n6;Rieth neu\n")
    upload = ImportUpload.objects.get()
    client.post(upload.get_absolute_url(), {"action": "discard"})
    assert not ImportUpload.objects.exists()
    assert District.objects.get(number=6).name == "Rieth"


def test_broken_upload_lists_every_problem_keeps_input_and_stores_nothing(
    client, staff_user, districts
):
    client.force_login(staff_user)
    content = b"ortsteil_nr;jahr;sozialindex\n77;2020;1\n5;1800;1\n"
    response = _upload(client, "indicators", "werte", "werte.csv", content, source="Atlas 2020")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Zeile 2, Spalte „ortsteil_nr“" in body and "Zeile 3, Spalte „jahr“" in body
    assert "werte.csv" in body and "nichts importiert" in body
    assert 'value="Atlas 2020"' in body
    assert not ImportUpload.objects.exists() and not IndicatorValue.objects.exists()


def test_indicator_and_shape_uploads_keep_their_options(client, staff_user, districts):
    client.force_login(staff_user)
    _upload(
        client,
        "indicators",
        "werte",
        "werte.csv",
        b"ortsteil_nr;jahr;sozialindex\n5;2020;1,5\n",
        is_demo="on",
        source="Atlas",
    )
    upload = ImportUpload.objects.get()
    client.post(upload.get_absolute_url(), {"action": "confirm", "sha256": upload.sha256})
    value = IndicatorValue.objects.get()
    assert (value.value, value.is_demo, value.source) == (Decimal("1.5"), True, "Atlas")
    feature = {"type": "Feature", "properties": {"nr": 5}, "geometry": {"type": "Point"}}
    response = _upload(
        client, "shapes", "umrisse", "u.geojson", json.dumps(feature).encode(), source="Geo"
    )
    assert response.status_code == 400 and "kein Polygon" in response.content.decode()


def test_other_staff_cannot_open_my_upload(client, staff_user, admin_user, districts):
    client.force_login(staff_user)
    _upload(client, "districts", "ortsteile", "ot.csv", b"nr;name\n6;Rieth neu\n")
    upload = ImportUpload.objects.get()
    client.force_login(admin_user)
    assert client.get(upload.get_absolute_url()).status_code == 404
    assert client.post(upload.get_absolute_url(), {"sha256": upload.sha256}).status_code == 404
    assert District.objects.get(number=6).name == "Rieth"


# --- indicators -----------------------------------------------------------------------------


def test_staff_define_an_indicator_and_its_source_shows_with_the_values(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("standorte:indicator_create"),
        {
            "name": "Wohnfläche je Kopf",
            "key": "wohnflaeche",
            "unit": "m²",
            "better": "higher",
            "source": "Kommunalstatistik Erfurt",
            "licence": "DL-DE/BY-2.0",
            "reference_date": "2023-12-31",
            "order": "50",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(key="wohnflaeche")
    assert indicator.better == Indicator.Better.HIGHER
    district = DistrictFactory(number=6, name="Rieth")
    IndicatorValue.objects.create(
        district=district, indicator=indicator, year=2023, value=Decimal("31.5")
    )
    credit = "Kommunalstatistik Erfurt, DL-DE/BY-2.0, Stand 31.12.2023"
    for url in (reverse("standorte:area_list"), district.social_area.get_absolute_url()):
        assert credit in client.get(url).content.decode()
    listing = client.get(reverse("standorte:indicator_list")).content.decode()
    assert "Kommunalstatistik Erfurt" in listing and "31.12.2023" in listing


def test_indicator_key_may_not_be_a_fixed_column(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("standorte:indicator_create"),
        {"name": "Jahr", "key": "jahr", "better": "lower", "order": "1"},
    )
    assert response.status_code == 200
    assert "gehört schon zu einer festen Spalte" in response.content.decode()
    assert not Indicator.objects.filter(key="jahr").exists()
    response = client.post(
        reverse("standorte:indicator_create"),
        {"name": "SGB-II-Quote", "key": "sgb2", "better": "lower", "order": "1"},
    )
    assert "dem Indikator „SGB-II-Quote“" in response.content.decode()
    assert not Indicator.objects.filter(key="sgb2").exists()


def test_making_an_indicator_the_index_takes_the_role_from_the_old_one(client, staff_user):
    client.force_login(staff_user)
    quota = Indicator.objects.get(key="sgb_ii_quote")
    response = client.post(
        reverse("standorte:indicator_edit", args=[quota.pk]),
        {"name": quota.name, "key": quota.key, "better": "lower", "order": "1", "is_index": "on"},
    )
    assert response.status_code == 302
    assert list(Indicator.objects.filter(is_index=True).values_list("key", flat=True)) == [
        "sgb_ii_quote"
    ]


@pytest.mark.parametrize("extra", [0, 20])
def test_indicator_list_query_count_does_not_grow(
    client, staff_user, django_assert_max_num_queries, extra
):
    for n in range(extra):
        Indicator.objects.create(key=f"extra_{n}", name=f"Extra {n}", source="S", licence="L")
    client.force_login(staff_user)
    # session, user, membership check of the layout, the indicators with their value counts
    with django_assert_max_num_queries(6):
        response = client.get(reverse("standorte:indicator_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 6 + extra  # header + 5 defaults + extra


# --- map ------------------------------------------------------------------------------------


@pytest.fixture
def mapped():
    area = SocialAreaFactory(name="Nord")
    index = Indicator.objects.get(key="sozialindex")
    quota = Indicator.objects.get(key="sgb_ii_quote")
    quota.better = Indicator.Better.LOWER
    quota.source, quota.licence = "Jobcenter", "DL-DE/BY-2.0"
    quota.save()
    made = []
    for number, name, value in [(5, "Berliner Platz", "10"), (6, "Rieth", "50"), (7, "X", None)]:
        district = DistrictFactory(
            number=number,
            name=name,
            social_area=area,
            geometry={"type": "Polygon", "coordinates": [RING]},
            geometry_source="Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0",
        )
        if value:
            IndicatorValue.objects.create(
                district=district, indicator=quota, year=2022, value=Decimal(value)
            )
            IndicatorValue.objects.create(
                district=district, indicator=index, year=2022, value=Decimal(value) * 3
            )
        made.append(district)
    DistrictFactory(number=8, name="Ohne Umriss", social_area=area)
    return made


def _island(html: str, map_id: str) -> dict:
    start = html.index(f'<script id="{map_id}-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_map_page_colours_by_the_chosen_indicator_with_legend_and_table(client, mapped):
    html = client.get(
        reverse("standorte:district_map") + "?indikator=sgb_ii_quote"
    ).content.decode()
    data = _island(html, "map-districts")
    fills = {f["properties"]["name"]: f["properties"]["fill"] for f in data["features"]["features"]}
    assert fills == {"Berliner Platz": "#f1eef6", "Rieth": "#045a8d", "X": "#ffffff"}
    assert data["tiles"] is None
    assert "Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0" in data["attribution"]
    assert "SGB-II-Quote: Jobcenter, DL-DE/BY-2.0" in data["attribution"]
    assert "Legende" in html and "ungünstigste Stufe" in html and "kein Wert (1 Ortsteil)" in html
    assert '<table id="map-districts-table">' in html
    table = html[html.index('<table id="map-districts-table">') :]
    assert "Berliner Platz" in table and "<td>50</td>" in table
    assert "Ohne Umriss" not in html  # only Ortsteile with a shape are on the map
    assert "<script>" not in html.split("<body", 1)[1].replace('type="application/json"', "")


def test_higher_is_better_reverses_the_colours(client, mapped):
    Indicator.objects.filter(key="sgb_ii_quote").update(better=Indicator.Better.HIGHER)
    html = client.get(
        reverse("standorte:district_map") + "?indikator=sgb_ii_quote"
    ).content.decode()
    fills = {
        f["properties"]["name"]: f["properties"]["fill"]
        for f in _island(html, "map-districts")["features"]["features"]
    }
    assert fills["Berliner Platz"] == "#045a8d" and fills["Rieth"] == "#f1eef6"


def test_base_map_only_when_configured(client, mapped, settings):
    html = client.get(reverse("standorte:district_map")).content.decode()
    assert _island(html, "map-districts")["tiles"] is None
    settings.STANDORTE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.STANDORTE_MAP_TILE_ATTRIBUTION = "© Beispiel-Kacheln"
    html = client.get(reverse("standorte:district_map")).content.decode()
    assert _island(html, "map-districts")["tiles"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© Beispiel-Kacheln",
    }


def test_map_hides_districts_of_non_public_areas_from_the_public(client, mapped, staff_user):
    hidden = SocialAreaFactory(is_public=False)
    District.objects.filter(number=7).update(social_area=hidden)
    html = client.get(reverse("standorte:district_map")).content.decode()
    names = [
        f["properties"]["name"] for f in _island(html, "map-districts")["features"]["features"]
    ]
    assert names == ["Berliner Platz", "Rieth"]
    client.force_login(staff_user)
    html = client.get(reverse("standorte:district_map")).content.decode()
    assert len(_island(html, "map-districts")["features"]["features"]) == 3


def test_project_and_comparison_pages_name_source_and_licence(client, committee):
    from .factories import SiteProposalFactory

    proposal = SiteProposalFactory(project__committee=committee)
    index = Indicator.objects.get(key="sozialindex")
    index.source, index.licence = "Sozialstrukturatlas 2020", "DL-DE/BY-2.0"
    index.save()
    IndicatorValue.objects.create(
        district=proposal.district, indicator=index, year=2020, value=Decimal("120")
    )
    project = proposal.project
    for url in (
        project.get_absolute_url(),
        reverse("standorte:proposal_compare", args=[project.slug]),
    ):
        html = client.get(url).content.decode()
        assert "Sozialindex: Sozialstrukturatlas 2020, DL-DE/BY-2.0" in html, url
