"""Demo data: the Begleitgremium's six meetings from 28.09.2021 with the agenda items of
Drucksache 1803/22, the meetings after it (the BAG study in November 2022, the guidelines adopted
on 17.01.2023 and 14.03.2023, the plan in June 2023), the next two meetings counted from today, one
meeting of each feedback body, and paper 1803/22 with its real Beratungsfolge. Idempotent:
meetings are found again by (committee, number), the paper by its number; a run that finds no
coming meeting any more (the demo database has grown old) adds the next two.

The committees, institutions and demo people come from gremium/demo/committees.py (it runs
first); without them this seeder creates the Begleitgremium itself.
"""

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from gremium.models import (
    AgendaItem,
    Attendance,
    Committee,
    Consultation,
    Location,
    Meeting,
    Membership,
    Minutes,
    MinutesEntry,
    Paper,
)

BERLIN = ZoneInfo("Europe/Berlin")
SEED_TEXT = Path(__file__).with_name("drucksache-1803-22.txt")

RATHAUS = {
    "description": "Rathaus Erfurt",
    "street_address": "Fischmarkt 1",
    "room": "Festsaal",
    "postal_code": "99084",
    "sub_locality": "Altstadt",
    "locality": "Erfurt",
    "latitude": 50.97858,
    "longitude": 11.02924,
}
AMT = {
    "description": "Amt für Soziales",
    "street_address": "Juri-Gagarin-Ring 150",
    "room": "Beratungsraum 1",
    "postal_code": "99084",
    "sub_locality": "Altstadt",
    "locality": "Erfurt",
    "latitude": 50.97563,
    "longitude": 11.03621,
}

# (number, date, location key, [(title, public, text, result)])
BEGLEITGREMIUM_MEETINGS = [
    (
        1,
        "2021-09-28",
        "rathaus",
        [
            (
                "Begrüßung, Konstituierung und Arbeitsweise des Begleitgremiums",
                True,
                "Ziele der integrierten Sozialraumplanung nach Stadtratsbeschluss 0966/21; Rolle des "
                "Begleitgremiums: beraten und abstimmen über grundlegende Planungsschritte.",
                "Geschäftsordnung zur Kenntnis genommen",
            ),
            (
                "Gemeinsames Planungs- und Raumverständnis: Raumbegriffe und ihre Verwendung",
                True,
                "Raumbegriffsverwendungen und -beschreibungen (Sozialraum, Quartier, Ortsteil) im "
                "Vergleich der vertretenen Institutionen.",
                "Arbeitsauftrag an die Geschäftsstelle",
            ),
        ],
    ),
    (
        2,
        "2021-11-30",
        "amt",
        [
            (
                "Gemeinsames Raumverständnis: Ergebnisse und Festlegung",
                True,
                "Zusammenfassung der Raumbeschreibungen aus der 1. Sitzung.",
                "Gemeinsames Raumverständnis beschlossen",
            ),
            (
                "Planungsebenen und Schnittstellen",
                True,
                "Ebene der Verwaltung, Ebene der Sozialräume/Quartiere und die Schnittstellen "
                "zwischen beiden.",
                "zur Kenntnis genommen",
            ),
        ],
    ),
    (
        3,
        "2022-02-15",
        "rathaus",
        [
            (
                "Planerische Bedarfe auf der Ebene der Verwaltung",
                True,
                "Diskussion und Erörterung der Bedarfe innerhalb der Stadtverwaltung.",
                "Bedarfe gesammelt",
            ),
            (
                "Planerische Bedarfe auf der Ebene der Sozialräume/Quartiere",
                True,
                "",
                "Bedarfe gesammelt",
            ),
            (
                "Organisation und Gestaltung der Schnittstellen zwischen Verwaltung und Sozialräumen",
                True,
                "",
                "Bedarfe gesammelt; Berücksichtigung im weiteren Prozess",
            ),
        ],
    ),
    (
        4,
        "2022-05-10",
        "amt",
        [
            (
                "Themenschwerpunkte für die sozialpolitischen Leitlinien",
                True,
                "Identifikation der thematischen Schwerpunkte als Grundlage für den weiteren "
                "Beteiligungsprozess (Stadtverwaltung, Fraktionen, freie Träger, Ortsteile).",
                "Themenschwerpunkte einvernehmlich benannt",
            ),
            (
                "Beteiligungsprozess zu den Leitlinien: Zielgruppen und Zeitplan",
                True,
                "",
                "zur Kenntnis genommen",
            ),
        ],
    ),
    (
        5,
        "2022-07-05",
        "rathaus",
        [
            (
                "Quartiersprojekt ThINKA: Vorstellung der Standortvorschläge",
                True,
                "Vorstellung der Standortvorschläge auf Grundlage des Sozialstrukturatlas 2020.",
                "zur Kenntnis genommen",
            ),
            (
                "Standortentscheidung ThINKA: fachliche Stellungnahmen und Abstimmung",
                False,
                "Alle Teilnehmenden legen ihre fachliche Sichtweise dar; Abstimmung über die "
                "Empfehlung an den Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung.",
                "Empfehlung an den Ausschuss beschlossen",
            ),
            (
                "Kooperation bei der Umsetzung von ThINKA: weiteres Wohnungsunternehmen",
                False,
                "",
                "zur Kenntnis genommen",
            ),
        ],
    ),
    (
        6,
        "2022-09-27",
        "amt",
        [
            ("Genehmigung der Niederschrift der 5. Sitzung", True, "", "genehmigt"),
            (
                "Zwischeninformation an den Stadtrat (Drucksache 1803/22)",
                True,
                "Entwurf der Zwischeninformation zum aktuellen Stand der integrierten "
                "Sozialraumplanung.",
                "zur Kenntnis genommen",
            ),
            (
                "Vorbereitung der Beteiligungsveranstaltung am 02.12.2022",
                True,
                "Halbtägige Veranstaltung zu Zielen und Vorgehen; Beteiligung bei der Erarbeitung "
                "der sozialpolitischen Leitlinien.",
                "Programmentwurf abgestimmt",
            ),
        ],
    ),
]

