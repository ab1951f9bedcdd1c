"""The plan's structure follows the seed, with one profile section per Sozialraum."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from leitlinien.models import PlanExport, PlanText
from leitlinien.plan import plan_build
from standorte.models import Indicator, Recommendation
from standorte.services import indicators_ensure_defaults
from tests.standorte.factories import (
    DistrictFactory,
    IndicatorValueFactory,
    RecommendationFactory,
    SiteProposalFactory,
    SocialAreaFactory,
)

from .factories import MeasureFactory

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[11.0, 50.9], [11.02, 50.9], [11.02, 50.92], [11.0, 50.92], [11.0, 50.9]]],
}

CHAPTERS = [
    "1 Sozialpolitische Leitlinien",
    "2 Maßnahmen nach Planungsebene",
    "3 Bedarfe nach Planungsebene",
    "4 Sozialraumprofile",
    "5 Strategie für Quartiersarbeit und Quartiersmanagement",
    "6 Standortempfehlungen",
    "Anlage: Abwägungstabellen",
]


@pytest.fixture
def areas():
    indicators_ensure_defaults()
    sgb = Indicator.objects.get(key="sgb_ii_quote")
    herrenberg = SocialAreaFactory(number=7, name="Herrenberg")
    roter_berg = SocialAreaFactory(number=3, name="Roter Berg")
    district = DistrictFactory(name="Herrenberg Ost", social_area=herrenberg, geometry=SQUARE)
    for year, index, quote in [(2020, "120.0", "18.0"), (2021, "125.5", "17.2")]:
        IndicatorValueFactory(district=district, year=year, value=Decimal(index))
        IndicatorValueFactory(district=district, indicator=sgb, year=year, value=Decimal(quote))
    other = DistrictFactory(name="Roter Berg Nord", social_area=roter_berg)
    IndicatorValueFactory(district=other, year=2021, value=Decimal("98.0"))
    MeasureFactory(title="Stadtteilbüro Herrenberg", social_areas="herrenberg, Wiesenhügel")
    MeasureFactory(title="Beratung gesamtstädtisch", social_areas="gesamtstädtisch")
    MeasureFactory(title="Treff im Ortsteil", social_areas="Roter Berg Nord, Herrenberg Ost")
    site = SiteProposalFactory(district=district, name="Treff am Drosselberg")
    RecommendationFactory(
        site=site,
        project=site.project,
        recommended_on=date(2023, 2, 1),
        decision=Recommendation.Decision.AGREED,
        decision_date=date(2023, 3, 2),
    )
    PlanText.objects.create(
        key=PlanText.Key.STUDY_FINDINGS, body="Die Studie vergleicht Kommunen.\n\nZweiter Absatz."
    )
    return herrenberg, roter_berg


def _pdf_text(export) -> str:
    reader = PdfReader(io.BytesIO(export.pdf.read()))
    # one space for every run of white space: headings wrap at the page's width
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _positions(text: str, needles: list[str]) -> list[int]:
    return [text.index(n) for n in needles]


def test_pdf_has_the_seed_chapters_in_order_and_a_profile_per_social_area(areas):
    export = plan_build(PlanExport.objects.create().pk)
    text = _pdf_text(export)
    body = text[text.index("1 Sozialpolitische Leitlinien", text.index("Anlage: Abw") + 1) :]
    chapters = _positions(body, CHAPTERS)
    assert chapters == sorted(chapters), chapters
    profiles = body[body.index("4 Sozialraumprofile") : body.index("5 Strategie für")]
    # one section per area in area number order, each with its indicators and values
    roter, herren = profiles.index("4.1 Roter Berg"), profiles.index("4.2 Herrenberg")
    assert roter < herren
    herrenberg = profiles[herren:]
    assert "Sozialindex" in herrenberg and "SGB-II-Quote (%)" in herrenberg
    assert "125,5 (2021)" in herrenberg and "120,0 (2020)" in herrenberg and "+5,5" in herrenberg
    assert "17,2 (2021)" in herrenberg and "-0,8" in herrenberg
    # the measure that names the area (matched by name, any case) and the site recommendation
    assert "Stadtteilbüro Herrenberg" in herrenberg
    assert "Beratung gesamtstädtisch" not in profiles
    assert "Treff am Drosselberg (Herrenberg Ost)" in herrenberg
    # a measure that names an Ortsteil belongs to the Ortsteil's area
    assert "Treff im Ortsteil" in profiles[roter:herren] and "Treff im Ortsteil" in herrenberg
    assert "Die Studie vergleicht Kommunen." in body
    assert "Treff am Drosselberg" in body[body.index("6 Standortempfehlungen") :]


def test_pdf_draws_the_chart_and_the_map_as_svg(areas):
    from leitlinien.selectors import plan_content

    profiles = {p["profile"].name: p for p in plan_content()["profiles"]}
    herrenberg = profiles["Herrenberg"]
    chart, map_ = str(herrenberg["chart"].svg()), str(herrenberg["map"].svg())
    assert chart.startswith("<svg") and "<polyline" in chart and "2020" in chart
    assert "<polygon" in map_ and "Herrenberg Ost" in map_
    assert profiles["Roter Berg"]["map"] is None  # no shape, no empty map


def test_docx_has_the_seed_chapters_in_order_a_profile_per_area_and_the_figures(areas):
    export = plan_build(PlanExport.objects.create().pk)
    document = Document(export.docx.path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Inhaltsverzeichnis", *CHAPTERS]
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "4.1 Roter Berg" in level2 and "4.2 Herrenberg" in level2
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "SGB-II-Quote (%)" in cells and "125,5 (2021)" in cells and "+5,5" in cells
    # Herrenberg: chart and map; Roter Berg: chart (one year) and no map
    assert len(document.inline_shapes) == 3
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Stadtteilbüro Herrenberg (Sozialraum/Quartier" in paragraphs


def test_png_figure_is_an_image():
    from erfurt_srp.exports.figures import line_chart

    png = line_chart([(2020, 1), (2021, 2)], title="Test").png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_figure_text_is_escaped():
    from erfurt_srp.exports.figures import shape_map

    figure = shape_map([("<script>", SQUARE)], title="a & b")
    svg = str(figure.svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_profiles_name_the_source_and_licence_of_their_indicators(areas):
    """The plan is an export where the values appear: their source and licence go with them."""
    Indicator.objects.filter(key="sgb_ii_quote").update(
        source="Jobcenter Erfurt", licence="dl-de/by-2-0", reference_date=date(2021, 12, 31)
    )
    export = plan_build(PlanExport.objects.create().pk)
    text = _pdf_text(export)
    body = text[text.index("1 Sozialpolitische Leitlinien", text.index("Anlage: Abw") + 1) :]
    profiles = body[body.index("4 Sozialraumprofile") : body.index("5 Strategie für")]
    assert "Quellen: Jobcenter Erfurt, dl-de/by-2-0, Stand 31.12.2021" in profiles
    paragraphs = [p.text for p in Document(export.docx.path).paragraphs]
    assert any("Jobcenter Erfurt, dl-de/by-2-0" in p for p in paragraphs)
