"""The area page in a real browser: Leaflet draws the Ortsteile without a tile server, with the
Geoportal attribution and a label per Ortsteil; axe-core finds no serious violation (the harness
of tests/browser checks every page load)."""

from decimal import Decimal
from pathlib import Path

import pytest

from standorte.models import GEOPORTAL_ATTRIBUTION, District, Indicator, IndicatorValue, SocialArea
from standorte.services_import import district_shapes_import
from tests.browser.conftest import _axe_hooks, _playwright, browser, login_as, page  # noqa: F401

DATA = Path(__file__).resolve().parents[2] / "standorte" / "data"


@pytest.mark.browser
def test_area_map_draws_polygons_with_labels_and_attribution(page, live_server):  # noqa: F811
    area = SocialArea.objects.create(number=2, name="Großwohnsiedlungen Nord", is_demo=True)
    index = Indicator.objects.get(key="sozialindex")
    for number, name, value in [
        (5, "Berliner Platz", "161.6"),
        (6, "Rieth", "162.6"),
        (10, "Roter Berg", "142.9"),
        (25, "Johannesplatz", "144.3"),
    ]:
        district = District.objects.create(number=number, name=name, social_area=area)
        IndicatorValue.objects.create(
            district=district, indicator=index, year=2022, value=Decimal(value), is_demo=True
        )
    district_shapes_import(
        actor=None,
        data=(DATA / "ortsteile_thinka.geojson").read_bytes(),
        source=GEOPORTAL_ATTRIBUTION,
    )
    page.goto(live_server.url + "/standorte/")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 4
    labels = page.locator(".leaflet-tooltip").all_inner_texts()
    assert "Rieth: 162,6" in labels
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0" in attribution
    assert page.get_by_text("Demo-Werte:").is_visible()
    page.get_by_role("link", name="Großwohnsiedlungen Nord").first.click()
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("table").first.is_visible()


@pytest.mark.browser
def test_map_page_draws_every_shape_with_legend_table_and_no_outside_request(
    page,  # noqa: F811
    live_server,
):
    area = SocialArea.objects.create(number=2, name="Großwohnsiedlungen Nord")
    quota = Indicator.objects.get(key="sgb_ii_quote")
    Indicator.objects.filter(pk=quota.pk).update(source="Jobcenter Erfurt", licence="DL-DE/BY-2.0")
    for number, name, value in [
        (5, "Berliner Platz", "31.5"),
        (6, "Rieth", "-2.5"),
        (10, "Roter Berg", "20"),
        (25, "Johannesplatz", None),
    ]:
        district = District.objects.create(number=number, name=name, social_area=area)
        if value is not None:
            IndicatorValue.objects.create(
                district=district, indicator=quota, year=2022, value=Decimal(value)
            )
    district_shapes_import(
        actor=None,
        data=(DATA / "ortsteile_thinka.geojson").read_bytes(),
        source=GEOPORTAL_ATTRIBUTION,
    )
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/standorte/karte/")
    page.get_by_label("Indikator").select_option("sgb_ii_quote")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 4
    assert "Rieth: -2,5" in page.locator(".leaflet-tooltip").all_inner_texts()
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert GEOPORTAL_ATTRIBUTION in attribution and "Jobcenter Erfurt" in attribution
    legend = page.locator("#map-districts-legend")
    assert legend.is_visible() and "SGB-II-Quote" in legend.inner_text()
    assert "kein Wert (1 Ortsteil)" in legend.inner_text()
    table = page.get_by_role("table", name="Die Ortsteile der Karte mit ihren Werten")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 4
    assert "-2,5" in table.inner_text()
    fills = page.locator("path.leaflet-interactive").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    assert "#045a8d" in fills and "#ffffff" in fills
    assert not page.locator("img.leaflet-tile").count()
    assert outside == []


@pytest.mark.browser
def test_staff_pages_pass_axe(page, live_server, login_as, staff_user, committee):  # noqa: F811
    from tests.standorte.factories import RecommendationFactory, SiteProposalFactory

    recommendation = RecommendationFactory(site=SiteProposalFactory(project__committee=committee))
    project = recommendation.project
    login_as(staff_user)
    for path in [
        project.get_absolute_url(),
        f"/standorte/projekte/{project.slug}/vergleich/",
        f"/standorte/projekte/{project.slug}/vorschlag/",
        "/standorte/empfehlungen/",
        recommendation.get_absolute_url(),
        "/standorte/import/",
        "/standorte/indikatoren/",
        "/standorte/indikatoren/neu/",
        "/standorte/exporte/",
    ]:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1
    page.get_by_label("Zeitraum von").fill("2030-01-01")
    page.get_by_role("button", name="Export erstellen").click()
    assert page.get_by_text("es wurde nichts exportiert").is_visible()
