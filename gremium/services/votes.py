"""Writes for votes (Abstimmungen); statement rounds are in gremium.services.statements.

Public API for other apps (the subject is any model instance; gremium never imports them):

    from gremium.selectors import votes as vote_selectors
    from gremium.services import statements as statement_services
    from gremium.services import votes as vote_services

    vote = vote_services.vote_open(
        committee=committee, subject=guideline_version, question="Fassung 3 annehmen?",
        kind=Vote.Kind.YES_NO,            # or SINGLE / RANKED with options=["A", "B", ...]
        options=None, ballot_unit=Vote.BallotUnit.INSTITUTION, secret=False,
        deadline=aware_datetime_or_None, quorum=None,   # None: more than half of the voters
        requires_complete_statement_round=None,         # None: required if a round exists
        actor=staff_user)
    statement_services.statement_round_open(committee=..., subject=..., title=...,
                                            deadline=..., actor=staff_user)
    vote_services.on_vote_closed.register(GuidelineVersion, callback)   # in AppConfig.ready()
        # callback(vote) runs after the commit of the close; vote.result is one of
        # Vote.Result (CARRIED, REJECTED, NO_QUORUM, DECIDED, TIED, RANKED)
    gremium.permissions.subject_visibility.register(Model, can_view(user, subject), queryset=None)
    vote_selectors.votes_for_subject(subject), vote_selectors.vote_result(vote),
    vote_selectors.statement_round_for_subject(subject, committee=None),
    vote_selectors.statement_completeness(statement_round)
    vote_services.vote_open_url(subject, committee=None) / statement_services.statement_round_open_url:
        the staff pages that open a vote / a round on a subject
    vote_selectors.subject_votes_context(user, subject) + the partial
        {% include "gremium/votes/_subject_votes.html" with sv=subject_votes %}
        show a subject's votes and round on its own page (with "open" links for staff)
    notify=False on vote_open / vote_close / statement_round_open: no e-mails (imports, demo)

Rules:
- Ballot unit "institution": one ballot per institution. Its member or its deputy casts it.
  A member's ballot takes precedence: a member's later ballot replaces the deputy's earlier one,
  a deputy cannot change a ballot the member has cast. Either may change their own ballot until
  the vote closes (open votes). Ballot unit "person": one ballot per person (members and deputies).
- Secret votes store who took part (Participation) and no ballot: each ballot adds its share to
  the vote's SecretTally rows (running sums per option, see gremium.models.votes). Since nothing
  links the two, a secret ballot is final once cast. A secret vote needs at least
  settings.SECRET_VOTE_MIN_BALLOTS voters to open and as many ballots to be closed by staff; a
  deadline that passes with fewer ends it without a result (Vote.Result.TOO_FEW), so that no
  result shows what a single voter chose.
- Online ballots are accepted while the vote is open and before its deadline. Every service
  locks the vote row before checking, so a ballot can never land after the close; the unique
  constraint (vote, voter_key) keeps one ballot per voter even without the lock.
- Result: the arithmetic (quorum, yes/no, single choice, Borda count) is gremium.tallies.
- Statement rounds: one statement per institution (unique (round, institution)); a second
  submission edits the first (history kept). Statements are accepted while the round is open
  (its deadline drives the reminder; staff close the round). Files: settings.UPLOAD_MAX_BYTES,
  settings.UPLOAD_ALLOWED_EXTENSIONS.
- Closing a vote on an agenda item writes the result into AgendaItem.result and, when the
  meeting has minutes, into the item's MinutesEntry.result.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.core.errors import DomainError

from ..models import (
    AgendaItem,
    Ballot,
    Committee,
    Membership,
    Minutes,
    MinutesEntry,
    Participation,
    SecretTally,
    StatementRound,
    Vote,
    VoteOption,
)
from ..permissions import subject_visibility, voter_for
from ..tallies import ballot_tally, compute_result, decide, secret_result
from .common import (
    REMINDER_BEFORE,
    absolute_url,
    committee_recipients,
    queue_messages,
    short_datetime,
    subject_fields,
)
from .statements import statement_round_is_complete, statement_round_remind


class SubjectHooks:
    """A registry of callables per subject model, called with the closed vote after commit."""

    def __init__(self):
        self._hooks: dict[type, list[Callable]] = {}

    def register(self, model: type, callback: Callable) -> None:
        callbacks = self._hooks.setdefault(model, [])
        if callback not in callbacks:
            callbacks.append(callback)

    def callbacks_for(self, model: type) -> list[Callable]:
        return list(self._hooks.get(model, []))


on_vote_closed = SubjectHooks()


def _eligible_count(committee: Committee, ballot_unit: str) -> int:
    if ballot_unit == Vote.BallotUnit.PERSON:
        return (
            Membership.objects.active()
            .filter(committee=committee)
            .values("person_id")
            .distinct()
            .count()
        )
    return committee.institutions.count()


def _options_for(kind: str, options) -> list[tuple[str, str]]:
    if kind == Vote.Kind.YES_NO:
        return [("yes", _("Ja")), ("no", _("Nein")), ("abstain", _("Enthaltung"))]
    labels = [str(o).strip() for o in (options or []) if str(o).strip()]
    if len(labels) < 2:
        raise DomainError(_("Bitte nennen Sie mindestens zwei Optionen."), field="options")
    if len({label.lower() for label in labels}) != len(labels):
        raise DomainError(_("Jede Option darf nur einmal vorkommen."), field="options")
    if any(len(label) > 255 for label in labels):
        raise DomainError(_("Eine Option ist länger als 255 Zeichen."), field="options")
    return [("", label) for label in labels]


def vote_open(
    *,
    committee: Committee,
    subject,
    question: str,
    kind: str = Vote.Kind.YES_NO,
    options: list[str] | None = None,
    ballot_unit: str = Vote.BallotUnit.INSTITUTION,
    secret: bool = False,
    deadline=None,
    quorum: int | None = None,
    requires_complete_statement_round: bool | None = None,
    description: str = "",
    actor,
    notify: bool = True,
) -> Vote:
    """Open a vote of a committee on a subject and tell its members and deputies.

    quorum None means more than half of the voters. requires_complete_statement_round: True
    requires a complete round of this committee on the same subject, None requires it when such
    a round exists, False never.
    """
    require_staff(actor)
    question = (question or "").strip()
    if not question:
        raise DomainError(_("Bitte geben Sie die Frage ein."), field="question")
    if kind not in Vote.Kind.values:
        raise DomainError(_("Unbekannte Art der Abstimmung."), field="kind")
    if ballot_unit not in Vote.BallotUnit.values:
        raise DomainError(_("Unbekannte Art der Stimmberechtigung."), field="ballot_unit")
    option_specs = _options_for(kind, options)
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise DomainError(_("Die Frist muss in der Zukunft liegen."), field="deadline")
    fields = subject_fields(subject)

    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        eligible = _eligible_count(committee, ballot_unit)
        if eligible == 0:
            raise DomainError(_("Dieses Gremium hat keine Stimmberechtigten."), field="committee")
        min_ballots = settings.SECRET_VOTE_MIN_BALLOTS
        if secret and eligible < min_ballots:
            raise DomainError(
                _(
                    "Eine geheime Abstimmung braucht mindestens %(min)s Stimmberechtigte, damit "
                    "ihr Ergebnis nicht zeigt, wie Einzelne abgestimmt haben; dieses Gremium hat "
                    "%(eligible)s."
                )
                % {"min": min_ballots, "eligible": eligible},
                field="secret",
            )
        if quorum is None:
            quorum = eligible // 2 + 1
        if quorum < 1:
            raise DomainError(_("Die Beschlussfähigkeit muss mindestens 1 sein."), field="quorum")
        if quorum > eligible:
            raise DomainError(
                _(
                    "Die Beschlussfähigkeit (%(quorum)s) ist größer als die Zahl der "
                    "Stimmberechtigten im Gremium (%(eligible)s)."
                )
                % {"quorum": quorum, "eligible": eligible},
                field="quorum",
            )
        statement_round = StatementRound.objects.filter(
            committee=committee,
            subject_type=fields["subject_type"],
            subject_id=fields["subject_id"],
        ).first()
        if requires_complete_statement_round is True and statement_round is None:
            raise DomainError(
                _("Zu diesem Gegenstand gibt es noch keine Stellungnahmerunde."),
                field="requires_round",
            )
        required_round = None if requires_complete_statement_round is False else statement_round
        if required_round is not None and not statement_round_is_complete(required_round):
            raise DomainError(
                _(
                    "Die Abstimmung kann erst eröffnet werden, wenn alle Institutionen ihre "
                    "Fachliche Stellungnahme abgegeben haben."
                ),
                field="requires_round",
            )
        remind_at = None
        if deadline is not None and deadline - REMINDER_BEFORE > now:
            remind_at = deadline - REMINDER_BEFORE
        vote = Vote.objects.create(
            committee=committee,
            **fields,
            question=question[:500],
            description=description or "",
            kind=kind,
            ballot_unit=ballot_unit,
            secret=bool(secret),
            deadline=deadline,
            quorum=quorum,
            eligible_count=eligible,
            requires_round=required_round,
            opened_by=actor,
            remind_at=remind_at,
        )
        created = VoteOption.objects.bulk_create(
            VoteOption(vote=vote, position=i, key=key, label=label)
            for i, (key, label) in enumerate(option_specs, start=1)
        )
        if vote.secret:
            SecretTally.objects.bulk_create(SecretTally(vote=vote, option=o) for o in created)
        if notify:
            _notify_vote_opened(vote)
    return vote


def _vote_mail_context(vote: Vote) -> dict:
    deadline = short_datetime(vote.deadline)
    return {
        "question": vote.question,
        "committee": str(vote.committee),
        "subject": vote.subject_display,
        "deadline": deadline,
        "url": absolute_url(vote.get_absolute_url()),
    }


def _notify_vote_opened(vote: Vote) -> None:
    def compose():
        ctx = _vote_mail_context(vote)
        subject = _("Abstimmung eröffnet: %(question)s") % ctx
        body = (
            _(
                "Guten Tag,\n\nim Gremium „%(committee)s“ ist eine Abstimmung eröffnet:\n\n"
                "%(question)s\nGegenstand: %(subject)s\nFrist: %(deadline)s\n\n"
                "Bitte stimmen Sie online ab: %(url)s\n\nIhre Geschäftsstelle Sozialraumplanung"
            )
            % ctx
        )
        return subject, body

    queue_messages("gremium.vote.opened", committee_recipients(vote.committee), compose, vote)


def _validate_choice(vote: Vote, options: list[VoteOption], choice, ranking):
    by_id = {str(o.pk): o for o in options}
    if vote.kind == Vote.Kind.RANKED:
        ranking = [str(r) for r in (ranking or []) if str(r).strip()]
        if not ranking:
            raise DomainError(
                _("Bitte bringen Sie die Optionen in eine Rangfolge."), field="choice"
            )
        if any(r not in by_id for r in ranking):
            raise DomainError(_("Diese Option gibt es in dieser Abstimmung nicht."), field="choice")
        if len(set(ranking)) != len(ranking):
            raise DomainError(_("Jeder Rang darf nur einmal vergeben werden."), field="choice")
        return None, [by_id[r].pk for r in ranking]
    if choice is None or str(choice) not in by_id:
        if choice in (None, ""):
            raise DomainError(_("Bitte wählen Sie eine Option."), field="choice")
        raise DomainError(_("Diese Option gibt es in dieser Abstimmung nicht."), field="choice")
    return by_id[str(choice)], []


def _check_vote_accepts_ballots(vote: Vote) -> None:
    if not vote.is_open:
        raise DomainError(
            _("Die Abstimmung ist bereits abgeschlossen. Ihre Stimme wurde nicht gezählt.")
        )
    if vote.deadline is not None and timezone.now() >= vote.deadline:
        raise DomainError(
            _(
                "Die Frist für die Online-Abstimmung ist abgelaufen. Ihre Stimme wurde nicht gezählt."
            )
        )


def _locked_vote(pk) -> Vote:
    """The vote, its row locked until the end of the transaction (ballots, close, reminders)."""
    return Vote.objects.select_for_update().select_related("committee").get(pk=pk)


def _add_to_secret_tallies(vote: Vote, options: list[VoteOption], option, ranked) -> None:
    """Add a secret ballot's share to the sums of its vote.

    One UPDATE of all tally rows of the vote, each row gets its share (0 for the options not
    chosen): every row gets a new version with the same transaction id, in the same physical
    order, whatever was chosen, so neither says which sum grew.
    """
    share = ballot_tally(
        kind=vote.kind,
        options=options,
        choice=option.pk if option is not None else None,
        ranking=ranked,
    )

    def per_option(index: int) -> Case:
        whens = [When(option_id=int(pk), then=Value(values[index])) for pk, values in share.items()]
        return Case(*whens, default=Value(0), output_field=IntegerField())

    updated = SecretTally.objects.filter(vote=vote).update(
        count=F("count") + per_option(0), points=F("points") + per_option(1)
    )
    if updated != len(options):
        raise RuntimeError(
            f"secret vote {vote.pk}: {updated} tally rows for {len(options)} options"
        )


def ballot_cast(*, vote: Vote, actor, choice=None, ranking=None):
    """Cast or change the actor's ballot (see the module docstring for member and deputy).

    Returns the Ballot (open votes) or the Participation (secret votes).
    """
    with transaction.atomic():
        vote = _locked_vote(vote.pk)
        _check_vote_accepts_ballots(vote)
        voter = voter_for(actor, vote)
        if voter is None:
            raise DomainError(_("Sie sind in dieser Abstimmung nicht stimmberechtigt."))
        if not subject_visibility.can_view(actor, vote.subject):
            raise DomainError(_("Sie sind in dieser Abstimmung nicht stimmberechtigt."))
        options = list(vote.options.all())
        option, ranked = _validate_choice(vote, options, choice, ranking)

        if vote.secret:
            if Participation.objects.filter(vote=vote, voter_key=voter.key).exists():
                raise DomainError(
                    _("Es wurde bereits geheim abgestimmt; geheime Stimmen sind endgültig.")
                )
            try:
                with transaction.atomic():
                    participation = Participation.objects.create(
                        vote=vote,
                        voter_key=voter.key,
                        institution=voter.institution,
                        person=voter.person,
                        cast_role=voter.role,
                    )
                    _add_to_secret_tallies(vote, options, option, ranked)
            except IntegrityError:
                raise DomainError(
                    _("Es wurde bereits geheim abgestimmt; geheime Stimmen sind endgültig.")
                )
            return participation

        ballot = Ballot.objects.filter(vote=vote, voter_key=voter.key).first()
        if ballot is None:
            try:
                with transaction.atomic():
                    return Ballot.objects.create(
                        vote=vote,
                        voter_key=voter.key,
                        institution=voter.institution,
                        person=voter.person,
                        cast_role=voter.role,
                        choice=option,
                        ranking=ranked,
                    )
            except IntegrityError:
                # Only reachable without the row lock above: the other request won; update it.
                ballot = Ballot.objects.select_for_update().get(vote=vote, voter_key=voter.key)
        if (
            ballot.cast_role == Ballot.CastRole.MEMBER
            and voter.role == Ballot.CastRole.DEPUTY
            and ballot.person_id != voter.person.pk
        ):
            raise DomainError(
                _(
                    "Das Mitglied Ihrer Institution hat bereits abgestimmt. Die Stellvertretung "
                    "kann diese Stimme nicht ändern."
                )
            )
        ballot.choice = option
        ballot.ranking = ranked
        ballot.person = voter.person
        ballot.cast_role = voter.role
        ballot.institution = voter.institution
        ballot.save(
            update_fields=["choice", "ranking", "person", "cast_role", "institution", "changed_at"]
        )
        return ballot


def result_text(vote: Vote, options: list[VoteOption]) -> str:
    """The result as stored with the vote (for the minutes and the record): in the site's
    language. Pages and e-mails show `vote.summary()` in their reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return vote.summary(options)


