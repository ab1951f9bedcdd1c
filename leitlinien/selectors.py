"""Reads of the guideline process: page data in a fixed number of queries, lists, export rows.

Public function for other apps: `open_public_round()` / `open_public_rounds()` return the public
consultation round(s) open right now (the events app links to them).
"""

import html
from dataclasses import dataclass, field

import nh3
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from erfurt_srp.discussion.models import Comment
from erfurt_srp.exports import plan_sections

from .models import (
    Audience,
    ConsultationRound,
    Disposition,
    Guideline,
    GuidelineVersion,
    Measure,
    PlanText,
    Theme,
    paragraphs_of,
)
from .permissions import can_view_round, can_view_version, is_any_insider, is_insider

State = GuidelineVersion.State


# --- for other apps ---------------------------------------------------------------------------


def open_public_rounds(now=None):
    """Public consultation rounds taking comments now, soonest ending first."""
    now = now or timezone.now()
    return (
        ConsultationRound.objects.filter(
            audience=Audience.PUBLIC,
            starts_at__lte=now,
            ends_at__gt=now,
            evaluated_at__isnull=True,
        )
        .exclude(version__state=State.DRAFT)
        .select_related("version__guideline__theme")
        .order_by("ends_at", "pk")
    )


def open_public_round(now=None) -> ConsultationRound | None:
    """The open public consultation round (the one ending first), or None.

    Use `round.get_absolute_url()` for the link and `round.version.guideline.title` for its name.
    """
    return open_public_rounds(now).first()


def latest_adopted_versions(*, limit: int = 3) -> list[GuidelineVersion]:
    """The most recently adopted guideline versions (public: an adopted version is frozen)."""
    return list(
        GuidelineVersion.objects.filter(state=State.ADOPTED)
        .select_related("guideline")
        .order_by("-adopted_on", "-pk")[:limit]
    )


# --- overview ---------------------------------------------------------------------------------


def theme_list_for_user(user) -> list[Theme]:
    """Themes with their guideline and the versions this user may see (3 queries)."""
    themes = list(
        Theme.objects.select_related("guideline", "committee").prefetch_related(
            Prefetch(
                "guideline__versions",
                queryset=GuidelineVersion.objects.order_by("number").prefetch_related("rounds"),
            )
        )
    )
    for theme in themes:
        versions = []
        guideline = getattr(theme, "guideline", None)
        if guideline is not None:
            for version in guideline.versions.all():
                version.guideline = guideline
                guideline.theme = theme
                if can_view_version(user, version, rounds=version.rounds.all()):
                    versions.append(version)
        theme.visible_versions = versions
        theme.current_version = versions[-1] if versions else None
        theme.adopted_version = next((v for v in versions if v.state == State.ADOPTED), None)
        theme.is_insider = is_insider(user, theme.committee_id)
    return themes


def guideline_versions_for_user(user, guideline: Guideline) -> list[GuidelineVersion]:
    versions = list(
        guideline.versions.order_by("number").prefetch_related(
            Prefetch("rounds", queryset=ConsultationRound.objects.order_by("starts_at"))
        )
    )
    visible = []
    for version in versions:
        version.guideline = guideline
        if can_view_version(user, version, rounds=version.rounds.all()):
            visible.append(version)
    counts = round_comment_counts([r for v in visible for r in v.rounds.all()])
    for version in visible:
        for consultation_round in version.rounds.all():
            consultation_round.comment_count = counts.get(consultation_round.pk, 0)
            # A round the reader may not open is named without a link.
            consultation_round.viewable = can_view_round(user, consultation_round)
    return visible


def round_comment_counts(rounds) -> dict[int, int]:
    """Visible comments per round, one query."""
    round_type = ContentType.objects.get_for_model(ConsultationRound)
    rows = (
        Comment.objects.filter(
            target_type=round_type,
            target_id__in=[str(r.pk) for r in rounds],
            hidden_at__isnull=True,
        )
        .values("target_id")
        .annotate(n=Count("pk"))
    )
    return {int(row["target_id"]): row["n"] for row in rows}


# --- the round page ---------------------------------------------------------------------------