# The meetings after Drucksache 1803/22, as the process it announces went on (demo).
LATER_MEETINGS = [
    (
        7,
        "2022-11-22",
        "rathaus",
        [
            ("Genehmigung der Niederschrift der 6. Sitzung", True, "", "genehmigt"),
            (
                "Studie „Integrationsoptionen von Quartiersarbeit im Rahmen der integrierten "
                "Sozialraumplanung in der Landeshauptstadt Erfurt“ (BAG Soziale Stadtentwicklung "
                "und Gemeinwesenarbeit e.V.): Vorstellung der Ergebnisse",
                True,
                "Wie organisieren vergleichbare Kommunen Quartiersarbeit/Quartiersmanagement in "
                "der Verwaltung? Ableitungen für eine gesamtstädtische Strategie.",
                "Ergebnisse vorgestellt; Ableitungen für die Strategie der Quartiersarbeit",
            ),
            (
                "Beteiligungsveranstaltung am 02.12.2022: Programm und Thementische",
                True,
                "",
                "Programm abgestimmt",
            ),
        ],
    ),
    (
        8,
        "2023-01-17",
        "amt",
        [
            ("Genehmigung der Niederschrift der 7. Sitzung", True, "", "genehmigt"),
            (
                "Leitlinie „Gesundheit und Pflege im Quartier“: Beschluss der Fassung 1",
                True,
                "Nach der Beteiligung des Begleitgremiums.",
                "beschlossen (Demo)",
            ),
            (
                "Auswertung der Beteiligungsveranstaltung vom 02.12.2022",
                True,
                "Ergebnisse der Thementische; Übergabe in die öffentliche Beteiligungsrunde.",
                "zur Kenntnis genommen",
            ),
            ("Beteiligung der Ortsteilbürgermeister: Format", True, "", "Werkstatt beschlossen"),
        ],
    ),
    (
        9,
        "2023-03-14",
        "rathaus",
        [
            ("Genehmigung der Niederschrift der 8. Sitzung", True, "", "genehmigt"),
            (
                "Strategie für Quartiersarbeit/Quartiersmanagement: Eckpunkte",
                True,
                "Ableitungen aus der Studie der BAG Soziale Stadtentwicklung und "
                "Gemeinwesenarbeit e.V.",
                "Eckpunkte abgestimmt",
            ),
            (
                "Leitlinie „Teilhabe und Armutsprävention“: Beschluss der Fassung 2",
                True,
                "Abwägung der Beteiligung der Stadtverwaltung.",
                "beschlossen (Demo)",
            ),
        ],
    ),
    (
        10,
        "2023-06-13",
        "amt",
        [
            ("Genehmigung der Niederschrift der 9. Sitzung", True, "", "genehmigt"),
            (
                "Integrierter Sozialraumplan: Entwurf zur Beschlussfassung im Stadtrat",
                True,
                "Leitlinien, Maßnahmen und Strategie für die Quartiersarbeit in einem Plan.",
                "Empfehlung an den Stadtrat beschlossen (Demo)",
            ),
        ],
    ),
]