def _finish_close(vote: Vote, *, actor, options: list[VoteOption], notify: bool = True) -> Vote:
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    vote.closed_by = actor if actor is not None and actor.is_authenticated else None
    vote.result_text = result_text(vote, options)
    vote.save()
    if vote.secret:
        SecretTally.objects.filter(vote=vote).delete()
    _write_agenda_item_result(vote)
    if notify:
        _notify_result(vote)
    vote_id = vote.pk
    transaction.on_commit(lambda: _run_close_hooks(vote_id))
    return vote


def vote_close(*, vote: Vote, actor=None, notify: bool = True) -> Vote:
    """Close an open vote and compute its result from the ballots cast online.

    actor None means the periodic job closes a vote whose deadline has passed. Staff cannot
    close a secret vote with fewer than settings.SECRET_VOTE_MIN_BALLOTS ballots; the periodic
    job closes it without a result (Vote.Result.TOO_FEW).
    """
    if actor is not None:
        require_staff(actor)
    with transaction.atomic():
        vote = _locked_vote(vote.pk)
        if not vote.is_open:
            raise DomainError(_("Die Abstimmung ist bereits abgeschlossen."))
        options = list(vote.options.all())
        if vote.secret:
            computed = _secret_result(vote, options)
            if computed["result"] == Vote.Result.TOO_FEW and actor is not None:
                raise DomainError(secret_close_refusal(vote, computed["participants"]))
        else:
            rows = list(vote.ballots.values_list("choice_id", "ranking"))
            computed = compute_result(
                kind=vote.kind,
                quorum=vote.quorum,
                options=options,
                choices=[c for c, _r in rows if c is not None],
                rankings=[r for _c, r in rows if r],
            )
        vote.method = Vote.Method.ONLINE
        vote.result = computed["result"]
        vote.result_counts = computed["counts"]
        vote.result_points = computed["points"]
        vote.participants = computed["participants"]
        return _finish_close(vote, actor=actor, options=options, notify=notify)


