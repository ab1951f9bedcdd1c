"""Reads for votes.

Public API: votes_for_subject(subject), vote_result(vote), subject_votes_context(user, subject)
and, for many subjects at once (a meeting's agenda), subject_votes_for_subjects(user, subjects);
statement rounds are read in gremium.selectors.statements. The result sheet never contains who
voted what in a secret vote: for secret votes `vote_result(vote).ballots` is always empty.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef

from erfurt_srp.accounts.roles import is_staff

from ..models import Ballot, Participation, Statement, StatementRound, Vote
from ..permissions import (
    can_view_round,
    can_view_vote,
    is_committee_member,
    subject_visibility,
    user_committee_ids,
    user_memberships,
    voter_for,
)
from ..services.statements import statement_round_open_url
from ..services.votes import vote_open_url
from ..tallies import compute_result
from .common import subject_filter, visible_page, visible_pages
from .statements import statement_round_for_subject, statement_round_list_for_user


def votes_for_subject(subject):
    """All votes on a subject, newest first, options prefetched."""
    return (
        Vote.objects.filter(**subject_filter(subject))
        .select_related("committee")
        .prefetch_related("options")
    )


def vote_list_for_user(user, *, status: str | None = None):
    """Votes the user may see (committee rule in SQL, subject rule after fetching a page)."""
    qs = Vote.objects.select_related("committee").annotate(
        cast_count=Count("ballots", distinct=True) + Count("participations", distinct=True)
    )
    if status:
        qs = qs.filter(status=status)
    if not is_staff(user):
        qs = qs.filter(committee_id__in=user_committee_ids(user))
    return qs.order_by("-opened_at", "-id")


def visible_votes(user, objects) -> list:
    return visible_page(user, objects, can_view_vote)


@dataclass
class OptionRow:
    option_id: int
    label: str
    count: int
    points: int | None


@dataclass
class BallotRow:
    institution: str
    person: str
    role: str
    choice: str
    changed_at: object


@dataclass
class VoteResult:
    vote: Vote
    closed: bool
    options: list[OptionRow]
    participants: int
    eligible: int
    quorum: int
    result_label: str
    # Secret votes show no counts before they close, nor when they ended with too few ballots.
    counts_hidden: bool = False
    ballots: list[BallotRow] = field(default_factory=list)  # open votes only
    voted: list[str] = field(default_factory=list)  # who has voted (also for secret votes)


def _voter_label(institution, person, ballot_unit) -> str:
    if ballot_unit == Vote.BallotUnit.INSTITUTION and institution is not None:
        return institution.name
    return str(person)


def vote_result(vote: Vote, options=None) -> VoteResult:
    """The result sheet: options with counts (live counts while open), participation, and the
    per-voter ballots for open (not secret) votes only. options: the vote's options if the
    caller already has them."""
    options = list(vote.options.all()) if options is None else list(options)
    ranked = vote.kind == Vote.Kind.RANKED
    if vote.is_open and vote.secret:
        # No interim counts: watching them change as people vote would reveal their choices.
        counts, points, participants = {}, {}, vote.participations.count()
        label = str(Vote.Status.OPEN.label)
    elif vote.is_open:
        rows = list(vote.ballots.values_list("choice_id", "ranking"))
        computed = compute_result(
            kind=vote.kind,
            quorum=vote.quorum,
            options=options,
            choices=[c for c, _r in rows if c is not None],
            rankings=[r for _c, r in rows if r],
        )
        counts, points, participants = (
            computed["counts"],
            computed["points"],
            computed["participants"],
        )
        label = str(Vote.Status.OPEN.label)
    else:
        counts, points = vote.result_counts, vote.result_points
        participants = vote.participants or 0
        label = vote.get_result_display()
    option_rows = [
        OptionRow(
            option_id=o.pk,
            label=o.display_label,
            count=int(counts.get(str(o.pk), 0)),
            points=int(points.get(str(o.pk), 0)) if ranked else None,
        )
        for o in options
    ]
    if ranked:
        option_rows.sort(key=lambda r: -(r.points or 0))
    result = VoteResult(
        vote=vote,
        closed=not vote.is_open,
        options=option_rows,
        participants=participants,
        eligible=vote.eligible_count,
        quorum=vote.quorum,
        result_label=label,
        counts_hidden=vote.secret and (vote.is_open or vote.result == Vote.Result.TOO_FEW),
    )
    if vote.secret:
        participations = Participation.objects.filter(vote=vote).select_related(
            "institution", "person"
        )
        result.voted = sorted(
            _voter_label(p.institution, p.person, vote.ballot_unit) for p in participations
        )
        return result
    by_id = {o.pk: o.display_label for o in options}
    ballots = Ballot.objects.filter(vote=vote).select_related("institution", "person")
    for ballot in ballots:
        if ranked:
            choice = " > ".join(by_id.get(int(i), "?") for i in ballot.ranking)
        else:
            choice = by_id.get(ballot.choice_id, "")
        result.ballots.append(
            BallotRow(
                institution=ballot.institution.name if ballot.institution_id else "",
                person=str(ballot.person),
                role=ballot.get_cast_role_display(),
                choice=choice,
                changed_at=ballot.changed_at,
            )
        )
    result.ballots.sort(key=lambda b: (b.institution, b.person))
    result.voted = sorted(_voter_label(b.institution, b.person, vote.ballot_unit) for b in ballots)
    return result


def my_ballot(user, vote: Vote):
    """The user's own ballot in an open vote (None for secret votes: it is not linkable)."""
    voter = voter_for(user, vote)
    if voter is None:
        return None, None
    if vote.secret:
        return voter, Participation.objects.filter(vote=vote, voter_key=voter.key).first()
    return voter, Ballot.objects.filter(vote=vote, voter_key=voter.key).select_related(
        "person"
    ).first()


