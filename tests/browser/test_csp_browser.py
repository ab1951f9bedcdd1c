"""Under the Content-Security-Policy the Leaflet map draws and htmx swaps, and the browser
reports no violation (securitypolicyviolation events and console messages)."""

from decimal import Decimal
from pathlib import Path

import pytest

from standorte.models import District, ExportJob, Indicator, IndicatorValue, SocialArea
from standorte.services import indicators_ensure_defaults
from standorte.services_import import district_shapes_import
from tests.browser.conftest import _axe_hooks, _playwright, browser, login_as, page  # noqa: F401

DATA = Path(__file__).resolve().parents[2] / "standorte" / "data"

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _areas_with_shapes():
    indicators_ensure_defaults()  # a transactional test before may have flushed them
    area = SocialArea.objects.create(number=2, name="Großwohnsiedlungen Nord")
    index = Indicator.objects.get(key="sozialindex")
    for number, name, value in [
        (5, "Berliner Platz", "161.6"),
        (6, "Rieth", "162.6"),
        (10, "Roter Berg", "142.9"),
        (25, "Johannesplatz", "144.3"),
    ]:
        district = District.objects.create(number=number, name=name, social_area=area)
        IndicatorValue.objects.create(
            district=district, indicator=index, year=2022, value=Decimal(value)
        )
    district_shapes_import(
        actor=None, data=(DATA / "ortsteile_thinka.geojson").read_bytes(), source="Geoportal"
    )


@pytest.mark.browser
def test_map_and_htmx_work_without_csp_violations(page, live_server, login_as, staff_user):  # noqa: F811
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    _areas_with_shapes()

    response = page.goto(live_server.url + "/standorte/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 4
    assert "Rieth: 162,6" in page.locator(".leaflet-tooltip").all_inner_texts()
    violations = page.evaluate("() => window.__cspViolations")

    # htmx: a running export polls its status every 2 s and swaps in the result.
    login_as(staff_user)
    job = ExportJob.objects.create(
        format=ExportJob.Format.CSV, state=ExportJob.State.RUNNING, requested_by=staff_user
    )
    page.goto(live_server.url + job.get_absolute_url())
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        pass
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="Testfehler")
    page.get_by_text("Der Export ist fehlgeschlagen.").wait_for()
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    violations += page.evaluate("() => window.__cspViolations")

    assert violations == []
    assert [text for text in console if "Content Security Policy" in text] == []