COMING_ITEMS = [
    ("Genehmigung der Niederschrift der letzten Sitzung", True, ""),
    (
        "Leitlinie „Wohnen und Nachbarschaft“: Zwischenstand der öffentlichen Beteiligung",
        True,
        "Die Kommentare aus der laufenden Beteiligungsrunde und ihre Abwägung.",
    ),
    ("Stand der Maßnahmen des integrierten Sozialraumplans", True, ""),
    (
        "Vertrauliche Abstimmung zu Fördermitteln der Quartiersarbeit",
        False,
        "Nur für Mitglieder und Stellvertretungen.",
    ),
]

FEEDBACK_MEETINGS = [
    (
        "ak-quartiersarbeit",
        "2022-06-14",
        [
            ("Bedarfe der Planungsebenen: Verwaltung, Quartier/Sozialraum, Schnittstelle", True),
            ("Sozialpolitische Leitlinien: Rückmeldung zu den Themenschwerpunkten", True),
        ],
    ),
    (
        "jour-fixe-fachplaner",
        "2022-06-21",
        [
            ("Bedarfe der Planungsebenen aus Sicht der Fachplanungen", True),
            ("Sozialpolitische Leitlinien: Abstimmung innerhalb der Verwaltung", True),
        ],
    ),
    (
        "ag-sozialpolitische-sprecher",
        "2022-08-30",
        [
            ("Konstituierung der AG der sozialpolitischen Sprecher", True),
            ("Sozialpolitische Leitlinien: Beteiligung der Fraktionen", True),
        ],
    ),
]


def _at(day: str, hour: int = 14) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(hour, 0), tzinfo=BERLIN)


def _location(spec: dict) -> Location:
    location, _created = Location.objects.get_or_create(
        description=spec["description"], street_address=spec["street_address"], defaults=spec
    )
    return location


def _committee(slug: str, name: str, kind: str) -> Committee:
    committee = Committee.objects.filter(slug=slug).first()
    if committee is None:
        committee, _created = Committee.objects.get_or_create(
            name=name, defaults={"slug": slug, "kind": kind}
        )
    return committee


def _held_meeting(committee, number, day, location, items, *, approved_in=None) -> Meeting | None:
    if Meeting.objects.filter(committee=committee, number=number).exists():
        return None
    start = _at(day)
    meeting = Meeting.objects.create(
        committee=committee,
        number=number,
        start=start,
        end=start + timedelta(hours=2, minutes=30),
        location=location,
        notice_days=7,
        state=Meeting.State.HELD,
        published_at=start - timedelta(days=10),
        reminder_due_at=start - timedelta(days=2),
        reminder_sent_at=start - timedelta(days=2),
    )
    minutes = Minutes.objects.create(
        meeting=meeting,
        state=Minutes.State.PUBLISHED,
        introduction="Die Vorsitzende begrüßt die Anwesenden und stellt die Beschlussfähigkeit fest. "
        "Die Tagesordnung wird ohne Änderungen bestätigt.",
        published_at=start + timedelta(days=7),
    )
    for order, spec in enumerate(items, start=1):
        title, public, text, result = (list(spec) + ["", ""])[:4]
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, name=title, public=public, text=text, result=result
        )
        MinutesEntry.objects.create(
            minutes=minutes,
            agenda_item=item,
            text="Die Geschäftsstelle führt in das Thema ein; die Mitglieder erörtern es aus "
            "ihrer jeweiligen fachlichen Sicht.",
            result=result or "zur Kenntnis genommen",
        )
    memberships = Membership.objects.active(on=start.date()).filter(
        committee=committee, role=Membership.Role.MEMBER
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, membership=m, role=Attendance.Role.MEMBER) for m in memberships
    )
    return meeting


def _approve(minutes_of: Meeting, approved_in: Meeting) -> None:
    Minutes.objects.filter(meeting=minutes_of).update(
        state=Minutes.State.APPROVED, approved_in=approved_in, approved_at=approved_in.start
    )
    Meeting.objects.filter(pk=minutes_of.pk).update(state=Meeting.State.MINUTES_APPROVED)