@dataclass
class Section:
    anchor: str
    number: int | None
    text: str
    threads: list = field(default_factory=list)
    limit: int | None = None
    # set by round_page when only some threads were loaded: counts from an aggregate query
    total_comments: int | None = None
    total_threads: int | None = None

    @property
    def shown_threads(self) -> list:
        return self.threads if self.limit is None else self.threads[: self.limit]

    @property
    def hidden_thread_count(self) -> int:
        total = len(self.threads) if self.total_threads is None else self.total_threads
        return total - len(self.shown_threads)

    @property
    def key(self) -> str:
        return self.anchor or "gesamt"

    @property
    def label(self) -> str:
        return f"§ {self.number}" if self.number else _("Gesamter Text")

    @property
    def comment_count(self) -> int:
        if self.total_comments is not None:
            return self.total_comments
        return sum(1 + len(replies) for _top, replies in self.threads)


def _round_comment_qs(consultation_round: ConsultationRound):
    round_type = ContentType.objects.get_for_model(ConsultationRound)  # cached after the first
    return Comment.objects.filter(target_type=round_type, target_id=str(consultation_round.pk))


def round_comments(
    consultation_round: ConsultationRound, *, with_dispositions: bool = True
) -> list[Comment]:
    """All comments of a round, authors joined, dispositions attached (2 queries)."""
    comments = list(
        _round_comment_qs(consultation_round).select_related("author").order_by("created_at", "id")
    )
    dispositions = {}
    if with_dispositions:
        dispositions = {
            d.comment_id: d
            for d in Disposition.objects.filter(round=consultation_round).select_related(
                "taken_up_in"
            )
        }
    _decorate(comments, dispositions)
    return comments


def _decorate(comments: list[Comment], dispositions: dict) -> None:
    for comment in comments:
        comment.public_author = public_author(comment)
        comment.disposition = dispositions.get(comment.pk)
        comment.needs_answer = (
            comment.hidden_at is None
            and comment.disposition is None
            and not (comment.author_id and comment.author.is_staff)
        )
    return comments


THREADS_SHOWN = 3


def public_author(comment: Comment) -> str:
    """The name shown with a comment: never the e-mail address of an account without a name."""
    if comment.author_id:
        return comment.author.get_full_name() or _("Registrierte Person")
    if comment.author_deleted:
        return _("gelöschtes Konto")
    return comment.author_name or _("Unbekannt")


def round_sections(
    consultation_round: ConsultationRound,
    comments: list[Comment],
    *,
    expand: str | None = None,
    limit: int | None = THREADS_SHOWN,
) -> list[Section]:
    """The version's paragraphs, each with its comment threads; the whole text first.

    Each section shows its first `limit` threads (the rest one click away); the section whose
    key is `expand` ("gesamt" or a paragraph number) and every section when expand == "alle"
    show all. The data is the same either way: one query for all comments of the round."""
    version = consultation_round.version
    sections = [Section(anchor="", number=None, text="")]
    sections += [Section(anchor=str(n), number=n, text=t) for n, t in version.numbered_paragraphs()]
    by_anchor = {s.anchor: s for s in sections}
    replies: dict[int, list[Comment]] = {}
    tops = []
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
        else:
            tops.append(comment)
    for top in tops:
        # A comment's anchor always exists in its own version; keep a fallback for safety.
        section = by_anchor.get(top.anchor) or by_anchor[""]
        section.threads.append((top, replies.get(top.pk, [])))
    for section in sections:
        if expand not in ("alle", section.key):
            section.limit = limit
    return sections


