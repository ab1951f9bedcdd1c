"""Titles the platform makes from a name and stores ("Fachliche Stellungnahme: Standorte für
ThINKA"): written in the site's language when stored, shown in the reader's.

    with stored_language():
        title = _("Fachliche Stellungnahme: %(title)s") % {"title": name}
    ...
    localized(round.title, "Fachliche Stellungnahme: %(title)s", "Standorte für %(project)s")

`localized` recognises a stored text made from one of the given source texts (msgids) and
gives it again in the active language, its parts (the names) as stored; nested titles are
recognised too. Any other text (a title someone typed) is returned as it is.
"""

import re
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@contextmanager
def stored_language():
    """Generate text that is stored in the site's language (German)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@lru_cache(maxsize=256)
def _pattern(msgid: str) -> re.Pattern:
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+)")
        position = match.end()
    parts.append(re.escape(msgid[position:]))
    return re.compile("".join(parts), re.DOTALL)


def localized(value: str, *msgids: str) -> str:
    if not value:
        return value
    for msgid in msgids:
        match = _pattern(msgid).fullmatch(value)
        if match:
            parts = {name: localized(part, *msgids) for name, part in match.groupdict().items()}
            return gettext(msgid) % parts
    return value
