"""E-mail subjects built from a fixed lead and a title that staff or the platform chose."""

import re

_SEPARATOR = re.compile(r"^\s*[:–—-]\s*")


def _word(token: str) -> str:
    return token.strip(":–—-„“\"'").casefold()


def subject_line(lead: str, title: str) -> str:
    """Return "lead: title" without saying the same words twice.

    A title often starts with what the lead already says ("Bitte um Fachliche Stellungnahme"
    and "Fachliche Stellungnahme: ThINKA-Standorte"); those words and their separator are
    dropped from the title: "Bitte um Fachliche Stellungnahme: ThINKA-Standorte". Words are
    dropped only when the title goes on after a separator, so a title that merely begins like
    the lead stays whole.
    """
    lead, title = lead.strip(), title.strip()
    lead_words = lead.rstrip(":").split()
    title_words = title.split()
    for count in range(min(len(lead_words), len(title_words)), 0, -1):
        head = title_words[:count]
        if [_word(w) for w in head] != [_word(w) for w in lead_words[-count:]]:
            continue
        position = 0
        for word in head:
            position = title.index(word, position) + len(word)
        rest = title[position:]
        if head[-1].endswith(":"):
            remainder = rest.strip()
        elif _SEPARATOR.match(rest):
            remainder = _SEPARATOR.sub("", rest, count=1).strip()
        else:
            continue
        if remainder:
            return f"{lead.rstrip(':')}: {remainder}"
    return f"{lead.rstrip(':')}: {title}"