def _secret_result(vote: Vote, options: list[VoteOption]) -> dict:
    sums = SecretTally.objects.filter(vote=vote).values_list("option_id", "count", "points")
    sums = [(str(option_id), count, points) for option_id, count, points in sums]
    return secret_result(
        kind=vote.kind,
        quorum=vote.quorum,
        min_ballots=settings.SECRET_VOTE_MIN_BALLOTS,
        options=options,
        counts={option_id: count for option_id, count, _points in sums},
        points={option_id: points for option_id, _count, points in sums},
    )


def secret_close_refusal(vote: Vote, participants: int) -> str:
    """Why staff cannot close this secret vote yet (shown on the vote page and on refusal)."""
    text = _(
        "Eine geheime Abstimmung kann erst mit mindestens %(min)s Stimmen abgeschlossen werden "
        "(bisher %(count)s), damit das Ergebnis nicht zeigt, wie Einzelne abgestimmt haben."
    ) % {"min": settings.SECRET_VOTE_MIN_BALLOTS, "count": participants}
    if vote.deadline is not None:
        text += " " + _("Endet die Frist vorher, endet die Abstimmung ohne Ergebnis.")
    return text


def vote_record_show_of_hands(*, vote: Vote, counts: dict, actor) -> Vote:
    """Close the vote with the result of a show of hands in the meeting (counts per option id).

    The show of hands replaces online ballots: an open vote's ballots stay stored (and in their
    history), a secret vote's sums are removed as at every close.
    """
    require_staff(actor)
    with transaction.atomic():
        vote = _locked_vote(vote.pk)
        if not vote.is_open:
            raise DomainError(_("Die Abstimmung ist bereits abgeschlossen."))
        if vote.kind == Vote.Kind.RANKED:
            raise DomainError(_("Eine Rangfolge kann nicht per Handzeichen erfasst werden."))
        options = list(vote.options.all())
        clean = {}
        for option in options:
            raw = counts.get(option.pk, counts.get(str(option.pk), 0))
            try:
                value = int(raw or 0)
            except (TypeError, ValueError):
                raise DomainError(
                    _("Bitte geben Sie ganze Zahlen ein."), field=f"option_{option.pk}"
                )
            if value < 0:
                raise DomainError(
                    _("Stimmen können nicht negativ sein."), field=f"option_{option.pk}"
                )
            clean[str(option.pk)] = value
        total = sum(clean.values())
        if total > vote.eligible_count:
            raise DomainError(
                _(
                    "Es wurden mehr Stimmen (%(total)s) erfasst als es Stimmberechtigte gibt (%(eligible)s)."
                )
                % {"total": total, "eligible": vote.eligible_count}
            )
        vote.method = Vote.Method.SHOW_OF_HANDS
        vote.result_counts = clean
        vote.result_points = {}
        vote.participants = total
        vote.result = decide(
            kind=vote.kind, quorum=vote.quorum, options=options, counts=clean, points={}
        )["result"]
        return _finish_close(vote, actor=actor, options=options)


