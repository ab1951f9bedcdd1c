"""Demo data: the Begleitgremium with its 18 institutions (Drucksache 1803/22), the three feedback
bodies, the council committee, and one demo member and one demo deputy per institution.

Idempotent: everything is found again by slug, name or e-mail address.
"""

from datetime import date

from django.utils.text import slugify

from erfurt_srp.accounts.demo import DEMO_PASSWORD, ensure_demo_user
from gremium.models import Committee, Institution, Membership, Person

A = Institution.Kind.ADMINISTRATION
P = Institution.Kind.PROVIDER
H = Institution.Kind.HOUSING
S = Institution.Kind.SCIENCE
J = Institution.Kind.JOBCENTER

# (name, short name, kind) in the order of the Drucksache.
INSTITUTIONS = [
    ("Dezernat für Soziales, Bildung, Jugend und Gesundheit", "Dezernat 05", A),
    ("Amt für Soziales", "Amt für Soziales", A),
    ("Amt für Bildung", "Amt für Bildung", A),
    ("Jugendamt", "Jugendamt", A),
    ("Gesundheitsamt", "Gesundheitsamt", A),
    ("Amt für Stadtentwicklung und Stadtplanung", "Stadtentwicklung", A),
    ("Umwelt- und Naturschutzamt", "Umweltamt", A),
    ("Büro für Integration und Migration", "Integration und Migration", A),
    ("Büro der/des Gleichstellungsbeauftragten", "Gleichstellung", A),
    ("Büro der/des Beauftragten für Menschen mit Behinderungen", "Behindertenbeauftragte", A),
    ("Jobcenter", "Jobcenter", J),
    ("StadtLiga der freien Wohlfahrtspflege", "StadtLiga", P),
    ("Kommunale Wohnungsgesellschaft Erfurt mbH", "KoWo", H),
    ("TAG Wohnen & Service GmbH", "TAG Wohnen", H),
    ("Wohnungsbaugenossenschaft Zukunft eG", "WBG Zukunft", H),
    ("Wohnungsbaugenossenschaft Erfurt eG", "WBG Erfurt", H),
    ("Wohnungsbaugenossenschaft Einheit eG", "WBG Einheit", H),
    ("Wissenschaftliche Begleitung", "Wissenschaft", S),
]

BEGLEITGREMIUM = {
    "slug": "begleitgremium",
    "name": "Begleitgremium integrierte Sozialraumplanung",
    "short_name": "Begleitgremium",
    "kind": Committee.Kind.ACCOMPANYING,
    "founded_on": date(2021, 9, 28),
    "description": (
        "Begleitet den Planungsprozess der integrierten Sozialraumplanung: berät und stimmt über "
        "grundlegende Planungsschritte ab, benennt die Themenschwerpunkte der sozialpolitischen "
        "Leitlinien und gibt Empfehlungen zu Standorten sozialräumlicher Projekte wie ThINKA an "
        "den Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung."
    ),
}

OTHER_COMMITTEES = [
    {
        "slug": "ak-quartiersarbeit",
        "name": "Arbeitskreis Quartiersarbeit/-entwicklung",
        "short_name": "AK Quartiersarbeit",
        "kind": Committee.Kind.WORKING_GROUP,
        "description": "Rückkopplungsgremium der integrierten Sozialraumplanung.",
    },
    {
        "slug": "jour-fixe-fachplaner",
        "name": "Jour fixe der Fachplaner",
        "short_name": "Jour fixe Fachplanung",
        "kind": Committee.Kind.WORKING_GROUP,
        "description": "Rückkopplung innerhalb der Stadtverwaltung.",
    },
    {
        "slug": "ag-sozialpolitische-sprecher",
        "name": "AG der sozialpolitischen Sprecher der Erfurter Stadtratsfraktionen",
        "short_name": "AG sozialpolitische Sprecher",
        "kind": Committee.Kind.WORKING_GROUP,
        "description": "Rückkopplung mit den Fraktionen des Stadtrates.",
    },
    {
        "slug": "ausschuss-soziales",
        "name": "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
        "short_name": "Sozialausschuss",
        "kind": Committee.Kind.COUNCIL,
        "description": "Ausschuss des Erfurter Stadtrates; erhält die Empfehlungen des Begleitgremiums.",
    },
]

DEMO_DOMAIN = "demo.erfurt-srp.de"


def _committee(spec: dict) -> Committee:
    committee = Committee.objects.filter(slug=spec["slug"]).first()
    if committee is None:
        committee = Committee.objects.filter(name=spec["name"]).first()
    if committee is None:
        return Committee.objects.create(**spec)
    return committee


def _demo_person(role_label: str, role_slug: str, short_name: str) -> Person:
    email = f"{role_slug}.{slugify(short_name)}@{DEMO_DOMAIN}"
    first_name = f"Demo-{role_label}"
    user = ensure_demo_user(email, first_name, short_name)
    person, _created = Person.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": short_name, "user": user, "is_demo": True},
    )
    if person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return person


def seed(out) -> list[tuple[str, str, str]]:
    begleitgremium = _committee(BEGLEITGREMIUM)
    for spec in OTHER_COMMITTEES:
        _committee(spec)
    logins: dict[str, str] = {}
    for name, short_name, kind in INSTITUTIONS:
        institution, _created = Institution.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "kind": kind}
        )
        institution.committees.add(begleitgremium)
        for role, role_label, role_slug in (
            (Membership.Role.MEMBER, "Mitglied", "mitglied"),
            (Membership.Role.DEPUTY, "Stellvertretung", "stellvertretung"),
        ):
            person = _demo_person(role_label, role_slug, short_name)
            Membership.objects.get_or_create(
                person=person,
                committee=begleitgremium,
                institution=institution,
                role=role,
                defaults={"start_date": begleitgremium.founded_on or date(2021, 9, 28)},
            )
            logins.setdefault(role.value, person.email)
    return [
        ("member", logins["member"], DEMO_PASSWORD),
        ("deputy", logins["deputy"], DEMO_PASSWORD),
    ]
