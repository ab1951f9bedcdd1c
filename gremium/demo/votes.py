"""Demo data: the ThINKA site decision (statements of all institutions, a closed, carried vote)
and one open vote for the coming meeting. Idempotent; does nothing without the Begleitgremium
and the Geschäftsstelle demo login (seeded by accounts and gremium.committees before).

Subject of the site decision: the "Standortentscheidung ThINKA" agenda item of a Begleitgremium
meeting when the meetings seeder made one (dated to that meeting), else the Begleitgremium itself.
The open (secret) vote's subject: the coming meeting's "Abstimmung" item, else its first item,
else the Begleitgremium.
Demo data is written without e-mails (notify=False).
"""

from datetime import timedelta

from django.utils import timezone

from gremium.models import (
    AgendaItem,
    Committee,
    Meeting,
    Membership,
    Statement,
    StatementRound,
    Vote,
)
from gremium.selectors import statements as statement_selectors
from gremium.selectors import votes as vote_selectors
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services

STAFF_EMAIL = "geschaeftsstelle@demo.erfurt-srp.de"
SITE_QUESTION = (
    "Empfiehlt das Begleitgremium dem Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung "
    "die vorgeschlagenen Standorte für das Quartiersprojekt ThINKA Erfurt?"
)
OPEN_QUESTION = (
    "Stimmt das Begleitgremium der vorgeschlagenen Verteilung der Fördermittel für die "
    "Quartiersarbeit 2023 zu?"
)

STATEMENT_BY_KIND = {
    "administration": (
        "Aus Sicht unseres Amtes sind die vorgeschlagenen ThINKA-Standorte fachlich gut begründet: "
        "Sie liegen in Sozialräumen mit hohem Sozialindex, und unsere Angebote vor Ort lassen sich "
        "mit der Quartiersarbeit verknüpfen. Wir bitten, die Erreichbarkeit für Familien und "
        "ältere Menschen bei der Raumwahl zu berücksichtigen."
    ),
    "provider": (
        "Die freien Träger begrüßen die Standorte. Wichtig ist eine verlässliche Finanzierung der "
        "Quartiersarbeit über mehrere Jahre und die Einbindung der bestehenden Netzwerke im "
        "Stadtteil."
    ),
    "housing": (
        "Als Wohnungsunternehmen mit Beständen in den betroffenen Quartieren unterstützen wir die "
        "Standorte und sind bereit, geeignete Räume zur Verfügung zu stellen und die "
        "Mieterschaft über die Angebote zu informieren."
    ),
    "science": (
        "Die wissenschaftliche Begleitung hält die Auswahl für nachvollziehbar, da sie sich auf "
        "den Sozialstrukturatlas 2020 stützt. Wir empfehlen, Wirkungsindikatoren von Beginn an "
        "festzulegen, um die Standorte nach zwei Jahren zu bewerten."
    ),
    "jobcenter": (
        "Das Jobcenter unterstützt die Standorte; viele Bedarfsgemeinschaften leben in diesen "
        "Sozialräumen. Wir bieten Sprechstunden in den ThINKA-Anlaufstellen an."
    ),
}

# Ballots of the 18 institutions (in name order): 15 yes, 1 no, 2 abstentions.
BALLOTS = ["yes"] * 8 + ["abstain"] + ["yes"] * 5 + ["no"] + ["yes"] * 2 + ["abstain"]


OWN_ITEM = "ThINKA: Standortentscheidung"


def _staff_user():
    from erfurt_srp.accounts.models import User

    return User.objects.filter(email=STAFF_EMAIL, is_staff=True).first()


def _site_subject(committee):
    items = AgendaItem.objects.filter(
        meeting__committee=committee, name__icontains="ThINKA"
    ).select_related("meeting")
    item = (
        items.filter(name__icontains="Standortentscheidung").order_by("meeting__start").first()
        or items.order_by("meeting__start").first()
    )
    return item or _own_agenda_item(committee)


def _next_meeting_subject(committee):
    coming = AgendaItem.objects.filter(
        meeting__committee=committee, meeting__start__gt=timezone.now()
    ).order_by("meeting__start", "order")
    return (
        coming.filter(name__icontains="Abstimmung").first()
        or coming.first()
        or _own_agenda_item(committee)
    )


