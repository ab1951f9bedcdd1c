"""Demo data: the half-day public event of 02.12.2022 (Drucksache 1803/22) as it was held, and a
coming workshop open for registration. Idempotent: events are found again by slug.

The 2022 event's registrations are past their retention period: they are created as held (tables,
kinds, attendance) and then shredded through the real service, so only the counts remain, as on
the live platform. The coming workshop lies 30 days after the day seed_demo first runs; when a
later run finds no event open for registration any more, it adds the next one (slug with its date).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from . import services
from .models import Event, EventTable, ProgrammeItem, Registration, new_public_id
from .privacy import privacy_version

BERLIN = ZoneInfo("Europe/Berlin")

ACCESSIBILITY = (
    "Der Festsaal ist über den Seiteneingang Fischmarkt stufenlos und mit Aufzug erreichbar; "
    "ein barrierefreies WC ist im Erdgeschoss. Eine mobile Induktionsschleife steht bereit. "
    "Gebärdensprachdolmetschung bestellen wir, wenn Sie sie bei der Anmeldung angeben."
)

DESCRIPTION_2022 = (
    "Mit dem Stadtratsbeschluss 0966/21 hat die Landeshauptstadt Erfurt den Prozess der "
    "integrierten Sozialraumplanung erneuert. Auf dieser halbtägigen Veranstaltung informieren "
    "wir über die Ziele und das Vorgehen des Planungsprozesses und laden freie Träger, "
    "Institutionen und weitere Akteure ein, an den sozialpolitischen Leitlinien mitzuarbeiten.\n\n"
    "An Thementischen zu den Themenschwerpunkten, die das Begleitgremium benannt hat, sammeln "
    "wir Ihre Hinweise. Die Ergebnisse fließen in die öffentliche Beteiligungsrunde zu den "
    "Leitlinien und in den integrierten Sozialraumplan, der dem Stadtrat Mitte 2023 vorgelegt wird."
)

PROGRAMME_2022 = [
    ("09:00", "09:30", "Ankommen und Anmeldung", "Kaffee, Namensschilder, Wahl des Thementischs"),
    (
        "09:30",
        "09:45",
        "Begrüßung",
        "Beigeordnete für Soziales, Bildung, Jugend und Gesundheit",
    ),
    (
        "09:45",
        "10:30",
        "Integrierte Sozialraumplanung in Erfurt: Ziele, Planungsebenen, Zeitplan",
        "Geschäftsstelle Sozialraumplanung, Amt für Soziales; Sozialstrukturatlas 2020 und "
        "Sozialindex",
    ),
    (
        "10:30",
        "10:50",
        "Das Begleitgremium und seine Themenschwerpunkte",
        "Rückblick auf sechs Sitzungen seit dem 28.09.2021; Beispiel ThINKA Erfurt",
    ),
    ("10:50", "11:05", "Pause", ""),
    (
        "11:05",
        "12:20",
        "Thementische: Leitlinien gemeinsam erarbeiten",
        "Zwei Runden à 35 Minuten; Sie können nach der ersten Runde den Tisch wechseln",
    ),
    ("12:20", "12:50", "Ergebnisse aus den Thementischen", "Kurzberichte der Moderationen"),
    (
        "12:50",
        "13:00",
        "Ausblick und Verabschiedung",
        "Öffentliche Beteiligungsrunde zu den Leitlinien, Beteiligung der Ortsteilbürgermeister",
    ),
]

# The themes the Begleitgremium named (same titles as the leitlinien demo), plus the strategy
# for Quartiersarbeit the Drucksache announces.
TABLES_2022 = [
    ("Teilhabe und Armutsprävention", "Existenzsicherung, Zugang zu Angeboten, Jobcenter", 20),
    ("Bildung und Aufwachsen", "Kita, Schule, Jugendarbeit im Sozialraum", 20),
    ("Wohnen und Nachbarschaft", "Mit den Wohnungsunternehmen: Segregation und Zusammenleben", 20),
    ("Gesundheit und Pflege im Quartier", "Gesundheitsförderung, Pflege, Teilhabe im Alter", 20),
    (
        "Quartiersarbeit und Beteiligung",
        "Strategie für Quartiersarbeit/-management; Studie der BAG Soziale Stadtentwicklung",
        20,
    ),
]

# The 2022 event as held, per table: (confirmed registrations, of whom present, cancelled).
HELD_2022 = [(19, 16, 2), (18, 15, 2), (17, 14, 1), (16, 13, 2), (16, 13, 2)]
# Who came, in turn: freie Träger, institutions, administration, council, citizens, press.
KINDS_2022 = ["provider", "provider", "institution", "administration", "council", "citizen"]
KINDS_2022 += ["provider", "institution", "administration", "citizen", "council", "press"]


def _at(date: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=BERLIN)


def _event(slug, defaults, programme, tables) -> Event:
    event, created = Event.objects.get_or_create(slug=slug, defaults=defaults)
    if created:
        day = timezone.localtime(event.starts_at, BERLIN).date()
        for start, end, title, description in programme:
            ProgrammeItem.objects.create(
                event=event,
                starts_at=_at(day, start).time(),
                ends_at=_at(day, end).time() if end else None,
                title=title,
                description=description,
            )
        for position, (title, description, capacity) in enumerate(tables):
            EventTable.objects.create(
                event=event,
                title=title,
                description=description,
                capacity=capacity,
                position=position,
            )
    return event


def seed(stdout=None):
    day = dt.date(2022, 12, 2)
    kickoff = _event(
        "auftakt-sozialraumplanung-2022",
        {
            "title": "Integrierte Sozialraumplanung Erfurt: Informations- und "
            "Beteiligungsveranstaltung",
            "summary": "Halbtägige Veranstaltung: Ziele und Vorgehen des Planungsprozesses, "
            "Mitarbeit an den sozialpolitischen Leitlinien.",
            "description": DESCRIPTION_2022,
            "starts_at": _at(day, "09:00"),
            "ends_at": _at(day, "13:00"),
            "venue": "Rathaus Erfurt, Festsaal",
            "address": "Fischmarkt 1, 99084 Erfurt",
            "accessibility_notes": ACCESSIBILITY,
            "capacity": 100,
            "registration_opens_at": _at(dt.date(2022, 10, 24), "08:00"),
            "registration_closes_at": _at(dt.date(2022, 11, 28), "23:59"),
            "access": Event.Access.PUBLIC,
            "published": True,
            "reminder_days_before": 3,
            "documentation_url": "https://www.erfurt.de/ef/de/leben/soziales/sozialraumplanung/",
        },
        PROGRAMME_2022,
        TABLES_2022,
    )
    if not kickoff.registrations.exists():
        _held_registrations(kickoff, day)
    workshop = _coming_workshop()
    if stdout is not None:
        stdout.write(f"beteiligung: events {kickoff.slug}, {workshop.slug}\n")
    return []


def _held_registrations(event: Event, day: dt.date) -> None:
    """The registrations of 2022 as held, then shredded after the retention period."""
    rows = []
    number = 0
    for table, (confirmed, present, cancelled) in zip(
        event.tables.order_by("position"), HELD_2022, strict=True
    ):
        for i in range(confirmed + cancelled):
            number += 1
            when = _at(dt.date(2022, 10, 24) + dt.timedelta(days=number % 30), "10:00")
            is_cancelled = i >= confirmed
            rows.append(
                Registration(
                    event=event,
                    table=table,
                    status=Registration.Status.CANCELLED
                    if is_cancelled
                    else Registration.Status.CONFIRMED,
                    name=f"Teilnehmende Person {number}",
                    email=f"teilnahme{number}@demo.erfurt-srp.de",
                    public_id=new_public_id(),
                    kind=KINDS_2022[number % len(KINDS_2022)],
                    needs_step_free=number % 17 == 0,
                    needs_induction_loop=number % 29 == 0,
                    privacy_version=privacy_version(),
                    consent_at=when,
                    email_confirmed_at=when,
                    confirmed_at=when,
                    cancelled_at=_at(day - dt.timedelta(days=3), "12:00") if is_cancelled else None,
                    checked_in_at=_at(day, "09:05") if i < present else None,
                    created_at=when,
                )
            )
    Registration.objects.bulk_create(rows)
    retention_over = event.ends_at + dt.timedelta(days=settings.BETEILIGUNG_RETENTION_DAYS)
    if retention_over <= timezone.now():
        services.registrants_shred(event_id=event.pk, now=retention_over)


def _coming_workshop() -> Event:
    """A coming event open for registration, so the registration journey works on any day."""
    open_now = Event.objects.filter(
        published=True,
        access=Event.Access.PUBLIC,
        registration_opens_at__lte=timezone.now(),
        registration_closes_at__gt=timezone.now() + dt.timedelta(days=2),
    ).exclude(slug="auftakt-sozialraumplanung-2022")
    existing = open_now.order_by("starts_at").first()
    if existing is not None:
        return existing
    soon = timezone.localdate() + dt.timedelta(days=30)
    slug = "werkstatt-ortsteilbuergermeister"
    if Event.objects.filter(slug=slug).exists():
        slug = f"{slug}-{soon:%Y-%m-%d}"
    return _event(
        slug,
        {
            "title": "Werkstatt mit den Ortsteilbürgermeistern: Leitlinien im Ortsteil",
            "summary": "Die Entwürfe der sozialpolitischen Leitlinien aus Sicht der Ortsteile.",
            "description": "Die Drucksache 1803/22 sieht eine Beteiligung der "
            "Ortsteilbürgermeister vor. In dieser Werkstatt prüfen wir die Entwürfe der "
            "Leitlinien gemeinsam auf ihre Umsetzung in den Ortsteilen.",
            "starts_at": _at(soon, "16:00"),
            "ends_at": _at(soon, "19:00"),
            "venue": "Rathaus Erfurt, Raum 225",
            "address": "Fischmarkt 1, 99084 Erfurt",
            "accessibility_notes": ACCESSIBILITY,
            "capacity": 40,
            "registration_opens_at": timezone.now() - dt.timedelta(days=1),
            "registration_closes_at": _at(soon - dt.timedelta(days=2), "23:59"),
            "access": Event.Access.PUBLIC,
            "published": True,
            "reminder_days_before": 2,
        },
        [
            ("16:00", "16:20", "Begrüßung und Stand der Leitlinien", ""),
            ("16:20", "18:20", "Arbeit an den Thementischen", ""),
            ("18:20", "19:00", "Ergebnisse und nächste Schritte", ""),
        ],
        [
            ("Nördliche Ortsteile", "Berliner Platz, Moskauer Platz, Roter Berg, Rieth", 15),
            ("Südöstliche Ortsteile", "Herrenberg, Wiesenhügel, Melchendorf", 15),
            ("Ländliche Ortsteile", "Dörfer am Stadtrand", 10),
        ],
    )
