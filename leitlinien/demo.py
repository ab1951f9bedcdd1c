"""Demo data for the guideline process (idempotent). All texts are invented demo texts.

Four themes the Begleitgremium named on 10.05.2022 (Drucksache 1803/22), each guideline in two
versions, with the consultation rounds of 2022/23 at their dates:
- Teilhabe und Armutsprävention: Fassung 1 consulted with the administration (summer 2022, answered),
  Fassung 2 adopted on 14.03.2023, measures on all three planning levels.
- Bildung und Aufwachsen: Fassung 1 consulted with the council factions (autumn 2022, answered),
  Fassung 2 in the public round after the event of 02.12.2022 (until 31.01.2023, answered).
- Wohnen und Nachbarschaft: Fassung 1 consulted with the Ortsteile (winter 2022/23, answered),
  Fassung 2 in a public round open today (counted from the day seed_demo runs; a later run that
  finds no open public round opens a new one, so commenting can be tried on any day).
- Gesundheit und Pflege im Quartier: Fassung 1 adopted on 17.01.2023 after a committee round.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from erfurt_srp.accounts.demo import DEMO_PASSWORD, ensure_demo_user
from erfurt_srp.discussion.models import Comment
from erfurt_srp.discussion.services import comment_create
from gremium.models import Committee

from . import services
from .models import Audience, Disposition, GuidelineVersion, Theme
from .selectors import open_public_rounds

DEMO_NOTE = "Demo-Text, erfunden zur Vorführung."

THEMES = [
    {
        "title": "Teilhabe und Armutsprävention",
        "description": "Soziale Teilhabe sichern und Armutsfolgen in den Sozialräumen mildern. "
        + DEMO_NOTE,
        "v1": [
            "Die Landeshauptstadt Erfurt richtet ihre sozialen Angebote an den im Sozialstrukturatlas 2020 festgestellten Unterschieden zwischen den Sozialräumen aus.",
            "Angebote zur Armutsprävention werden dort verstärkt, wo der Sozialindex eine hohe Belastung zeigt.",
            "Beratungsangebote sind wohnortnah, barrierefrei und mehrsprachig erreichbar.",
            "Die Stadt prüft, wie Familien mit geringem Einkommen leichter Leistungen für Bildung und Teilhabe erhalten.",
            "Die Wirkung der Maßnahmen wird regelmäßig berichtet.",
        ],
        "v2": [
            "Die Landeshauptstadt Erfurt richtet ihre sozialen Angebote an den im Sozialstrukturatlas 2020 festgestellten Unterschieden zwischen den Sozialräumen aus und schreibt diese Grundlage regelmäßig fort.",
            "Angebote zur Armutsprävention werden dort verstärkt, wo der Sozialindex eine hohe Belastung zeigt; freie Träger und Wohnungsunternehmen werden dabei als Partner beteiligt.",
            "Beratungsangebote sind wohnortnah, barrierefrei und mehrsprachig erreichbar.",
            "Familien mit geringem Einkommen erhalten Leistungen für Bildung und Teilhabe über ein einfaches, gemeinsames Antragsverfahren.",
            "Ältere Menschen mit geringer Rente werden durch aufsuchende Angebote erreicht.",
            "Die Wirkung der Maßnahmen wird dem Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung jährlich berichtet.",
        ],
    },
    {
        "title": "Bildung und Aufwachsen",
        "description": "Gleiche Bildungschancen von Anfang an, unabhängig vom Wohnort. "
        + DEMO_NOTE,
        "v1": [
            "Jedes Kind in Erfurt soll unabhängig vom Sozialraum gute Bildungs- und Entwicklungschancen haben.",
            "Kindertageseinrichtungen und Schulen in belasteten Sozialräumen erhalten zusätzliche Unterstützung.",
            "Übergänge von der Kita in die Schule und von der Schule in den Beruf werden gemeinsam begleitet.",
            "Angebote der Jugendarbeit bleiben in allen Stadtteilen erreichbar.",
        ],
        "v2": [
            "Jedes Kind in Erfurt soll unabhängig vom Sozialraum gute Bildungs- und Entwicklungschancen haben.",
            "Kindertageseinrichtungen und Schulen in belasteten Sozialräumen erhalten zusätzliche personelle Unterstützung, etwa durch Schulsozialarbeit.",
            "Übergänge von der Kita in die Schule und von der Schule in den Beruf werden von Jugendamt, Amt für Bildung und Jobcenter gemeinsam begleitet.",
            "Angebote der Jugendarbeit bleiben in allen Stadtteilen erreichbar; in Großwohnsiedlungen werden sie ausgebaut.",
            "Eltern werden als Partner der Bildungseinrichtungen gestärkt.",
        ],
    },
    {
        "title": "Wohnen und Nachbarschaft",
        "description": "Bezahlbares Wohnen und lebendige Nachbarschaften gegen sozialräumliche Segregation. "
        + DEMO_NOTE,
        "v1": [
            "Die Stadt wirkt der zunehmenden sozialräumlichen Segregation entgegen.",
            "Bezahlbarer Wohnraum wird in allen Stadtteilen angeboten.",
            "Quartiersarbeit stärkt Nachbarschaften und den Zusammenhalt der Generationen.",
        ],
        "v2": [
            "Die Stadt wirkt der zunehmenden sozialräumlichen Segregation gemeinsam mit den Wohnungsunternehmen entgegen.",
            "Bezahlbarer Wohnraum wird in allen Stadtteilen angeboten; bei Neubau und Sanierung wird eine gute Mischung angestrebt.",
            "Quartiersarbeit stärkt Nachbarschaften und den Zusammenhalt der Generationen; eine gesamtstädtische Strategie für die Quartiersarbeit wird erarbeitet.",
            "Ortsteilräte und Ortsteilbürgermeister werden früh in die Planung einbezogen.",
        ],
    },
    {
        "title": "Gesundheit und Pflege im Quartier",
        "description": "Gesund älter werden und Pflege im vertrauten Wohnumfeld ermöglichen. "
        + DEMO_NOTE,
        "v1": [
            "Gesundheitsförderung setzt in den Sozialräumen an, in denen die Lebenserwartung und die Gesundheitschancen geringer sind.",
            "Pflegebedürftige Menschen sollen so lange wie möglich in ihrem Quartier leben können.",
            "Das Gesundheitsamt, die Pflegeberatung und die freien Träger stimmen ihre Angebote je Sozialraum ab.",
        ],
        "v2": [
            "Gesundheitsförderung setzt in den Sozialräumen an, in denen die Lebenserwartung und die Gesundheitschancen geringer sind.",
            "Pflegebedürftige Menschen sollen so lange wie möglich in ihrem Quartier leben können; dafür werden Nachbarschaftshilfe und Tagespflege gestärkt.",
            "Das Gesundheitsamt, die Pflegeberatung und die freien Träger stimmen ihre Angebote je Sozialraum ab.",
            "Umwelt- und Naturschutzamt und Gesundheitsamt achten gemeinsam auf Hitzeschutz in dicht bebauten Quartieren.",
        ],
    },
]

MEASURES = [
    # (theme index, title, level, office, partners, areas, time frame, status)
    (
        0,
        "Sozialberatung vor Ort in Großwohnsiedlungen",
        "area",
        "Amt für Soziales",
        "StadtLiga der freien Wohlfahrtspflege, KoWo",
        "Herrenberg, Wiesenhügel, Drosselberg",
        "2023–2025",
        "in_progress",
    ),
    (
        0,
        "Gemeinsames Antragsverfahren für Bildung und Teilhabe",
        "administration",
        "Amt für Soziales",
        "Jobcenter, Amt für Bildung",
        "gesamtstädtisch",
        "2023–2024",
        "planned",
    ),
    (
        0,
        "Runder Tisch Armutsprävention je Sozialraum",
        "interface",
        "Amt für Soziales",
        "Freie Träger, Ortsteilbürgermeister",
        "Roter Berg, Moskauer Platz",
        "ab 2023",
        "planned",
    ),
    (
        3,
        "Hitzeschutzplan für Pflegeeinrichtungen",
        "administration",
        "Gesundheitsamt",
        "Umwelt- und Naturschutzamt, Pflegedienste",
        "gesamtstädtisch",
        "2023",
        "done",
    ),
    (
        3,
        "Quartierslotsen für Pflege und Nachbarschaftshilfe",
        "area",
        "Amt für Soziales",
        "Wohnungsbaugenossenschaften, freie Träger",
        "Johannesplatz, Rieth",
        "2024–2026",
        "planned",
    ),
]

COMMENTS = {
    # theme index -> list of (anchor, author name, group, text, decision, reason)
    0: [
        (
            "2",
            "Referat Sozialplanung",
            "Amt für Soziales",
            "Die freien Träger sollten ausdrücklich als Partner genannt werden.",
            "accepted",
            "Wird in Fassung 2, § 2, ergänzt.",
        ),
        (
            "4",
            "Sachgebiet Leistungen",
            "Jobcenter",
            "Ein gemeinsames Antragsverfahren würde Familien viele Wege ersparen.",
            "partly",
            "Das gemeinsame Verfahren wird als Maßnahme geprüft; § 4 wurde angepasst.",
        ),
        (
            "",
            "Büro für Integration und Migration",
            "Verwaltung",
            "Der Text sollte auch ältere Menschen mit geringer Rente ansprechen.",
            "accepted",
            "Neuer § 5 in Fassung 2.",
        ),
        (
            "5",
            "Amt für Stadtentwicklung",
            "Verwaltung",
            "Ein jährlicher Bericht an den Ausschuss schafft Verbindlichkeit.",
            "accepted",
            "§ 6 in Fassung 2.",
        ),
    ],
    1: [
        (
            "2",
            "Fraktion A (Demo)",
            "Stadtratsfraktion",
            "Zusätzliche Unterstützung sollte konkret benannt werden, z. B. Schulsozialarbeit.",
            "accepted",
            "In § 2 aufgenommen.",
        ),
        (
            "4",
            "Fraktion B (Demo)",
            "Stadtratsfraktion",
            "Die Jugendarbeit in den Plattenbaugebieten braucht mehr Angebote, nicht nur Erhalt.",
            "partly",
            "Ausbau in Großwohnsiedlungen in § 4 aufgenommen; ein flächendeckender Ausbau ist nicht finanziert.",
        ),
        (
            "",
            "Fraktion C (Demo)",
            "Stadtratsfraktion",
            "Wir regen an, die Eltern stärker einzubeziehen.",
            "accepted",
            "Neuer § 5.",
        ),
        (
            "1",
            "Fraktion D (Demo)",
            "Stadtratsfraktion",
            "Bildung sollte auch Erwachsenenbildung umfassen.",
            "rejected",
            "Die Leitlinie konzentriert sich auf das Aufwachsen; Erwachsenenbildung gehört zur Leitlinie Teilhabe.",
        ),
    ],
    2: [
        (
            "1",
            "Ortsteilbürgermeisterin Nord (Demo)",
            "Ortsteil",
            "Die Wohnungsunternehmen müssen mit ins Boot.",
            "accepted",
            "In Fassung 2, § 1, ergänzt.",
        ),
        (
            "3",
            "Ortsteilbürgermeister Süd (Demo)",
            "Ortsteil",
            "Quartiersarbeit braucht eine stadtweite Strategie, sonst bleibt sie Stückwerk.",
            "accepted",
            "Die gesamtstädtische Strategie ist in § 3 aufgenommen.",
        ),
        (
            "",
            "Ortsteilbürgermeister West (Demo)",
            "Ortsteil",
            "Die Ortsteile wollen früher gefragt werden.",
            "accepted",
            "Neuer § 4.",
        ),
    ],
    3: [
        (
            "2",
            "Mitglied Begleitgremium (Demo)",
            "Begleitgremium",
            "Tagespflege und Nachbarschaftshilfe sollten genannt werden.",
            "noted",
            "Wird bei der nächsten Fassung berücksichtigt.",
        ),
        (
            "",
            "Wissenschaftliche Begleitung (Demo)",
            "Begleitgremium",
            "Hitzeschutz ist ein wachsendes Thema für ältere Menschen.",
            "noted",
            "Für die Fortschreibung vorgemerkt.",
        ),
    ],
}


def _committee() -> Committee:
    committee = Committee.objects.filter(kind=Committee.Kind.ACCOMPANYING).order_by("pk").first()
    if committee is None:
        committee, _created = Committee.objects.get_or_create(
            slug="begleitgremium",
            defaults={
                "name": "Begleitgremium Integrierte Sozialraumplanung",
                "kind": Committee.Kind.ACCOMPANYING,
                "founded_on": date(2021, 9, 28),
            },
        )
    return committee


AUDIENCES = [Audience.ADMINISTRATION, Audience.FACTIONS, Audience.DISTRICTS, Audience.COMMITTEE]
BERLIN = ZoneInfo("Europe/Berlin")
# The rounds on each Fassung 1 in 2022/23: (first day, last day), in the order of THEMES.
ROUND_DATES = [
    (date(2022, 6, 20), date(2022, 8, 31)),
    (date(2022, 9, 5), date(2022, 10, 14)),
    (date(2022, 12, 5), date(2023, 2, 28)),
    (date(2022, 10, 4), date(2022, 11, 15)),
]
# The public round on Bildung, Fassung 2, after the event of 02.12.2022.
PUBLIC_ROUND_2022 = (date(2022, 12, 5), date(2023, 1, 31))
PUBLIC_COMMENTS_2022 = [
    (
        "4",
        "Teilnehmerin Thementisch Bildung (Demo)",
        "Öffentlichkeit",
        "Offene Treffs für Jugendliche am Abend fehlen in den Großwohnsiedlungen.",
        "accepted",
        "In § 4 aufgenommen: Ausbau in Großwohnsiedlungen.",
    ),
    (
        "",
        "Elternvertretung Grundschule (Demo)",
        "Öffentlichkeit",
        "Bitte die Eltern ausdrücklich als Partner nennen.",
        "accepted",
        "§ 5 nennt die Eltern als Partner der Bildungseinrichtungen.",
    ),
]


def _start(day: date) -> datetime:
    return datetime.combine(day, time(8, 0), tzinfo=BERLIN)


def _end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=BERLIN)


def _answered_round(*, version, audience, title, dates, comments, staff):
    """A past round with its comments (dated inside the round) and every Abwägung."""
    consultation_round = services.round_create(
        version=version,
        audience=audience,
        title=title,
        starts_at=_start(dates[0]),
        ends_at=_end(dates[1]),
        actor=staff,
        description="Demo-Runde: abgeschlossen und abgewogen.",
    )
    for anchor, name, group, text, decision, reason in comments:
        comment = comment_create(
            target=consultation_round,
            body=text,
            anchor=anchor,
            author_name=name,
            author_group=group,
        )
        services.disposition_set(comment=comment, decision=decision, reason=reason, actor=staff)
    Comment.objects.filter(
        target_id=str(consultation_round.pk), target_type__model="consultationround"
    ).update(created_at=_start(dates[0]) + timedelta(days=7))
    return consultation_round


def _closed_round(*, version, index, staff):
    return _answered_round(
        version=version,
        audience=AUDIENCES[index],
        title=f"Beteiligung {AUDIENCES[index].label}",
        dates=ROUND_DATES[index],
        comments=COMMENTS[index],
        staff=staff,
    )


PLAN_TEXTS = {
    "needs_city": (
        "Planerische Bedarfe der Verwaltung, wie sie das Begleitgremium erörtert hat: ein "
        "gemeinsames Planungs- und Raumverständnis aller Fachplanungen und abgestimmte "
        f"Datengrundlagen aus dem Sozialstrukturatlas. {DEMO_NOTE}"
    ),
    "needs_area": (
        "Bedarfe der Sozialräume: Angebote dort bündeln, wo der Sozialindex eine besondere "
        f"Belastung zeigt, und die Ortsteilvertretungen früh beteiligen. {DEMO_NOTE}"
    ),
    "needs_quarter": (
        "Bedarfe der Quartiere und der Schnittstelle zur Verwaltung: feste Ansprechpersonen, "
        f"kurze Wege zwischen Quartiersarbeit und Fachämtern. {DEMO_NOTE}"
    ),
    "study_findings": (
        "Die Studie „Integrationsoptionen von Quartiersarbeit im Rahmen der integrierten "
        "Sozialraumplanung in der Landeshauptstadt Erfurt“ der Bundesarbeitsgemeinschaft Soziale "
        "Stadtentwicklung und Gemeinwesenarbeit e.V. untersucht, wie vergleichbare Kommunen "
        "Quartiersarbeit und Quartiersmanagement innerhalb der Verwaltung organisieren und durch "
        "welche Verwaltungsstrukturen sie begleitet werden.\n\n"
        f"Die Ergebnisse wurden im November 2022 vorgestellt. {DEMO_NOTE}"
    ),
    "quarter_strategy": (
        "Aus den Ergebnissen der Studie und ihrer Diskussion in den Beteiligungsstrukturen "
        "leitet die Stadt eine gesamtstädtische Strategie für Quartiersarbeit und "
        f"Quartiersmanagement ab. {DEMO_NOTE}"
    ),
}


def _seed_plan_texts(staff) -> None:
    services.plan_texts_save(actor=staff, texts=PLAN_TEXTS)


def _seed_report_cycle(staff) -> None:
    from .reports.services import add_months, report_cycle_set

    ausschuss = Committee.objects.filter(slug="ausschuss-soziales").first()
    report_cycle_set(
        actor=staff,
        interval_months=12,
        next_due_on=add_months(timezone.localdate(), 2),
        remind_days_before=28,
        committee=ausschuss,
    )


def seed(out) -> list[tuple[str, str, str]]:
    staff = ensure_demo_user(
        "geschaeftsstelle@demo.erfurt-srp.de", "Sven", "Sozialplaner", is_staff=True
    )
    citizen = ensure_demo_user("buergerin@demo.erfurt-srp.de", "Berta", "Bürgerin")
    if not Theme.objects.filter(is_demo=True).exists():
        _history(staff)
        out.write("leitlinien: 4 themes, 8 versions, 5 rounds of 2022/23, 5 measures\n")
    if _open_public_round(staff, citizen):
        out.write("leitlinien: a public round open from today\n")
    return [
        ("staff", "geschaeftsstelle@demo.erfurt-srp.de", DEMO_PASSWORD),
        ("public", "buergerin@demo.erfurt-srp.de", DEMO_PASSWORD),
    ]


def _open_public_round(staff, citizen):
    """A public round open today on the Wohnen guideline's newest version, unless one is open."""
    if open_public_rounds().exists():
        return None
    version = (
        GuidelineVersion.objects.filter(
            guideline__theme__is_demo=True,
            guideline__theme__title=THEMES[2]["title"],
            state__in=[GuidelineVersion.State.DRAFT, GuidelineVersion.State.CONSULTATION],
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        return None
    now = timezone.now()
    consultation_round = services.round_create(
        version=version,
        audience=Audience.PUBLIC,
        title="Öffentliche Beteiligung zur Leitlinie Wohnen und Nachbarschaft",
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=40),
        actor=staff,
        description="Demo-Runde: Kommentieren Sie einzelne Absätze oder den ganzen Text.",
    )
    services.round_comment_create(
        consultation_round=consultation_round,
        actor=citizen,
        anchor="3",
        body="In unserem Viertel fehlt ein offener Nachbarschaftstreff. (Demo)",
    )
    services.round_comment_create(
        consultation_round=consultation_round,
        actor=citizen,
        body="Gut, dass die Ortsteile früh gefragt werden sollen. (Demo)",
    )
    return consultation_round


def _history(staff):
    committee = _committee()
    versions = []
    for index, spec in enumerate(THEMES):
        theme = services.theme_create(
            committee=committee,
            title=spec["title"],
            description=spec["description"],
            decided_on=date(2022, 5, 10),
            position=index + 1,
            actor=staff,
            is_demo=True,
        )
        guideline = theme.guideline
        v1 = services.version_create(
            guideline=guideline,
            actor=staff,
            text="\n\n".join(spec["v1"]),
            change_note="Erster Entwurf aus dem Begleitgremium (Demo)",
        )
        consultation_round = _closed_round(version=v1, index=index, staff=staff)
        v2 = services.version_create(
            guideline=guideline,
            actor=staff,
            text="\n\n".join(spec["v2"]),
            change_note="Ergebnisse der Beteiligung eingearbeitet (Demo)",
        )
        Disposition.objects.filter(
            round=consultation_round, decision__in=["accepted", "partly"]
        ).update(taken_up_in=v2)
        services.round_close(consultation_round=consultation_round, actor=staff)
        versions.append((v1, v2))

    # Teilhabe: Fassung 2 adopted. Gesundheit: Fassung 1 adopted, Fassung 2 is the next draft.
    services.version_adopt(
        version=versions[0][1],
        actor=staff,
        decided_on=date(2023, 3, 14),
        reference="Begleitgremium, Sitzung am 14.03.2023, TOP 3 (Demo)",
    )
    services.version_adopt(
        version=versions[3][0],
        actor=staff,
        decided_on=date(2023, 1, 17),
        reference="Begleitgremium, Sitzung am 17.01.2023, TOP 2 (Demo)",
    )
    # Bildung: Fassung 2 in the public round after the event of 02.12.2022.
    public_round = _answered_round(
        version=versions[1][1],
        audience=Audience.PUBLIC,
        title="Öffentliche Beteiligung nach der Veranstaltung am 02.12.2022",
        dates=PUBLIC_ROUND_2022,
        comments=PUBLIC_COMMENTS_2022,
        staff=staff,
    )
    services.round_close(consultation_round=public_round, actor=staff)
    themes = {t.title: t for t in Theme.objects.select_related("guideline")}
    for theme_index, title, level, office, partners, areas, frame, status in MEASURES:
        services.measure_create(
            guideline=themes[THEMES[theme_index]["title"]].guideline,
            actor=staff,
            is_demo=True,
            title=title,
            description=f"{title}: {DEMO_NOTE}",
            planning_level=level,
            responsible_office=office,
            partners=partners,
            social_areas=areas,
            time_frame=frame,
            status=status,
        )
    _seed_plan_texts(staff)
    _seed_report_cycle(staff)
