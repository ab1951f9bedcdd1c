"""Demo data: the Begleitgremium with its 18 institutions (Drucksache 1803/22) and one demo
member and one demo deputy per institution, the council committee, and the three feedback bodies
with their members: the Arbeitskreis Quartiersarbeit (Quartiersmanager, offices, a resident who
speaks for themselves), the Jour fixe der Fachplaner (specialist planners of the city's offices)
and the AG der sozialpolitischen Sprecher (the council factions' social-policy spokespeople).
The people are fictional; their roles are the real ones.

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
F = Institution.Kind.FACTION
SELF = Institution.Kind.INDIVIDUAL

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

MEMBER = Membership.Role.MEMBER
DEPUTY = Membership.Role.DEPUTY

# committee slug -> (members since, [(represented body, short name, kind, [(role, first name,
# last name, function)])]). A body of kind SELF is the person themselves.
FEEDBACK_MEMBERS = {
    "ak-quartiersarbeit": (
        date(2021, 10, 1),
        [
            (
                "Quartiersmanagement Herrenberg",
                "QM Herrenberg",
                P,
                [
                    (MEMBER, "Julia", "Brandner", "Quartiersmanagerin Herrenberg"),
                    (DEPUTY, "Kevin", "Otto", "Quartiersarbeit Herrenberg"),
                ],
            ),
            (
                "Quartiersmanagement Wiesenhügel/Drosselberg",
                "QM Wiesenhügel",
                P,
                [
                    (
                        MEMBER,
                        "Sandra",
                        "Pohlmann",
                        "Quartiersmanagerin Wiesenhügel und Drosselberg",
                    ),
                ],
            ),
            (
                "Quartiersmanagement Roter Berg",
                "QM Roter Berg",
                P,
                [
                    (MEMBER, "Markus", "Ziegler", "Quartiersmanager Roter Berg"),
                    (DEPUTY, "Anja", "Reimann", "Quartiersarbeit Roter Berg"),
                ],
            ),
            (
                "Quartiersmanagement Moskauer Platz",
                "QM Moskauer Platz",
                P,
                [
                    (MEMBER, "Franziska", "Roth", "Quartiersmanagerin Moskauer Platz"),
                ],
            ),
            (
                "Quartiersmanagement Rieth",
                "QM Rieth",
                P,
                [
                    (MEMBER, "Daniel", "Kraus", "Quartiersmanager Rieth"),
                ],
            ),
            (
                "Amt für Soziales",
                "Amt für Soziales",
                A,
                [
                    (MEMBER, "Monika", "Arnold", "Sozialraumkoordination"),
                ],
            ),
            (
                "Amt für Stadtentwicklung und Stadtplanung",
                "Stadtentwicklung",
                A,
                [
                    (
                        MEMBER,
                        "Christian",
                        "Wolff",
                        "Städtebauförderung, Programm Sozialer Zusammenhalt",
                    ),
                ],
            ),
            (
                "StadtLiga der freien Wohlfahrtspflege",
                "StadtLiga",
                P,
                [
                    (MEMBER, "Ines", "Werner", "Gemeinwesenarbeit"),
                ],
            ),
            (
                "Gerd Baumann",
                "Gerd Baumann",
                SELF,
                [
                    (MEMBER, "Gerd", "Baumann", "ehrenamtlich im Stadtteilbeirat Herrenberg"),
                ],
            ),
        ],
    ),
    "jour-fixe-fachplaner": (
        date(2021, 11, 1),
        [
            (
                "Amt für Soziales",
                "Amt für Soziales",
                A,
                [
                    (MEMBER, "Anne", "Winkler", "Sozialplanung"),
                    (DEPUTY, "Peter", "Schulze", "Altenhilfeplanung"),
                ],
            ),
            (
                "Jugendamt",
                "Jugendamt",
                A,
                [
                    (MEMBER, "Stefan", "Keller", "Jugendhilfeplanung"),
                    (DEPUTY, "Claudia", "Neumann", "Kita-Bedarfsplanung"),
                ],
            ),
            (
                "Amt für Bildung",
                "Amt für Bildung",
                A,
                [
                    (MEMBER, "Birgit", "Scholz", "Schulnetzplanung"),
                ],
            ),
            (
                "Gesundheitsamt",
                "Gesundheitsamt",
                A,
                [
                    (MEMBER, "Ralf", "Becker", "Gesundheitsberichterstattung und -planung"),
                ],
            ),
            (
                "Amt für Stadtentwicklung und Stadtplanung",
                "Stadtentwicklung",
                A,
                [
                    (MEMBER, "Nadine", "Seidel", "Stadtentwicklungsplanung"),
                ],
            ),
            (
                "Umwelt- und Naturschutzamt",
                "Umweltamt",
                A,
                [
                    (MEMBER, "Jörg", "Hahn", "Umweltplanung"),
                ],
            ),
            (
                "Büro für Integration und Migration",
                "Integration und Migration",
                A,
                [
                    (MEMBER, "Aylin", "Demir", "Integrationsplanung"),
                ],
            ),
            (
                "Kommunalstatistik",
                "Statistik",
                A,
                [
                    (MEMBER, "Holger", "Lange", "Kommunalstatistik, Sozialstrukturatlas"),
                ],
            ),
        ],
    ),
    "ag-sozialpolitische-sprecher": (
        date(2022, 8, 30),
        [
            (
                "CDU-Fraktion im Erfurter Stadtrat",
                "CDU",
                F,
                [
                    (MEMBER, "Martina", "Kessler", "sozialpolitische Sprecherin"),
                    (DEPUTY, "Thomas", "Wendt", "stellvertretender sozialpolitischer Sprecher"),
                ],
            ),
            (
                "Fraktion DIE LINKE. im Erfurter Stadtrat",
                "DIE LINKE.",
                F,
                [
                    (MEMBER, "Sabine", "Förster", "sozialpolitische Sprecherin"),
                    (DEPUTY, "Jan", "Richter", "stellvertretender sozialpolitischer Sprecher"),
                ],
            ),
            (
                "AfD-Fraktion im Erfurter Stadtrat",
                "AfD",
                F,
                [
                    (MEMBER, "Uwe", "Brandt", "sozialpolitischer Sprecher"),
                    (DEPUTY, "Heike", "Lorenz", "stellvertretende sozialpolitische Sprecherin"),
                ],
            ),
            (
                "SPD-Fraktion im Erfurter Stadtrat",
                "SPD",
                F,
                [
                    (MEMBER, "Katrin", "Vogel", "sozialpolitische Sprecherin"),
                    (DEPUTY, "Matthias", "Krüger", "stellvertretender sozialpolitischer Sprecher"),
                ],
            ),
            (
                "Fraktion BÜNDNIS 90/DIE GRÜNEN im Erfurter Stadtrat",
                "GRÜNE",
                F,
                [
                    (MEMBER, "Lea", "Hartmann", "sozialpolitische Sprecherin"),
                    (DEPUTY, "Felix", "Sommer", "stellvertretender sozialpolitischer Sprecher"),
                ],
            ),
        ],
    ),
}


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
    _feedback_members()
    return [
        ("member", logins["member"], DEMO_PASSWORD),
        ("deputy", logins["deputy"], DEMO_PASSWORD),
    ]


def _feedback_members() -> None:
    """The members of the three feedback bodies (no logins: they are reached by e-mail)."""
    for slug, (since, bodies) in FEEDBACK_MEMBERS.items():
        committee = Committee.objects.filter(slug=slug).first()
        if committee is None:
            continue
        for name, short_name, kind, people in bodies:
            institution, _created = Institution.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind}
            )
            institution.committees.add(committee)
            for role, first_name, last_name, function in people:
                email = f"{slugify(first_name)}.{slugify(last_name)}@{DEMO_DOMAIN}"
                person, _created = Person.objects.get_or_create(
                    email=email,
                    defaults={"first_name": first_name, "last_name": last_name, "is_demo": True},
                )
                Membership.objects.get_or_create(
                    person=person,
                    committee=committee,
                    institution=institution,
                    role=role,
                    defaults={"function": function, "start_date": since},
                )