def round_page(
    consultation_round: ConsultationRound,
    *,
    expand: str | None = None,
    with_dispositions: bool = True,
    limit: int = THREADS_SHOWN,
) -> tuple[list[Section], dict]:
    """Sections and statistics of the round page; the work grows with what is shown, not with
    the number of comments. Queries: 1 count per paragraph, 1 statistics, 1 shown threads
    (window function; +1 for an expanded paragraph), 1 their replies, 1 their dispositions.
    expand == "alle" loads everything instead (round_comments, 2 queries + 1 statistics)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    comments_qs = _round_comment_qs(consultation_round)
    stats = round_stats_aggregate(consultation_round)
    if expand == "alle":
        comments = round_comments(consultation_round, with_dispositions=with_dispositions)
        return round_sections(consultation_round, comments, expand="alle"), stats
    per_anchor = {
        row["anchor"]: row
        for row in comments_qs.values("anchor").annotate(
            n=Count("pk"), tops=Count("pk", filter=Q(parent__isnull=True))
        )
    }
    ranked = (
        comments_qs.filter(parent__isnull=True)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("anchor")], order_by=[F("created_at"), F("id")]
            )
        )
        .filter(rank__lte=limit)
        .select_related("author")
        .order_by("created_at", "id")
    )
    tops = list(ranked)
    if expand:
        anchor = "" if expand == "gesamt" else expand
        seen = {c.pk for c in tops}
        tops += [
            c
            for c in comments_qs.filter(parent__isnull=True, anchor=anchor)
            .select_related("author")
            .order_by("created_at", "id")
            if c.pk not in seen
        ]
    replies = list(
        comments_qs.filter(parent_id__in=[c.pk for c in tops])
        .select_related("author")
        .order_by("created_at", "id")
    )
    shown = tops + replies
    dispositions = {}
    if with_dispositions:
        dispositions = {
            d.comment_id: d
            for d in Disposition.objects.filter(
                comment_id__in=[c.pk for c in shown]
            ).select_related("taken_up_in")
        }
    _decorate(shown, dispositions)
    shown.sort(key=lambda c: (c.created_at, c.pk))
    sections = round_sections(consultation_round, shown, expand=expand, limit=limit)
    for section in sections:
        row = per_anchor.get(section.anchor, {"n": 0, "tops": 0})
        section.total_comments = row["n"]
        section.total_threads = row["tops"]
    return sections, stats


def round_comment_get(consultation_round: ConsultationRound, pk: int) -> Comment | None:
    """One comment of the round (the one a reply answers), decorated like the page's."""
    comment = _round_comment_qs(consultation_round).select_related("author").filter(pk=pk).first()
    if comment is not None:
        _decorate([comment], {})
    return comment


def round_stats_aggregate(consultation_round: ConsultationRound) -> dict:
    """Counts of the round's comments in one query (see round_stats for a loaded list)."""
    visible = Q(hidden_at__isnull=True)
    answered = Q(leitlinien_disposition__isnull=False)
    staff = Q(author__is_staff=True)
    row = _round_comment_qs(consultation_round).aggregate(
        total=Count("pk"),
        visible=Count("pk", filter=visible),
        answered=Count("pk", filter=answered),
        open=Count("pk", filter=visible & ~answered & ~staff),
    )
    row["hidden"] = row["total"] - row["visible"]
    return row


def round_stats(comments: list[Comment]) -> dict:
    visible = [c for c in comments if c.hidden_at is None]
    return {
        "total": len(comments),
        "visible": len(visible),
        "hidden": len(comments) - len(visible),
        "answered": sum(1 for c in comments if c.disposition is not None),
        "open": sum(1 for c in comments if c.needs_answer),
    }


def rounds_for_dashboard(user, now=None) -> list[ConsultationRound]:
    """Open rounds this user can comment in; for staff every round that is open or needs Abwägung.
    Each carries `comment_count`, its visible comments (same query). Only the columns the panel
    shows and the audience rule reads; for members the same query also answers whether the user
    has a verified e-mail address (the audience of public rounds)."""
    from django.db.models import Exists, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Cast, Coalesce

    from .permissions import (
        can_comment_as_user,
        is_staff,
        remember_verified_email,
        verified_emails,
    )

    now = now or timezone.now()
    comments = (
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(ConsultationRound),
            target_id=Cast(OuterRef("pk"), output_field=Comment._meta.get_field("target_id")),
            hidden_at__isnull=True,
        )
        .order_by()
        .values("target_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        ConsultationRound.objects.filter(evaluated_at__isnull=True)
        .select_related("version__guideline__theme")
        .only(
            *("id", "version_id", "audience", "title", "starts_at", "ends_at", "evaluated_at"),
            *("version__guideline", "version__guideline__title"),
            "version__guideline__theme__committee_id",
        )
        .annotate(comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), 0))
    )
    if is_staff(user):
        return list(qs.filter(starts_at__lte=now).order_by("ends_at")[:20])
    rounds = list(
        qs.filter(starts_at__lte=now, ends_at__gt=now).annotate(
            user_verified=Exists(verified_emails(user))
        )
    )
    if rounds:
        remember_verified_email(user, rounds[0].user_verified)
    return [r for r in rounds if can_comment_as_user(user, r)][:20]


def held_comments_for_review() -> list[Comment]:
    """Comments of rounds held for staff review, oldest first, each with `.round` (2 queries)."""
    comments = list(
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(ConsultationRound),
            held_at__isnull=False,
        )
        .select_related("author")
        .order_by("held_at", "id")
    )
    rounds = ConsultationRound.objects.select_related("version__guideline").in_bulk(
        {int(c.target_id) for c in comments}
    )
    for comment in comments:
        comment.round = rounds.get(int(comment.target_id))
    return comments