def open_items_for_member(user) -> dict:
    """Open votes where the user's unit has not voted and open rounds missing their statement,
    with the columns the dashboard shows and the subject rule needs."""
    committee_ids = user_committee_ids(user)
    if not committee_ids:
        return {"votes": [], "rounds": []}
    memberships = user_memberships(user)
    voter_keys = {f"institution:{m.institution_id}" for m in memberships} | {
        f"person:{m.person_id}" for m in memberships
    }
    columns = ("id", "committee_id", "subject_type_id", "subject_id", "deadline")
    votes = (
        Vote.objects.filter(status=Vote.Status.OPEN, committee_id__in=committee_ids)
        .filter(
            ~Exists(Ballot.objects.filter(vote=OuterRef("pk"), voter_key__in=voter_keys)),
            ~Exists(Participation.objects.filter(vote=OuterRef("pk"), voter_key__in=voter_keys)),
        )
        .only(*columns, "question")
        .order_by("deadline", "id")[:20]
    )
    institution_ids = {m.institution_id for m in memberships}
    rounds = (
        StatementRound.objects.filter(
            status=StatementRound.Status.OPEN, committee_id__in=committee_ids
        )
        .filter(
            ~Exists(
                Statement.objects.filter(round=OuterRef("pk"), institution_id__in=institution_ids)
            )
        )
        .only(*columns, "title")
        .order_by("deadline", "id")[:20]
    )
    votes, rounds = visible_pages(user, (votes, can_view_vote), (rounds, can_view_round))
    return {"votes": votes, "rounds": rounds}


def open_items_for_staff(user, *, limit: int = 10) -> dict:
    """The newest open votes and statement rounds with their counts, with the columns the
    dashboard shows and the subject rule reads."""
    columns = ("id", "committee_id", "subject_type_id", "subject_id")
    votes = (
        vote_list_for_user(user, status=Vote.Status.OPEN)
        .select_related(None)
        .only(*columns, "question", "eligible_count")[:limit]
    )
    rounds = (
        statement_round_list_for_user(user, status=StatementRound.Status.OPEN)
        .select_related(None)
        .only(*columns, "title")[:limit]
    )
    votes, rounds = visible_pages(user, (votes, can_view_vote), (rounds, can_view_round))
    return {"votes": votes, "rounds": rounds}