def _paper_1803(begleitgremium: Committee) -> Paper:
    paper, created = Paper.objects.get_or_create(
        reference="1803/22",
        defaults={
            "name": "Zwischeninformation zum aktuellen Stand der integrierten Sozialraumplanung "
            "in der Landeshauptstadt Erfurt",
            "kind": Paper.Kind.INFORMATION,
            "public": True,
            "date": datetime(2022, 10, 20).date(),
            "committee": begleitgremium,
            "originator": "Dezernat für Soziales, Bildung, Jugend und Gesundheit (gez. i.V. Horn)",
            "text": SEED_TEXT.read_text(encoding="utf-8").strip() if SEED_TEXT.exists() else "",
        },
    )
    if not created:
        return paper
    Consultation.objects.create(
        paper=paper,
        body_name="Dienstberatung OB",
        date=datetime(2022, 10, 20).date(),
        public=False,
        role=Consultation.Role.INFORMATION,
        position=1,
    )
    ausschuss = Committee.objects.filter(slug="ausschuss-soziales").first()
    meeting = item = None
    if ausschuss is not None:
        meeting = Meeting.objects.filter(committee=ausschuss, number=1).first()
        if meeting is None:
            start = _at("2022-11-03", 17)
            meeting = Meeting.objects.create(
                committee=ausschuss,
                number=1,
                name="Sitzung des Ausschusses für Soziales, Arbeitsmarkt und Gleichstellung",
                start=start,
                end=start + timedelta(hours=3),
                location=_location(RATHAUS),
                state=Meeting.State.HELD,
                published_at=start - timedelta(days=10),
            )
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=(meeting.agenda_items.count() + 1),
            name="Zwischeninformation zum aktuellen Stand der integrierten Sozialraumplanung "
            "(Drucksache 1803/22)",
            public=True,
            result="zur Kenntnis genommen",
        )
    Consultation.objects.create(
        paper=paper,
        committee=ausschuss,
        body_name="" if ausschuss else "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
        meeting=meeting,
        agenda_item=item,
        date=datetime(2022, 11, 3).date(),
        public=True,
        role=Consultation.Role.INFORMATION,
        position=2,
    )
    return paper


def seed(out) -> list[tuple[str, str, str]]:
    with transaction.atomic():
        begleitgremium = _committee(
            "begleitgremium",
            "Begleitgremium integrierte Sozialraumplanung",
            Committee.Kind.ACCOMPANYING,
        )
        locations = {"rathaus": _location(RATHAUS), "amt": _location(AMT)}
        created = []
        history = BEGLEITGREMIUM_MEETINGS + LATER_MEETINGS
        for number, day, where, items in history:
            meeting = _held_meeting(begleitgremium, number, day, locations[where], items)
            if meeting:
                created.append(meeting)
        # minutes of meeting n are approved in meeting n + 1
        last = history[-1][0]
        held = {
            m.number: m for m in Meeting.objects.filter(committee=begleitgremium, number__lte=last)
        }
        for number in range(1, last):
            if number in held and number + 1 in held:
                minutes = Minutes.objects.filter(meeting=held[number]).first()
                if minutes and minutes.state != Minutes.State.APPROVED:
                    _approve(held[number], held[number + 1])
        _paper_1803(begleitgremium)
        for slug, day, items in FEEDBACK_MEETINGS:
            committee = Committee.objects.filter(slug=slug).first()
            if committee is None:
                continue
            meeting = _held_meeting(
                committee,
                1,
                day,
                locations["amt"],
                [
                    (title, public, "", "Rückmeldungen an die Geschäftsstelle")
                    for title, public in items
                ],
            )
            if meeting:
                created.append(meeting)
    created += _coming_meetings(begleitgremium, locations["rathaus"])
    out.write(f"gremium.meetings: {len(created)} meetings created\n")
    return []


def _coming_meetings(begleitgremium: Committee, location: Location) -> list[Meeting]:
    """The next two meetings, counted from today, unless a coming meeting exists. The first goes
    through the real services (published: invitations land in the outbox), the second is a draft
    the Geschäftsstelle prepares."""
    from gremium.services.meetings import meeting_publish

    if Meeting.objects.filter(committee=begleitgremium, start__gt=timezone.now()).exists():
        return []
    last = Meeting.objects.filter(committee=begleitgremium).order_by("-number").first()
    number = (last.number if last else 0) + 1
    created = []
    for offset, publish in ((14, True), (70, False)):
        start = timezone.localtime(timezone.now() + timedelta(days=offset)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
        with transaction.atomic():
            meeting = Meeting.objects.create(
                committee=begleitgremium,
                number=number,
                start=start,
                end=start + timedelta(hours=2, minutes=30),
                location=location,
                video_url="https://video.erfurt.de/begleitgremium",
                notice_days=7,
            )
            for order, (title, public, text) in enumerate(COMING_ITEMS, start=1):
                AgendaItem.objects.create(
                    meeting=meeting, order=order, name=title, public=public, text=text
                )
        if publish:
            meeting_publish(actor=None, meeting=meeting)
        created.append(meeting)
        number += 1
    return created
