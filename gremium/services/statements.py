"""Writes for statement rounds (Fachliche Stellungnahmen): open, submit, remind, close."""

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.subjects import subject_line

from ..models import (
    Committee,
    Statement,
    StatementRound,
)
from ..permissions import statement_author_for, subject_visibility
from .common import (
    REMINDER_BEFORE,
    absolute_url,
    committee_recipients,
    queue_messages,
    short_datetime,
    subject_fields,
    validate_upload,
)


def statement_round_is_complete(statement_round: StatementRound) -> bool:
    asked = set(statement_round.committee.institutions.values_list("pk", flat=True))
    given = set(statement_round.statements.values_list("institution_id", flat=True))
    return asked <= given


def statement_round_open(
    *,
    committee: Committee,
    subject,
    title: str,
    deadline=None,
    description: str = "",
    actor,
    notify: bool = True,
) -> StatementRound:
    """Ask every institution of the committee for its professional statement on a subject."""
    require_staff(actor)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Bitte geben Sie einen Titel ein."), field="title")
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise DomainError(_("Die Frist muss in der Zukunft liegen."), field="deadline")
    fields = subject_fields(subject)
    if not committee.institutions.exists():
        raise DomainError(_("Dem Gremium gehören keine Institutionen an."), field="committee")
    remind_at = None
    if deadline is not None and deadline - REMINDER_BEFORE > now:
        remind_at = deadline - REMINDER_BEFORE
    try:
        with transaction.atomic():
            statement_round = StatementRound.objects.create(
                committee=committee,
                **fields,
                title=title[:255],
                description=description or "",
                deadline=deadline,
                opened_by=actor,
                remind_at=remind_at,
            )
            if notify:
                _notify_round_opened(statement_round)
    except IntegrityError:
        raise DomainError(
            _("Für diesen Gegenstand gibt es in diesem Gremium bereits eine Stellungnahmerunde."),
            field="subject",
        )
    return statement_round


def _round_mail_context(statement_round: StatementRound) -> dict:
    deadline = short_datetime(statement_round.deadline)
    return {
        "title": statement_round.display_title,
        "committee": str(statement_round.committee),
        "subject": statement_round.subject_display,
        "deadline": deadline,
        "url": absolute_url(statement_round.get_absolute_url()),
    }


def _notify_round_opened(statement_round: StatementRound) -> None:
    def compose():
        ctx = _round_mail_context(statement_round)
        subject = subject_line(_("Bitte um Fachliche Stellungnahme"), ctx["title"])
        body = (
            _(
                "Guten Tag,\n\ndas Gremium „%(committee)s“ bittet jede Institution um ihre "
                "Fachliche Stellungnahme zu: %(subject)s\nFrist: %(deadline)s\n\n"
                "Zur Stellungnahme: %(url)s\n\nIhre Geschäftsstelle Sozialraumplanung"
            )
            % ctx
        )
        return subject, body

    queue_messages(
        "gremium.statements.opened",
        committee_recipients(statement_round.committee),
        compose,
        statement_round,
    )


def _validate_upload(file) -> None:
    if file is not None:
        validate_upload(file)


def statement_submit(
    *, statement_round: StatementRound, actor, text: str, file=None, remove_file: bool = False
) -> tuple[Statement, bool]:
    """Save the statement of the actor's institution; a second one edits the first.

    Returns (statement, created).
    """
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Bitte geben Sie Ihre Stellungnahme ein."), field="text")
    _validate_upload(file)
    with transaction.atomic():
        statement_round = (
            StatementRound.objects.select_for_update()
            .select_related("committee")
            .get(pk=statement_round.pk)
        )
        if statement_round.status != StatementRound.Status.OPEN:
            raise DomainError(_("Die Stellungnahmerunde ist bereits abgeschlossen."))
        membership = statement_author_for(actor, statement_round)
        if membership is None or not subject_visibility.can_view(actor, statement_round.subject):
            raise DomainError(_("Sie können für diese Runde keine Stellungnahme abgeben."))
        if not statement_round.committee.institutions.filter(pk=membership.institution_id).exists():
            raise DomainError(_("Ihre Institution ist in dieser Runde nicht gefragt."))
        statement = Statement.objects.filter(
            round=statement_round, institution_id=membership.institution_id
        ).first()
        created = statement is None
        if created:
            statement = Statement(round=statement_round, institution_id=membership.institution_id)
        statement.text = text
        statement.author = membership.person
        if file is not None:
            if statement.file:
                statement.file.delete(save=False)
            statement.file.save(Path(file.name).name, file, save=False)
        elif remove_file and statement.file:
            statement.file.delete(save=False)
            statement.file = ""
        statement.save()
        return statement, created


def statement_round_remind(
    *, statement_round: StatementRound, actor=None, revision: str = ""
) -> int:
    """E-mail the members and deputies of the institutions without a statement; return the count."""
    if actor is not None:
        require_staff(actor)
    with transaction.atomic():
        statement_round = (
            StatementRound.objects.select_for_update()
            .select_related("committee")
            .get(pk=statement_round.pk)
        )
        if statement_round.status != StatementRound.Status.OPEN:
            raise DomainError(_("Die Stellungnahmerunde ist bereits abgeschlossen."))
        given = statement_round.statements.values_list("institution_id", flat=True)
        missing = list(
            statement_round.committee.institutions.exclude(pk__in=given).values_list(
                "pk", flat=True
            )
        )
        recipients = committee_recipients(statement_round.committee, institution_ids=missing)

        def compose():
            ctx = _round_mail_context(statement_round)
            subject = subject_line(_("Erinnerung: Fachliche Stellungnahme"), ctx["title"])
            body = (
                _(
                    "Guten Tag,\n\nvon Ihrer Institution liegt noch keine Fachliche Stellungnahme "
                    "zu „%(subject)s“ (Gremium „%(committee)s“) vor. Frist: %(deadline)s.\n\n"
                    "Zur Stellungnahme: %(url)s\n\nIhre Geschäftsstelle Sozialraumplanung"
                )
                % ctx
            )
            return subject, body

        revision = revision or timezone.now().strftime("manual-%Y%m%d%H%M%S")
        sent = queue_messages(
            "gremium.statements.reminder", recipients, compose, statement_round, revision
        )
        statement_round.reminder_sent_at = timezone.now()
        statement_round.save(update_fields=["reminder_sent_at"])
        return sent


def statement_round_close(*, statement_round: StatementRound, actor) -> StatementRound:
    require_staff(actor)
    with transaction.atomic():
        statement_round = StatementRound.objects.select_for_update().get(pk=statement_round.pk)
        if statement_round.status != StatementRound.Status.OPEN:
            raise DomainError(_("Die Stellungnahmerunde ist bereits abgeschlossen."))
        statement_round.status = StatementRound.Status.CLOSED
        statement_round.save(update_fields=["status"])
        return statement_round


def statement_round_open_url(subject, committee: Committee | None = None) -> str:
    ct = ContentType.objects.get_for_model(subject)
    url = (
        reverse("gremium:statement_round_create") + f"?ct={ct.app_label}.{ct.model}&id={subject.pk}"
    )
    return url + (f"&committee={committee.pk}" if committee else "")