def subject_votes_context(user, subject, committee=None) -> dict:
    """Context for the partial "gremium/votes/_subject_votes.html" that another app's page
    includes to show (and, for staff, open) the votes and the statement round on its subject:

        {% include "gremium/votes/_subject_votes.html" with sv=subject_votes %}
    """
    votes = [v for v in votes_for_subject(subject) if committee is None or v.committee == committee]
    votes = [v for v in votes if can_view_vote(user, v)]
    for vote in votes:
        vote.can_vote = vote.is_open and is_committee_member(user, vote.committee_id)
    statement_round = statement_round_for_subject(subject, committee)
    if statement_round is not None and not can_view_round(user, statement_round):
        statement_round = None
    manage = is_staff(user)
    return {
        "votes": votes,
        "statement_round": statement_round,
        "can_manage": manage,
        "vote_open_url": vote_open_url(subject, committee) if manage else "",
        "round_open_url": statement_round_open_url(subject, committee)
        if manage and statement_round is None
        else "",
    }


def subject_votes_for_subjects(
    user, subjects, committee=None, *, with_votes=None, with_rounds=None
) -> dict:
    """subject_votes_context for many subjects of one model at once (a meeting's agenda items):
    {subject.pk: context}, in 2 queries however many subjects and votes there are (none for
    visitors who may see no votes). Subjects whose context would be empty are left out.

    The callers pass subjects the user may see; the subject rule is checked again without a
    query, on the instances given (e.g. agenda items with their meeting and committee loaded).
    Contexts also carry `can_vote`: the user is a member of the vote's committee (the partial
    then links to the ballot of open votes).

    `with_votes` / `with_rounds`: when the caller knows which subjects have any votes / rounds
    at all (their pks), only those are looked up (no query when there are none).
    """
    subjects = [s for s in subjects if subject_visibility.can_view(user, s)]
    manage = is_staff(user)
    if not subjects or not (manage or user_committee_ids(user)):
        return {}

    by_id = {str(s.pk): s for s in subjects}
    where = {"subject_type": ContentType.objects.get_for_model(subjects[0])}
    where["subject_id__in"] = list(by_id)
    if committee is not None:
        where["committee"] = committee
    if not manage:
        # Members see the votes and rounds of their own committees only.
        where["committee_id__in"] = user_committee_ids(user)

    def lookup(model, having, *shown):
        """What the partial shows of the model's rows on these subjects (and their rules)."""
        keys = list(by_id) if having is None else [k for k, s in by_id.items() if s.pk in having]
        if not keys:
            return model.objects.none()
        return (
            model.objects.filter(**{**where, "subject_id__in": keys})
            .only("committee_id", "subject_type_id", "subject_id", "status", *shown)
            .order_by("-opened_at", "-id")
        )

    votes: dict[str, list] = {}
    for vote in lookup(Vote, with_votes, "question", "result"):
        # The subject rule runs on the loaded instance (no query per vote).
        Vote._meta.get_field("subject").set_cached_value(vote, by_id[vote.subject_id])
        if can_view_vote(user, vote):
            votes.setdefault(vote.subject_id, []).append(vote)
    rounds: dict[str, StatementRound] = {}
    for statement_round in lookup(StatementRound, with_rounds, "title"):
        StatementRound._meta.get_field("subject").set_cached_value(
            statement_round, by_id[statement_round.subject_id]
        )
        if statement_round.subject_id not in rounds and can_view_round(user, statement_round):
            rounds[statement_round.subject_id] = statement_round
    member_of = user_committee_ids(user)
    contexts = {}
    for key, subject in by_id.items():
        subject_votes = votes.get(key, [])
        for vote in subject_votes:
            vote.can_vote = vote.is_open and vote.committee_id in member_of
        statement_round = rounds.get(key)
        if not (subject_votes or statement_round or manage):
            continue
        contexts[subject.pk] = {
            "votes": subject_votes,
            "statement_round": statement_round,
            "can_manage": manage,
            "vote_open_url": vote_open_url(subject, committee) if manage else "",
            "round_open_url": statement_round_open_url(subject, committee)
            if manage and statement_round is None
            else "",
        }
    return contexts
