"""Find text of the other language on a rendered page.

    problems = foreign_text(html, "en", typed=typed_texts())
    problems = foreign_text(html, "de", typed=[])

returns the visible text fragments (tags, scripts and styles removed; titles, labels and
placeholders included) that contain a common word of the other language. On English pages what
people typed and stored is removed first (names, titles, texts stay as typed, and the city types
German); text the platform generates or ships is never removed, so a stored German vote result
shows. On German pages nothing is removed: the demo's typed content is German too, so an English
source note in the demo data shows.
"""

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

# Common words of each language that the other language does not use.
WORDS = {
    "de": (
        "und der das nicht mit für oder ist eine einer keine bitte Sie Ihre Ihr Uhr Sitzung "
        "Sitzungen Abstimmung Stellungnahme Öffentlichkeit Mitglied Stellvertretung "
        "Geschäftsstelle Einladung Ja Nein Enthaltung Enthaltungen angenommen abgelehnt "
        "öffentlich Leitlinie Beteiligungsrunde Quellenhinweis Punkte Stimmen TOP"
    ).split(),
    "en": (
        "the and of to with from for are not please your you this that meeting vote votes "
        "round source member deputy yes funded partners opened unresolved confirmed newspaper "
        "staff own"
    ).split(),
}
# URLs and technical keys (an e-mail's kind: "gremium.meeting.invitation") are no language.
IDENTIFIER = re.compile(r"^(https?://\S+|[a-z_]+(\.[a-z_]+)+)$")
CASE_SENSITIVE = {"Sie", "Ihre", "Ihr", "Ja", "Nein", "TOP", "Uhr"}

# Stored fields that the platform fills itself (or ships): they must follow the language.
GENERATED_FIELDS = {
    "gremium.vote.result_text",
    "gremium.vote.subject_label",
    "gremium.statementround.subject_label",
    "gremium.voteoption.label",
    "standorte.indicator.source",
    "standorte.indicator.licence",
    "standorte.district.geometry_source",
    "standorte.recommendation.vote_result",
    "discussion.comment.hidden_reason",
    "discussion.comment.author_group",
}
# Apps whose stored text is shown as stored; the outbox keeps each e-mail in the language it was
# sent in (its recipient's).
TYPED_APPS = (
    "gremium",
    "leitlinien",
    "standorte",
    "beteiligung",
    "discussion",
    "accounts",
    "notifications",
)
# Proper names in German that English pages name as they are.
PROPER_NAMES = (
    "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit",
    "Durchsetzungsstelle beim Beauftragten für Menschen mit Behinderungen",
    "Landeshauptstadt Erfurt",
)


def _pattern(language: str) -> re.Pattern:
    """Words of the *other* language than `language`."""
    other = "de" if language == "en" else "en"
    words = WORDS[other]
    sensitive = [re.escape(w) for w in words if w in CASE_SENSITIVE]
    insensitive = [re.escape(w) for w in words if w not in CASE_SENSITIVE]
    parts = []
    if insensitive:
        parts.append(rf"(?i:\b(?:{'|'.join(insensitive)})\b)")
    if sensitive:
        parts.append(rf"\b(?:{'|'.join(sensitive)})\b")
    return re.compile("|".join(parts))


class _Text(HTMLParser):
    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input":
            attrs = dict(attrs)
            if attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


def typed_texts() -> list[str]:
    """Every line of text people typed and stored (longest first)."""
    found: set[str] = set()
    for config in apps.get_app_configs():
        if config.label not in TYPED_APPS:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical"):
                continue
            names = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, (models.CharField, models.TextField))
                and not f.choices
                and f"{config.label}.{model._meta.model_name}.{f.name}" not in GENERATED_FIELDS
            ]
            if not names:
                continue
            for row in model.objects.values_list(*names):
                for value in row:
                    for line in re.split(r"[\r\n]+", value or ""):
                        line = " ".join(line.split())
                        if len(line) > 2:
                            found.add(line)
            for field in model._meta.get_fields():
                if isinstance(field, models.JSONField):
                    for value in model.objects.values_list(field.name, flat=True):
                        for text in _json_strings(value):
                            found.add(" ".join(text.split()))
    return sorted(found, key=len, reverse=True)


def _json_strings(value):
    if isinstance(value, str):
        yield from (line for line in value.splitlines() if len(line.strip()) > 2)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def foreign_text(html: str, language: str, *, typed: list[str]) -> list[str]:
    """The visible fragments of `html` (rendered in `language`) with words of the other one."""
    pattern = _pattern(language)
    suspects = [t for t in typed if pattern.search(t)]
    found = []
    for part in visible_text(html):
        if not pattern.search(part) or IDENTIFIER.match(part):
            continue
        if any(part in text for text in suspects):
            continue  # a piece of typed text (a diff, a shortened title)
        rest = part
        for text in suspects:
            if text in rest:
                rest = rest.replace(text, " ")
        for name in PROPER_NAMES:
            rest = rest.replace(name, " ")
        if rest.endswith("…"):
            rest = _drop_truncated(rest[:-1], suspects)
        if pattern.search(rest):
            found.append(part)
    return list(dict.fromkeys(found))


def _drop_truncated(text: str, typed: list[str]) -> str:
    """Remove a shortened typed text at the end ("Nördliche Vorstädte und Ort…")."""
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == " "]
    for start in starts:
        tail = text[start:].strip()
        if len(tail) >= 8 and any(t.startswith(tail) for t in typed):
            return text[:start]
    return text
