"""Demo data for standorte. Idempotent.

Real: the 53 Ortsteile (number, name, area), the boundaries of the four ThINKA Ortsteile and the
four ThINKA sites (standorte/data, see its README for sources and licence).
Invented and marked as such: the grouping into social areas and every indicator value.
"""

import csv
import hashlib
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from .models import (
    GEOPORTAL_ATTRIBUTION,
    District,
    Indicator,
    IndicatorValue,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
    SocialArea,
)

DATA = Path(__file__).resolve().parent / "data"
DEMO_SOURCE = "Demo-Werte (erfunden, keine amtlichen Daten)"
DEMO_YEARS = range(2018, 2023)

# Demo grouping of the 53 Ortsteile into social areas (not an official division).
DEMO_AREAS = [
    (1, "Innenstadt", [1, 2, 3, 4, 7, 8], 0.2),
    (2, "Großwohnsiedlungen Nord", [5, 6, 10, 23, 25], 1.6),
    (3, "Nördliche Vorstädte und Ortschaften", [22, 24, 26, 27, 28, 41, 42, 45], 0.0),
    (4, "Großwohnsiedlungen Südost", [13, 14, 15], 1.1),
    (
        5,
        "Östliche Stadtteile und Ortschaften",
        [9, 11, 12, 29, 30, 31, 32, 33, 34, 46, 48, 52, 53],
        -0.4,
    ),
    (6, "Südliche Stadtteile und Ortschaften", [16, 17, 18, 35, 36, 37, 49], -0.6),
    (7, "Westliche Ortschaften", [19, 20, 21, 38, 39, 40, 43, 44, 47, 50, 51], -0.7),
]
# The Sozialstrukturatlas 2020 names these two as the least favourable; demo values follow that.
LEAST_FAVOURABLE = {5: 0.6, 6: 0.7}


def _noise(*parts) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return (digest[0] / 255.0) - 0.5


def seed_districts() -> None:
    with (DATA / "ortsteile.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            District.objects.update_or_create(
                number=int(row["nr"]),
                defaults={"name": row["name"], "area_km2": Decimal(row["flaeche_km2"])},
            )


def seed_areas() -> None:
    for number, name, district_numbers, _level in DEMO_AREAS:
        area, _created = SocialArea.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "is_demo": True,
                "description": _(
                    "Demo-Zuordnung der Ortsteile zu einem Sozialraum (keine amtliche Gliederung)."
                ),
            },
        )
        District.objects.filter(number__in=district_numbers).update(social_area=area)
    _area_data_changed()


def seed_values() -> None:
    indicators = {i.key: i for i in Indicator.objects.all()}
    if IndicatorValue.objects.filter(is_demo=False).exists():
        return  # real data was imported: never mix demo values into it
    level_by_district = {}
    for _number, _name, district_numbers, level in DEMO_AREAS:
        for n in district_numbers:
            level_by_district[n] = level + LEAST_FAVOURABLE.get(n, 0)
    existing = set(IndicatorValue.objects.values_list("district_id", "indicator_id", "year"))
    rows = []
    for district in District.objects.all():
        level = level_by_district.get(district.number, 0.0)
        for year in DEMO_YEARS:
            drift = (year - 2018) * 0.03 * (1 if level > 0.5 else -1)
            base = level + drift + 0.3 * _noise(district.number, year)
            values = {
                "sozialindex": 100 + 25 * base,
                "sgb_ii_quote": max(1.0, 9 + 9 * base + _noise("sgb", district.number, year)),
                "kinderarmut": max(2.0, 15 + 16 * base + 2 * _noise("k", district.number, year)),
                "arbeitslosenquote": max(1.0, 6 + 4 * base + _noise("a", district.number, year)),
                "anteil_aeltere": 24 + 4 * _noise("ae", district.number) - 2 * base,
            }
            for key, value in values.items():
                indicator = indicators.get(key)
                if indicator is None or (district.pk, indicator.pk, year) in existing:
                    continue
                rows.append(
                    IndicatorValue(
                        district=district,
                        indicator=indicator,
                        year=year,
                        value=Decimal(str(round(value, 1))),
                        is_demo=True,
                        source=DEMO_SOURCE,
                    )
                )
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    _area_data_changed()