def comments_needing_answer(consultation_round: ConsultationRound):
    """Visible comments of participants (not of staff) in the round; each needs a disposition."""
    return Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(ConsultationRound),
        target_id=str(consultation_round.pk),
        hidden_at__isnull=True,
    ).exclude(author__is_staff=True)


def comments_visible_count(consultation_round: ConsultationRound) -> int:
    return Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(ConsultationRound),
        target_id=str(consultation_round.pk),
        hidden_at__isnull=True,
    ).count()


def comments_needing_answer_count(consultation_round: ConsultationRound) -> int:
    """How many comments of the round still have no disposition."""
    return (
        comments_needing_answer(consultation_round)
        .filter(leitlinien_disposition__isnull=True)
        .count()
    )


# --- Abwägungstabelle --------------------------------------------------------------------------


def plain_text(body: str) -> str:
    """A sanitised comment body as plain text (for CSV, DOCX, PDF tables)."""
    return html.unescape(
        nh3.clean(body.replace("<br>", "\n").replace("</p>", "\n"), tags=set())
    ).strip()


def comment_author_label(comment: Comment, consultation_round: ConsultationRound) -> str:
    name = public_author(comment)
    group = (
        gettext(comment.author_group)
        if comment.author_group
        else consultation_round.get_audience_display()
    )
    return f"{name} ({group})" if group else name


DISPOSITION_TABLE_HEADER = [
    "Absatz",
    "Kommentar",
    "Verfasst von / Zielgruppe",
    "Abwägungsergebnis",
    "Begründung",
    "Aufgenommen in",
]


def disposition_rows(
    consultation_round: ConsultationRound, comments: list[Comment] | None = None
) -> list[list]:
    """Rows of the disposition table: visible comments in paragraph order."""
    if comments is None:
        comments = round_comments(consultation_round)
    rows = []
    ordered = sorted(
        (c for c in comments if c.hidden_at is None),
        key=lambda c: (int(c.anchor) if c.anchor.isdigit() else 0, c.created_at, c.pk),
    )
    for comment in ordered:
        disposition = comment.disposition
        rows.append(
            [
                f"§ {comment.anchor}" if comment.anchor else _("Gesamter Text"),
                plain_text(comment.body),
                comment_author_label(comment, consultation_round),
                disposition.get_decision_display() if disposition else _("offen"),
                disposition.reason if disposition else "",
                (
                    _("Fassung %(n)s") % {"n": disposition.taken_up_in.number}
                    if disposition and disposition.taken_up_in
                    else ""
                ),
            ]
        )
    return rows


# --- measures ---------------------------------------------------------------------------------


def measure_list(*, planning_level="", status="", guideline="", q=""):
    qs = Measure.objects.select_related("guideline__theme", "source_version").filter(
        source_version__state__in=[State.ADOPTED, State.SUPERSEDED]
    )
    if planning_level:
        qs = qs.filter(planning_level=planning_level)
    if status:
        qs = qs.filter(status=status)
    if guideline:
        qs = qs.filter(guideline__slug=guideline)
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(responsible_office__icontains=q)
            | Q(social_areas__icontains=q)
            | Q(partners__icontains=q)
        )
    return qs


def guidelines_with_adopted_version():
    return (
        Guideline.objects.filter(versions__state=State.ADOPTED).select_related("theme").distinct()
    )


# --- plan -------------------------------------------------------------------------------------


