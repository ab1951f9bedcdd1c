"""Helpers every gremium service uses: the history actor, dates, upload checks, e-mails."""

import mimetypes
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from erfurt_srp.accounts.languages import languages_of
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.services import message_queue_bulk

from ..models import (
    Committee,
    Membership,
)
from ..permissions import subject_visibility


def with_history(obj, actor):
    """Let simple-history record who made the change (outside a request too)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    return obj


def date_de(value: datetime) -> str:
    """A meeting's start in the active language ("17.12.2026, 14:00 Uhr")."""
    local = timezone.localtime(value)
    return _("%(date)s, %(time)s Uhr") % {
        "date": date_format(local, "SHORT_DATE_FORMAT"),
        "time": date_format(local, "TIME_FORMAT"),
    }


def short_datetime(value: datetime | None) -> str:
    """A deadline in the active language ("17.12.2026 14:00"), "–" without one."""
    if value is None:
        return "–"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def validate_upload(upload) -> tuple[str, str]:
    """Check size and type of an upload; return (extension, mimetype) or raise DomainError."""
    if upload is None:
        raise DomainError(_("Bitte wählen Sie eine Datei aus."), field="file")
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.lower() for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if extension not in allowed:
        raise DomainError(
            _("Dateityp „%(ext)s“ ist nicht erlaubt. Erlaubt sind: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(allowed)},
            field="file",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Die Datei ist zu groß (%(size)s MB); erlaubt sind höchstens %(max)s MB.")
            % {
                "size": number_format(upload.size / 1048576, 1),
                "max": number_format(settings.UPLOAD_MAX_BYTES / 1048576, 0),
            },
            field="file",
        )
    if upload.size == 0:
        raise DomainError(_("Die Datei ist leer."), field="file")
    mimetype = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return extension, mimetype


REMINDER_BEFORE = timedelta(hours=24)


def subject_fields(subject) -> dict:
    if subject is None or subject.pk is None:
        raise DomainError(_("Bitte wählen Sie einen Gegenstand."), field="subject")
    if not subject_visibility.accepts(type(subject)):
        raise DomainError(
            _("Über diesen Gegenstand kann das Gremium nicht abstimmen oder Stellung nehmen."),
            field="subject",
        )
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": str(subject.pk),
        "subject_label": str(subject)[:255],
    }


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def committee_recipients(committee: Committee, institution_ids=None) -> list[str]:
    """E-mail addresses of the active members and deputies (optionally of some institutions)."""
    memberships = Membership.objects.active().filter(committee=committee)
    if institution_ids is not None:
        memberships = memberships.filter(institution_id__in=institution_ids)
    emails = memberships.values_list("person__email", flat=True).distinct()
    return sorted({e.lower() for e in emails if e})


def by_language(recipients) -> dict[str, list[str]]:
    """{language: [e-mail, ...]}: the recipients grouped by the language they read (one query)."""
    groups: dict[str, list[str]] = {}
    for email, language in sorted(languages_of(recipients).items()):
        groups.setdefault(language, []).append(email)
    return groups


def queue_messages(kind: str, recipients: list[str], compose, related, revision="") -> int:
    """Queue one e-mail per recipient; `compose()` returns (subject, body) and is called once
    per language, inside that language."""
    messages = []
    for language, emails in by_language(recipients).items():
        with translation.override(language):
            subject, body = compose()
        messages.extend(
            {
                "kind": kind,
                "recipient": r,
                "subject": str(subject),
                "body": str(body),
                "related": related,
                "revision": revision,
            }
            for r in emails
        )
    if messages:
        message_queue_bulk(messages)
    return len(messages)
