"""The English catalogue is complete, compiled and used by the pages.

German is the source language; English lives in locale/en/LC_MESSAGES/django.po, edited with the
usual gettext tools (`make messages`, a PO editor). The catalogue is read with polib.
"""

import ast
import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _label(entry: polib.POEntry) -> str:
    return f"line {entry.linenum}: {entry.msgid[:70]!r}"


@pytest.fixture(scope="module")
def en_entries() -> list[polib.POEntry]:
    catalogue = polib.pofile(str(EN_PO))
    assert catalogue.metadata.get("Language") == "en"
    return [entry for entry in catalogue if not entry.obsolete]


def test_english_catalogue_has_no_empty_or_fuzzy_entry(en_entries):
    empty = [
        _label(e)
        for e in en_entries
        if (not e.msgstr if not e.msgid_plural else not all(e.msgstr_plural.values()))
    ]
    fuzzy = [_label(e) for e in en_entries if e.fuzzy]
    assert not empty, "untranslated English entries:\n" + "\n".join(empty)
    assert not fuzzy, "fuzzy English entries:\n" + "\n".join(fuzzy)


def test_plural_entries_have_both_english_forms(en_entries):
    plurals = [e for e in en_entries if e.msgid_plural]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], _label(entry)


def test_compiled_catalogue_matches_the_po(en_entries):
    """django.mo was compiled from the current django.po (compilemessages was not forgotten)."""
    with EN_MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for entry in en_entries:
        if not entry.msgid_plural:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr:
                stale.append(_label(entry))
        else:
            for n, index in ((1, 0), (2, 1)):
                if entry.msgctxt is None:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr_plural[index]:
                    stale.append(f"{_label(entry)} (n={n})")
    assert not stale, "django.mo is older than django.po; run compilemessages:\n" + "\n".join(stale)


def _project_sources():
    base = Path(settings.BASE_DIR)
    skip = {".venv", "tests", "bench", "migrations", "locale", "node_modules", ".git"}
    for path in sorted(base.rglob("*.py")):
        if not skip.intersection(path.relative_to(base).parts):
            yield path


def test_translated_strings_inside_f_strings_are_in_the_catalogue(en_entries):
    """xgettext (gettext < 0.22) skips f-strings: a _("…") inside one reaches the catalogue only
    if the same text is also marked somewhere else, and otherwise shows in German on English
    pages. Translate first, then interpolate the result."""
    known = {entry.msgid for entry in en_entries}
    found = []
    for path in _project_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                func = getattr(inner, "func", None)
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if not (isinstance(inner, ast.Call) and name in GETTEXT_NAMES and inner.args):
                    continue
                args = inner.args[1:] if name.startswith(("pgettext", "npgettext")) else inner.args
                msgid = args[0].value if isinstance(args[0], ast.Constant) else None
                if msgid not in known:
                    where = path.relative_to(settings.BASE_DIR)
                    found.append(f"{where}:{inner.lineno}: {msgid!r}")
    assert not found, "gettext calls inside f-strings, missing from the catalogue:\n" + (
        "\n".join(found)
    )


def test_version_comparison_in_english(client, staff_user):
    """The screen-reader labels of the guideline diff (once missing from the catalogue)."""
    from tests.leitlinien.factories import GuidelineFactory, VersionFactory

    guideline = GuidelineFactory(title="Leitlinie Teilhabe", slug="leitlinie-teilhabe-en")
    old = VersionFactory(guideline=guideline, number=1, paragraphs=["Alpha beta.", "Gleich."])
    new = VersionFactory(guideline=guideline, number=2, paragraphs=["Alpha gamma.", "Gleich."])
    client.force_login(staff_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    url = reverse("leitlinien:version_compare", args=[guideline.slug])
    html = client.get(f"{url}?a={old.pk}&b={new.pk}").content.decode()
    assert '<html lang="en">' in html
    assert '<del><span class="visually-hidden">Deletion: </span>beta.</del>' in html
    assert '<ins><span class="visually-hidden">Insertion: </span>gamma.</ins>' in html
    assert "Reading aid: inserted text is underlined" in html
    for german in ("Streichung:", "Einfügung:", "Lesehilfe", "unverändert"):
        assert german not in html