def plan_content() -> dict:
    """Everything the Sozialraumplan contains, loaded in a fixed number of queries."""
    adopted = list(
        GuidelineVersion.objects.filter(state=State.ADOPTED)
        .select_related("guideline__theme")
        .order_by("guideline__theme__position", "guideline__title")
    )
    measures = list(
        Measure.objects.filter(source_version__state__in=[State.ADOPTED, State.SUPERSEDED])
        .select_related("guideline__theme")
        .order_by("guideline__theme__position", "title")
    )
    by_level = []
    for value, label in Measure.PlanningLevel.choices:
        items = [m for m in measures if m.planning_level == value]
        by_level.append({"value": value, "label": label, "measures": items})
    guideline_ids = [v.guideline_id for v in adopted]
    rounds = list(
        ConsultationRound.objects.filter(
            version__guideline_id__in=guideline_ids, evaluated_at__isnull=False
        )
        .select_related("version__guideline__theme")
        .order_by("version__guideline__theme__position", "version__number", "starts_at")
    )
    round_type = ContentType.objects.get_for_model(ConsultationRound)
    all_comments = list(
        Comment.objects.filter(
            target_type=round_type,
            target_id__in=[str(r.pk) for r in rounds],
            hidden_at__isnull=True,
        )
        .select_related("author")
        .order_by("created_at", "id")
    )
    dispositions = {
        d.comment_id: d
        for d in Disposition.objects.filter(round__in=rounds).select_related("taken_up_in")
    }
    per_round: dict[str, list[Comment]] = {}
    for comment in all_comments:
        comment.disposition = dispositions.get(comment.pk)
        per_round.setdefault(comment.target_id, []).append(comment)
    tables = [
        {"round": r, "rows": disposition_rows(r, per_round.get(str(r.pk), []))} for r in rounds
    ]
    texts = plan_texts()
    return {
        "versions": adopted,
        "measures_by_level": by_level,
        "measure_count": len(measures),
        "needs": [texts[k] for k in NEEDS_KEYS],
        "profiles": area_profiles_with_measures(measures),
        "strategy": [texts[k] for k in STRATEGY_KEYS],
        "recommendations": plan_sections.site_recommendations(),
        "tables": tables,
        "comment_count": len(all_comments),
    }


NEEDS_KEYS = (PlanText.Key.NEEDS_CITY, PlanText.Key.NEEDS_AREA, PlanText.Key.NEEDS_QUARTER)
STRATEGY_KEYS = (PlanText.Key.STUDY_FINDINGS, PlanText.Key.QUARTER_STRATEGY)


def plan_texts() -> dict:
    """Every text part of the plan by key, with its label and paragraphs (empty if unwritten)."""
    stored = dict(PlanText.objects.values_list("key", "body"))
    return {
        key: {
            "key": key,
            "label": label,
            "body": stored.get(key, ""),
            "paragraphs": paragraphs_of(stored.get(key, "")),
        }
        for key, label in PlanText.Key.choices
    }


def measures_by_area_name(measures) -> dict[str, list[Measure]]:
    """Measures by the places they name. Measures name places as free text
    (`Measure.social_areas`, comma-separated): a Sozialraum or one of its Ortsteile; a name
    matches regardless of case."""
    by_name: dict[str, list[Measure]] = {}
    for measure in measures:
        for name in measure.social_area_list:
            by_name.setdefault(name.casefold(), []).append(measure)
    return by_name


def _measures_of(profile, by_name: dict) -> list[Measure]:
    """The measures naming the area or one of its Ortsteile, each once, in plan order."""
    found: dict[int, Measure] = {}
    for name in (profile.name, *profile.districts):
        for measure in by_name.get(name.casefold(), []):
            found.setdefault(measure.pk, measure)
    return list(found.values())


def area_profiles_with_measures(measures) -> list[dict]:
    """The registered social-area profiles, each with its measures, its key indicator's chart
    and its map excerpt (figures drawn once, shown as SVG in the PDF and as PNG in the DOCX)."""
    from erfurt_srp.exports.figures import line_chart, shape_map

    by_name = measures_by_area_name(measures)
    result = []
    for profile in plan_sections.area_profiles():
        series = profile.index_series
        chart = None
        if series is not None and series.points:
            chart = line_chart(
                series.points,
                title=_("%(indicator)s im Sozialraum %(area)s nach Jahren")
                % {"indicator": series.name, "area": profile.name},
                unit=series.unit,
            )
        result.append(
            {
                "profile": profile,
                "measures": _measures_of(profile, by_name),
                "chart": chart,
                "map": shape_map(
                    profile.shapes,
                    title=_("Ortsteile des Sozialraums %(area)s") % {"area": profile.name},
                ),
            }
        )
    return result


def insider_anywhere(user) -> bool:
    return is_any_insider(user)


# --- editors (Federführung) -------------------------------------------------------------------


def theme_editors_for(theme) -> list:
    """Every editor grant of the theme, newest first (one query)."""
    from .models import ThemeEditor

    return list(
        ThemeEditor.objects.filter(theme=theme)
        .select_related("user", "granted_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def theme_editor_history_for(theme, limit: int = 200) -> list:
    from .models import ThemeEditor

    return list(
        ThemeEditor.history.filter(theme_id=theme.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
