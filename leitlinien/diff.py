"""A readable paragraph-by-paragraph diff of two versions (difflib), rendered with <ins>/<del>.

Changes are marked by the elements (underline / strike-through) and by text for screen readers,
never by colour alone.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_TOKEN = re.compile(r"\s+|[^\s]+")
PAIR_THRESHOLD = 0.35


@dataclass
class DiffRow:
    kind: str  # equal, changed, added, removed
    old_number: int | None
    new_number: int | None
    html: SafeString

    @property
    def label(self) -> str:
        return {
            "equal": _("unverändert"),
            "changed": _("geändert"),
            "added": _("neu"),
            "removed": _("entfallen"),
        }[self.kind]


# The labels are translated outside the f-strings: xgettext (gettext < 0.22) does not look
# inside f-strings, so makemessages would miss them and English pages would show German.
def _ins(text: str) -> str:
    label = escape(_("Einfügung:"))
    return f'<ins><span class="visually-hidden">{label} </span>{escape(text)}</ins>'


def _del(text: str) -> str:
    label = escape(_("Streichung:"))
    return f'<del><span class="visually-hidden">{label} </span>{escape(text)}</del>'


def word_diff(old: str, new: str) -> SafeString:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(_del("".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(_ins("".join(b[j1:j2])))
    return mark_safe("".join(out))  # noqa: S308  every piece of text above is escaped


def paragraph_diff(old: list[str], new: list[str]) -> list[DiffRow]:
    """Compare two paragraph lists; replaced paragraphs that are similar get a word diff."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(
                DiffRow("equal", i + 1, j + 1, escape(old[i]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds or news:
            if olds and news:
                i, j = olds[0], news[0]
                ratio = difflib.SequenceMatcher(None, old[i], new[j], autojunk=False).ratio()
                if ratio >= PAIR_THRESHOLD:
                    rows.append(DiffRow("changed", i + 1, j + 1, word_diff(old[i], new[j])))
                    olds.pop(0)
                    news.pop(0)
                    continue
                # not similar: show whichever comes first as removed/added
                if len(olds) >= len(news):
                    rows.append(DiffRow("removed", i + 1, None, mark_safe(_del(old[i]))))  # noqa: S308
                    olds.pop(0)
                else:
                    rows.append(DiffRow("added", None, j + 1, mark_safe(_ins(new[j]))))  # noqa: S308
                    news.pop(0)
            elif olds:
                i = olds.pop(0)
                rows.append(DiffRow("removed", i + 1, None, mark_safe(_del(old[i]))))  # noqa: S308
            else:
                j = news.pop(0)
                rows.append(DiffRow("added", None, j + 1, mark_safe(_ins(new[j]))))  # noqa: S308
    return rows


def diff_summary(rows: list[DiffRow]) -> dict[str, int]:
    summary = {"equal": 0, "changed": 0, "added": 0, "removed": 0}
    for row in rows:
        summary[row.kind] += 1
    return summary