def _area_data_changed() -> None:
    from .services import area_data_changed

    area_data_changed()


def seed_shapes() -> None:
    from .services_import import district_shapes_import

    if District.objects.filter(geometry__isnull=False).exists():
        return
    district_shapes_import(
        actor=None,
        data=(DATA / "ortsteile_thinka.geojson").read_bytes(),
        source=GEOPORTAL_ATTRIBUTION,
    )


def _begleitgremium():
    from gremium.models import Committee

    committee = Committee.objects.filter(kind=Committee.Kind.ACCOMPANYING).order_by("pk").first()
    if committee is None:
        committee, _created = Committee.objects.get_or_create(
            slug="begleitgremium",
            defaults={
                "name": "Begleitgremium integrierte Sozialraumplanung",
                "short_name": "Begleitgremium",
                "kind": Committee.Kind.ACCOMPANYING,
            },
        )
    return committee


HOUSING_PARTNERS = [
    "Kommunale Wohnungsgesellschaft Erfurt mbH",
    "TAG Wohnen & Service GmbH",
    "Wohnungsbaugenossenschaft Zukunft eG",
    "Wohnungsbaugenossenschaft Erfurt eG",
]


def seed_thinka() -> NeighbourhoodProject:
    from gremium.models import Institution

    project, _created = NeighbourhoodProject.objects.get_or_create(
        slug="thinka-erfurt",
        defaults={
            "name": "ThINKA Erfurt",
            "aim": (
                "ThINKA (Thüringer Initiative für Integration, Nachhaltigkeit, Kooperation und "
                "Aktivierung) stärkt in Ortsteilen mit ungünstiger Sozialstruktur Nachbarschaft "
                "und Teilhabe: Anlaufstellen im Quartier beraten, vernetzen und aktivieren die "
                "Bewohnerinnen und Bewohner."
            ),
            "funding": (
                "Europäischer Sozialfonds (ESF) und Freistaat Thüringen; Kofinanzierung durch die "
                "Landeshauptstadt Erfurt und die beteiligten Wohnungsunternehmen, die auch Räume "
                "stellen."
            ),
            "lead_organisation": "MitMenschen e. V., Caritas, Kontakt in Krisen e. V.",
            "partners_text": "; ".join(HOUSING_PARTNERS),
            "committee": _begleitgremium(),
        },
    )
    partners = list(Institution.objects.filter(name__in=HOUSING_PARTNERS))
    if partners:
        project.partners.add(*partners)
        # Name in the text only the partners that are not institutions of the committee.
        known = {p.name for p in partners}
        project.partners_text = "; ".join(n for n in HOUSING_PARTNERS if n not in known)
        project.save(update_fields=["partners_text"])
    districts = {d.number: d for d in District.objects.all()}
    with (DATA / "thinka_standorte.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            district = districts[int(row["ortsteil_nr"])]
            SiteProposal.objects.get_or_create(
                project=project,
                address=row["adresse"],
                defaults={
                    "district": district,
                    "name": row["anlaufstelle"] or f"Anlaufstelle {district.name}",
                    "rationale": (
                        f"Bestehende ThINKA-Anlaufstelle seit {row['seit'][:4]} "
                        f"(Träger: {row['traeger']}). Der Ortsteil {district.name} gehört zu den "
                        "Großwohnsiedlungen mit ungünstiger Sozialstruktur."
                    ),
                    "proposer": "Amt für Soziales",
                    "note": f"Quellenhinweis: {row['hinweis']}",
                    "is_demo": True,
                },
            )
    return project


# Where the demo's Drucksache numbers continue, as staff set it after the city's own numbers
# (1803/22 was given in October 2022).
DEMO_PAPER_NUMBERS = {2022: 1650}
DEMO_PAPER_NUMBER_THIS_YEAR = 1201


def seed_paper_numbers() -> None:
    from django.utils import timezone

    from gremium.models import PaperNumberSequence
    from gremium.services import papers as paper_services

    starts = DEMO_PAPER_NUMBERS | {timezone.localdate().year: DEMO_PAPER_NUMBER_THIS_YEAR}
    for year, next_number in starts.items():
        if not PaperNumberSequence.objects.filter(year=year).exists():
            paper_services.paper_number_sequence_set(actor=None, year=year, next_number=next_number)


def seed_recommendation(project: NeighbourhoodProject) -> None:
    """One demo recommendation (Roter Berg) with its Drucksache, plainly marked as demo."""
    from datetime import date

    from .services import _paper_for, schedule_paper_pdf

    if project.recommendations.exists():
        return
    site = project.proposals.filter(district__number=10).first()
    if site is None:
        return
    institutions = list(project.committee.institutions.order_by("name"))
    annex = [
        {
            "institution": institution.name,
            "text": "Demo-Stellungnahme: Die Institution befürwortet den Standort Roter Berg "
            "wegen der ungünstigen Sozialstruktur und der Räume der Wohnungsunternehmen.",
        }
        for institution in institutions
    ] or [{"institution": "Amt für Soziales", "text": "Demo-Stellungnahme: befürwortet."}]
    on = date(2022, 9, 13)
    recommendation = Recommendation.objects.create(
        project=project,
        site=site,
        title="Empfehlung zum Standort ThINKA Erfurt: Roter Berg (Demo)",
        text=(
            "Demo-Empfehlung (keine amtliche Drucksache). Das Begleitgremium hat über die "
            "Standortvorschläge für das Quartiersprojekt ThINKA Erfurt beraten; jede "
            "vertretene Institution hat ihre fachliche Stellungnahme abgegeben (Anlage 1).\n\n"
            f"Das Gremium empfiehlt dem Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung "
            f"den Standort {site.address} im Ortsteil Roter Berg."
        ),
        vote_result="Demo: angenommen (15 Ja, 1 Nein, 2 Enthaltungen)",
        vote_detail={
            "kind": "yes_no",
            "result": "carried",
            "method": "online",
            "ballot_unit": "institution",
            "participants": 18,
            "eligible": 18,
            "quorum": 10,
            "options": [
                {"key": "yes", "label": "Ja", "votes": 15, "points": None},
                {"key": "no", "label": "Nein", "votes": 1, "points": None},
                {"key": "abstain", "label": "Enthaltung", "votes": 2, "points": None},
            ],
        },
        votes_yes=15,
        votes_no=1,
        votes_abstain=2,
        annex=annex,
        recommended_on=on,
    )
    recommendation.paper = _paper_for(
        recommendation, actor=None, committee=project.committee, vote_date=on
    )
    recommendation.save(update_fields=["paper"])
    _demo_ausschuss_decision(recommendation, date(2022, 11, 3))
    schedule_paper_pdf(recommendation)


def _demo_ausschuss_decision(recommendation: Recommendation, day) -> None:
    """The Ausschuss's meeting of that day (gremium's demo) puts the paper on its agenda and
    agrees; without that meeting the decision is recorded on its own."""
    from gremium.models import Meeting

    from .services import recommendation_place_on_agenda, recommendation_record_decision

    staff = _demo_staff()
    meeting = Meeting.objects.filter(committee__slug="ausschuss-soziales", start__date=day).first()
    if meeting is not None and staff is not None:
        recommendation_place_on_agenda(actor=staff, recommendation=recommendation, meeting=meeting)
    recommendation_record_decision(
        actor=staff,
        recommendation=recommendation,
        decision=Recommendation.Decision.AGREED,
        decision_date=day,
    )


def _demo_staff():
    from erfurt_srp.accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()


def seed_deliberation(project: NeighbourhoodProject) -> None:
    """A running demo deliberation: the statement round on the four sites is open."""
    from erfurt_srp.accounts.models import User
    from erfurt_srp.core.errors import DomainError

    from .services import deliberation_start

    if project.deliberations.exists():
        return
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if staff is None or not project.committee.institutions.exists():
        return
    try:
        deliberation_start(
            actor=staff,
            project=project,
            title="Standorte für ThINKA Erfurt ab 2025 (Demo)",
        )
    except DomainError:
        return


def seed(out) -> list[tuple[str, str, str]]:
    from .services import indicators_ensure_defaults

    indicators_ensure_defaults()
    seed_districts()
    seed_areas()
    seed_values()
    seed_shapes()
    project = seed_thinka()
    seed_paper_numbers()
    seed_recommendation(project)
    seed_deliberation(project)
    out.write("standorte: 53 Ortsteile, demo social areas with Demo-Werte, ThINKA Erfurt\n")
    return []