def _write_agenda_item_result(vote: Vote) -> None:
    """When the subject is an agenda item: write the result to it and to its minutes entry."""
    if vote.subject_type.model_class() is not AgendaItem:
        return
    item = AgendaItem.objects.select_for_update().filter(pk=vote.subject_id).first()
    if item is None:
        return
    with translation.override("de"):
        short = _("%(result)s (Abstimmung: %(question)s)") % {
            "result": Vote.Result(vote.result).label,
            "question": vote.question,
        }
    item.result = str(short)[:200]
    item.save(update_fields=["result", "modified_at"])
    minutes = Minutes.objects.filter(meeting_id=item.meeting_id).first()
    if minutes is None:
        return
    entry, _created = MinutesEntry.objects.get_or_create(
        agenda_item=item, defaults={"minutes": minutes}
    )
    line = f"{vote.question}: {vote.result_text}"
    if line not in entry.result:
        entry.result = f"{entry.result}\n{line}".strip()
        entry.save(update_fields=["result", "modified_at"])


def _notify_result(vote: Vote) -> None:
    def compose():
        ctx = _vote_mail_context(vote) | {"result": vote.summary()}
        subject = _("Ergebnis der Abstimmung: %(question)s") % ctx
        body = (
            _(
                "Guten Tag,\n\ndie Abstimmung „%(question)s“ im Gremium „%(committee)s“ ist "
                "abgeschlossen.\n\nErgebnis: %(result)s\n\nErgebnisblatt: %(url)s\n\n"
                "Ihre Geschäftsstelle Sozialraumplanung"
            )
            % ctx
        )
        return subject, body

    queue_messages("gremium.vote.result", committee_recipients(vote.committee), compose, vote)