def _own_agenda_item(committee) -> AgendaItem:
    """Without the meetings demo: a coming meeting with the ThINKA item to decide on (votes and
    statement rounds are about agenda items, guideline versions or deliberations only)."""
    item = AgendaItem.objects.filter(meeting__committee=committee, name=OWN_ITEM).first()
    if item is not None:
        return item
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=14)
    number = (
        Meeting.objects.filter(committee=committee)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    meeting = Meeting.objects.create(
        committee=committee,
        number=number,
        start=start,
        end=start + timedelta(hours=2),
        state=Meeting.State.PUBLISHED,
        published_at=timezone.now(),
    )
    return AgendaItem.objects.create(meeting=meeting, order=1, name=OWN_ITEM)


def _members_by_institution(committee) -> dict[int, list[Membership]]:
    result: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.active()
        .filter(committee=committee, person__user__isnull=False)
        .select_related("person__user", "institution")
        .order_by("role")
    ):
        result.setdefault(membership.institution_id, []).append(membership)
    for memberships in result.values():
        memberships.sort(key=lambda m: m.role != Membership.Role.MEMBER)
    return result


def _seed_site_decision(committee, staff, out) -> None:
    subject = _site_subject(committee)
    if vote_selectors.votes_for_subject(subject).filter(question=SITE_QUESTION).exists():
        return
    people = _members_by_institution(committee)
    institutions = list(committee.institutions.order_by("name"))
    statement_round = statement_selectors.statement_round_for_subject(subject, committee)
    if statement_round is None:
        statement_round = statement_services.statement_round_open(
            committee=committee,
            subject=subject,
            title="Fachliche Stellungnahmen zu den ThINKA-Standorten",
            description="Jede Institution legt ihre fachliche Sichtweise zu den Standorten dar.",
            deadline=timezone.now() + timedelta(days=1),
            actor=staff,
            notify=False,
        )
    for institution in institutions:
        memberships = people.get(institution.pk)
        if not memberships:
            continue
        if Statement.objects.filter(round=statement_round, institution=institution).exists():
            continue
        statement_services.statement_submit(
            statement_round=statement_round,
            actor=memberships[0].person.user,
            text=STATEMENT_BY_KIND.get(institution.kind, STATEMENT_BY_KIND["administration"]),
        )
    vote = vote_services.vote_open(
        committee=committee,
        subject=subject,
        question=SITE_QUESTION,
        kind=Vote.Kind.YES_NO,
        ballot_unit=Vote.BallotUnit.INSTITUTION,
        deadline=timezone.now() + timedelta(days=1),
        requires_complete_statement_round=None,
        actor=staff,
        notify=False,
    )
    options = {o.key: o.pk for o in vote.options.all()}
    for institution, key in zip(institutions, BALLOTS, strict=False):
        memberships = people.get(institution.pk)
        if memberships:
            vote_services.ballot_cast(
                vote=vote, actor=memberships[0].person.user, choice=options[key]
            )
    vote = vote_services.vote_close(vote=vote, actor=staff, notify=False)
    meeting = getattr(subject, "meeting", None)
    if meeting is not None and meeting.start < timezone.now():
        # Date the decision as taken in its meeting (demo only; no history entry needed).
        StatementRound.objects.filter(pk=statement_round.pk).update(
            opened_at=meeting.start - timedelta(days=21),
            deadline=meeting.start - timedelta(days=2),
            status=StatementRound.Status.CLOSED,
        )
        Statement.objects.filter(round=statement_round).update(
            created_at=meeting.start - timedelta(days=7),
            updated_at=meeting.start - timedelta(days=7),
        )
        Vote.objects.filter(pk=vote.pk).update(
            opened_at=meeting.start,
            deadline=meeting.start + timedelta(hours=1),
            closed_at=meeting.start + timedelta(hours=1),
        )
    out.write(f"gremium.votes: ThINKA site decision on {subject} ({vote.get_result_display()})\n")


def _seed_open_vote(committee, staff, out) -> None:
    subject = _next_meeting_subject(committee)
    if vote_selectors.votes_for_subject(subject).filter(question=OPEN_QUESTION).exists():
        return
    meeting = getattr(subject, "meeting", None)
    deadline = timezone.now() + timedelta(days=10)
    if meeting is not None and meeting.start > timezone.now() + timedelta(hours=2):
        deadline = meeting.start - timedelta(hours=1)  # online until the meeting begins
    vote_services.vote_open(
        committee=committee,
        subject=subject,
        question=OPEN_QUESTION,
        description=(
            "Vertrauliche Abstimmung (geheim): Online-Stimmabgabe bis zur Sitzung; wer "
            "abgestimmt hat, ist sichtbar, wie, sieht niemand."
        ),
        kind=Vote.Kind.YES_NO,
        ballot_unit=Vote.BallotUnit.INSTITUTION,
        secret=True,
        deadline=deadline,
        requires_complete_statement_round=False,
        actor=staff,
        notify=False,
    )
    out.write(f"gremium.votes: open vote on {subject}\n")


def seed(out) -> list[tuple[str, str, str]]:
    committee = Committee.objects.filter(slug="begleitgremium").first()
    staff = _staff_user()
    if committee is None or staff is None or not committee.institutions.exists():
        return []
    _seed_site_decision(committee, staff, out)
    _seed_open_vote(committee, staff, out)
    return []
