"""Fill the English catalogue from the dictionary in locale/translations_en.py.

German is the source language. Run after makemessages, then compilemessages:

    DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l en -l de --ignore=.venv \
        --ignore=tests --ignore=bench
    .venv/bin/python locale/apply_translations.py
    DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv

Only empty or fuzzy entries are filled; translations made by hand in the .po file stay.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from translations_en import EN  # noqa: E402

PO = HERE / "en" / "LC_MESSAGES" / "django.po"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _read_string(lines: list[str], start: int) -> tuple[str, int]:
    """Read a (possibly multi-line) PO string starting at lines[start]; return text, next index."""
    first = lines[start]
    text = json.loads(first[first.index('"') :])
    i = start + 1
    while i < len(lines) and lines[i].startswith('"'):
        text += json.loads(lines[i])
        i += 1
    return text, i


def _translate_block(block: list[str]) -> tuple[list[str], bool]:
    msgid = plural = None
    i = 0
    head: list[str] = []
    while i < len(block):
        line = block[i]
        if line.startswith("msgid "):
            msgid, i = _read_string(block, i)
            continue
        if line.startswith("msgid_plural "):
            plural, i = _read_string(block, i)
            continue
        if line.startswith("msgstr"):
            break
        if msgid is None:
            head.append(line)
        i += 1
    if not msgid or msgid not in EN:
        return block, False
    strings = []
    rest_start = i
    while i < len(block) and block[i].startswith("msgstr"):
        text, i = _read_string(block, i)
        strings.append(text)
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in head)
    if all(strings) and not fuzzy:
        return block, False
    value = EN[msgid]
    body = block[:rest_start]
    body = [
        line
        for line in body
        if not (line.startswith("#,") and "fuzzy" in line and line.strip() == "#, fuzzy")
    ]
    body = [
        line.replace("fuzzy, ", "").replace(", fuzzy", "") if line.startswith("#,") else line
        for line in body
    ]
    body = [line for line in body if not line.startswith("#| ")]
    if plural is not None:
        singular, many = value if isinstance(value, tuple) else (value, value)
        body += [f"msgstr[0] {_quote(singular)}", f"msgstr[1] {_quote(many)}"]
    else:
        body.append(f"msgstr {_quote(value if isinstance(value, str) else value[0])}")
    return body + block[i:], True


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    filled = total = 0
    out = []
    for raw in blocks:
        lines = raw.split("\n")
        if any(line.startswith("msgid ") for line in lines):
            total += 1
        new, changed = _translate_block(lines)
        filled += changed
        out.append("\n".join(new))
    PO.write_text("\n\n".join(out), encoding="utf-8")
    print(f"{PO}: filled {filled} of {total} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