def _run_close_hooks(vote_id: int) -> None:
    vote = Vote.objects.select_related("committee", "subject_type").get(pk=vote_id)
    model = vote.subject_type.model_class()
    for callback in on_vote_closed.callbacks_for(model):
        callback(vote)


def vote_remind(*, vote: Vote, actor=None, revision: str = "") -> int:
    """E-mail the members and deputies of the voters who have not voted yet; return the count."""
    if actor is not None:
        require_staff(actor)
    with transaction.atomic():
        vote = _locked_vote(vote.pk)
        if not vote.is_open:
            raise DomainError(_("Die Abstimmung ist bereits abgeschlossen."))
        voted = set(
            (vote.participations if vote.secret else vote.ballots).values_list(
                "voter_key", flat=True
            )
        )
        memberships = Membership.objects.active().filter(committee=vote.committee)
        recipients = set()
        for person_id, institution_id, email in memberships.values_list(
            "person_id", "institution_id", "person__email"
        ):
            key = (
                f"person:{person_id}"
                if vote.ballot_unit == Vote.BallotUnit.PERSON
                else f"institution:{institution_id}"
            )
            if key not in voted and email:
                recipients.add(email.lower())

        def compose():
            ctx = _vote_mail_context(vote)
            subject = _("Erinnerung: Abstimmung „%(question)s“ bis %(deadline)s") % ctx
            body = (
                _(
                    "Guten Tag,\n\nfür Sie bzw. Ihre Institution liegt noch keine Stimme zur "
                    "Abstimmung „%(question)s“ (Gremium „%(committee)s“) vor. Die Frist endet am "
                    "%(deadline)s.\n\nZur Abstimmung: %(url)s\n\nIhre Geschäftsstelle "
                    "Sozialraumplanung"
                )
                % ctx
            )
            return subject, body

        revision = revision or timezone.now().strftime("manual-%Y%m%d%H%M%S")
        sent = queue_messages("gremium.vote.reminder", sorted(recipients), compose, vote, revision)
        vote.reminder_sent_at = timezone.now()
        vote.save(update_fields=["reminder_sent_at"])
        return sent


def votes_send_due(*, now=None) -> dict:
    """Close votes whose deadline passed and send the reminders that are due (beat job).

    Each item runs in its own transaction; rows another worker holds are skipped.
    """
    now = now or timezone.now()
    done = {"closed": 0, "vote_reminders": 0, "round_reminders": 0}
    due_close = Vote.objects.filter(status=Vote.Status.OPEN, deadline__lte=now).values_list(
        "pk", flat=True
    )
    for vote_id in list(due_close):
        with transaction.atomic():
            vote = (
                Vote.objects.select_for_update(skip_locked=True)
                .filter(pk=vote_id, status=Vote.Status.OPEN)
                .first()
            )
            if vote is None:
                continue
            vote_close(vote=vote, actor=None)
            done["closed"] += 1
    due_remind = Vote.objects.filter(
        status=Vote.Status.OPEN, remind_at__lte=now, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for vote_id in list(due_remind):
        with transaction.atomic():
            vote = (
                Vote.objects.select_for_update(skip_locked=True)
                .filter(pk=vote_id, reminder_sent_at__isnull=True, status=Vote.Status.OPEN)
                .first()
            )
            if vote is None:
                continue
            vote_remind(vote=vote, actor=None, revision="auto")
            done["vote_reminders"] += 1
    due_rounds = StatementRound.objects.filter(
        status=StatementRound.Status.OPEN, remind_at__lte=now, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for round_id in list(due_rounds):
        with transaction.atomic():
            statement_round = (
                StatementRound.objects.select_for_update(skip_locked=True)
                .filter(pk=round_id, reminder_sent_at__isnull=True)
                .first()
            )
            if statement_round is None:
                continue
            statement_round_remind(statement_round=statement_round, actor=None, revision="auto")
            done["round_reminders"] += 1
    return done


def vote_open_url(subject, committee: Committee | None = None) -> str:
    """The staff page that opens a vote on a subject (for other apps' templates)."""
    ct = ContentType.objects.get_for_model(subject)
    url = reverse("gremium:vote_create") + f"?ct={ct.app_label}.{ct.model}&id={subject.pk}"
    return url + (f"&committee={committee.pk}" if committee else "")
