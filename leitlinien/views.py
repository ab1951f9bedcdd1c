"""Thin views: check access, validate the form, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.accounts.roles import is_staff
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import paginate
from erfurt_srp.discussion.models import Comment
from erfurt_srp.exports import CSV, DOCX, PDF
from erfurt_srp.exports.csv import csv_bytes

from . import selectors, services
from .diff import diff_summary, paragraph_diff
from .forms import (
    AdoptForm,
    CommentForm,
    DispositionForm,
    HideForm,
    InvitationForm,
    MeasureFilterForm,
    MeasureForm,
    PublicCommentForm,
    RoundForm,
    ThemeEditorForm,
    ThemeForm,
    VersionForm,
)
from .models import (
    ConsultationRound,
    Guideline,
    GuidelineVersion,
    Measure,
    PlanExport,
    RoundInvitation,
    Theme,
    ThemeEditor,
    hash_token,
)
from .permissions import (
    can_comment_as_user,
    can_edit_version,
    can_view_dispositions,
    can_view_export,
    get_round_for_user,
    get_version_for_user,
    has_verified_email,
    is_any_insider,
    is_insider,
)

# --- overview, themes, guidelines -------------------------------------------------------------


def index(request):
    themes = selectors.theme_list_for_user(request.user)
    return render(
        request,
        "leitlinien/index.html",
        {
            "themes": themes,
            "open_rounds": list(selectors.open_public_rounds()),
            "is_staff": is_staff(request.user),
        },
    )


@staff_required
def theme_create(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Themenschwerpunkt wurde angelegt."))
            return redirect(theme.guideline)
    return render(
        request, "leitlinien/form.html", {"form": form, "title": _("Neuer Themenschwerpunkt")}
    )


def guideline_detail(request, slug):
    guideline = get_object_or_404(Guideline.objects.select_related("theme__committee"), slug=slug)
    versions = selectors.guideline_versions_for_user(request.user, guideline)
    insider = is_insider(request.user, guideline.theme.committee_id)
    return render(
        request,
        "leitlinien/guideline_detail.html",
        {
            "guideline": guideline,
            "theme": guideline.theme,
            "versions": versions,
            "is_insider": insider,
            "is_staff": is_staff(request.user),
            "measure_count": guideline.measures.count(),
        },
    )


@staff_required
def version_create(request, slug):
    guideline = get_object_or_404(Guideline, slug=slug)
    latest = guideline.versions.order_by("-number").first()
    initial = {
        "title": latest.title if latest else guideline.title,
        "text": services.paragraphs_to_text(latest.paragraphs) if latest else "",
    }
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_create(
                guideline=guideline, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request, _("Fassung %(n)s wurde als Entwurf angelegt.") % {"n": version.number}
            )
            return redirect(version)
    return render(
        request,
        "leitlinien/form.html",
        {
            "form": form,
            "title": _("Neue Fassung: %(g)s") % {"g": guideline.title},
            "back": guideline,
        },
    )


def version_detail(request, pk):
    from . import adoption

    version = get_version_for_user(request.user, pk)
    guideline = version.guideline
    insider = is_insider(request.user, guideline.theme.committee_id)
    siblings = selectors.guideline_versions_for_user(request.user, guideline)
    rounds = next((v.rounds.all() for v in siblings if v.pk == version.pk), [])
    return render(
        request,
        "leitlinien/version_detail.html",
        {
            "version": version,
            "guideline": guideline,
            "siblings": siblings,
            "rounds": rounds,
            "previous": next((v for v in reversed(siblings) if v.number < version.number), None),
            "is_insider": insider,
            "is_staff": is_staff(request.user),
            "can_edit": can_edit_version(request.user, version),
            "open_vote": adoption.open_vote_for(version) if insider else None,
        },
    )


@login_required
def version_edit(request, pk):
    """Staff, and the theme's editor (Federführung), edit a draft."""
    version = get_version_for_user(request.user, pk, write=True)
    if not version.is_draft:
        messages.error(
            request, _("Diese Fassung ist kein Entwurf mehr; ihr Text kann nicht geändert werden.")
        )
        return redirect(version)
    initial = {
        "title": version.title,
        "text": services.paragraphs_to_text(version.paragraphs),
        "change_note": version.change_note,
    }
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(version=version, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Entwurf wurde gespeichert."))
            return redirect(version)
    return render(
        request,
        "leitlinien/form.html",
        {"form": form, "title": _("Entwurf bearbeiten: %(v)s") % {"v": version}, "back": version},
    )


def version_compare(request, slug):
    guideline = get_object_or_404(Guideline.objects.select_related("theme"), slug=slug)
    versions = selectors.guideline_versions_for_user(request.user, guideline)
    by_pk = {str(v.pk): v for v in versions}
    if len(versions) < 2:
        messages.info(request, _("Zum Vergleichen braucht es mindestens zwei Fassungen."))
        return redirect(guideline)
    old = by_pk.get(request.GET.get("a", ""), versions[-2])
    new = by_pk.get(request.GET.get("b", ""), versions[-1])
    if old.number > new.number:
        old, new = new, old
    rows = paragraph_diff(old.paragraphs, new.paragraphs)
    return render(
        request,
        "leitlinien/compare.html",
        {
            "guideline": guideline,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "summary": diff_summary(rows),
        },
    )


# --- adoption ---------------------------------------------------------------------------------


@staff_required
def version_adopt(request, pk):
    from . import adoption

    version = get_object_or_404(GuidelineVersion.objects.select_related("guideline__theme"), pk=pk)
    form = AdoptForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST":
        if request.POST.get("action") == "vote":
            try:
                adoption.put_to_vote(version=version, actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Die Abstimmung im Gremium wurde eröffnet."))
            return redirect(version)
        if form.is_valid():
            try:
                services.version_adopt(version=version, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(
                    request, _("Der Beschluss wurde eingetragen; die Fassung ist eingefroren.")
                )
                return redirect(version)
    return render(
        request,
        "leitlinien/adopt.html",
        {"form": form, "version": version, "vote_available": adoption.votes_available()},
    )


# --- rounds -----------------------------------------------------------------------------------


@staff_required
def round_create(request, pk):
    version = get_object_or_404(GuidelineVersion.objects.select_related("guideline"), pk=pk)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_round = services.round_create(
                version=version, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Die Beteiligungsrunde wurde angelegt."))
            return redirect(consultation_round)
    return render(
        request,
        "leitlinien/form.html",
        {"form": form, "title": _("Beteiligungsrunde zu %(v)s") % {"v": version}, "back": version},
    )


def _round_context(
    request, consultation_round, *, form=None, invitation=None, link_message="", can_comment=None
):
    user = request.user
    insider = is_insider(user, consultation_round.version.guideline.theme.committee_id)
    show_dispositions = can_view_dispositions(user, consultation_round) or invitation is not None
    sections, stats = selectors.round_page(
        consultation_round, expand=request.GET.get("alle"), with_dispositions=show_dispositions
    )
    if can_comment is None:
        can_comment = can_comment_as_user(user, consultation_round)
    if form is None and can_comment:
        initial = {"anchor": request.GET.get("absatz", "")}
        reply_to = request.GET.get("antwort", "")
        if reply_to.isdigit():
            initial["parent"] = int(reply_to)
        form = CommentForm(
            initial=initial,
            version=consultation_round.version,
            author_name=invitation.name if invitation else None,
        )
    public_form = None
    if (
        not can_comment
        and invitation is None
        and not user.is_authenticated
        and consultation_round.is_public
        and consultation_round.is_open()
    ):
        public_form = form if isinstance(form, PublicCommentForm) else None
        if public_form is None:
            public_form = PublicCommentForm(
                initial={
                    "anchor": request.GET.get("absatz", ""),
                    "parent": request.GET.get("antwort") or None,
                },
                version=consultation_round.version,
            )
        form = public_form
    parent_id = form["parent"].value() if form is not None else None
    reply_to = None
    if parent_id and str(parent_id).isdigit():
        reply_to = selectors.round_comment_get(consultation_round, int(parent_id))
    return {
        "round": consultation_round,
        "version": consultation_round.version,
        "guideline": consultation_round.version.guideline,
        "sections": sections,
        "stats": stats,
        "form": form if can_comment else None,
        "public_form": public_form,
        "can_reply": can_comment or public_form is not None,
        "reply_to": reply_to,
        "can_comment": can_comment,
        "invitation": invitation,
        "link_message": link_message,
        "is_insider": insider,
        "is_staff": is_staff(user),
        "show_dispositions": show_dispositions,
        "needs_verified_email": consultation_round.is_public
        and consultation_round.is_open()
        and user.is_authenticated
        and not has_verified_email(user),
    }


def round_detail(request, pk):
    consultation_round = get_round_for_user(request.user, pk)
    context = _round_context(request, consultation_round)
    if request.htmx and request.GET.get("alle"):
        # htmx: only the expanded section replaces itself
        key = request.GET["alle"]
        section = next((s for s in context["sections"] if s.key == key), None)
        if section is None:
            raise Http404
        return render(request, "leitlinien/_section.html", {**context, "section": section})
    return render(request, "leitlinien/round_detail.html", context)


def _comment_url(base: str, comment) -> str:
    """Link to a comment with its paragraph's threads all shown."""
    return f"{base}?alle={comment.anchor or 'gesamt'}#kommentar-{comment.pk}"


# Comments per client address (and per account) and hour. A limited request keeps its text in
# the form and says when to try again; it is not stored.
COMMENT_RATE = "20/h"
PUBLIC_COMMENT_RATE = "5/h"


def _comment_rate(group, request) -> str | None:
    """Staff answer many comments in one sitting: no limit for them."""
    return None if is_staff(request.user) else COMMENT_RATE


def _rate_limited(request, form) -> bool:
    if not getattr(request, "limited", False):
        return False
    form.add_error(
        None,
        _(
            "Sie haben in kurzer Zeit viele Kommentare geschrieben. Bitte versuchen Sie es in "
            "einer Stunde erneut; Ihr Text bleibt hier erhalten."
        ),
    )
    return True


def _published_message(comment) -> str:
    if comment.held_at:
        return _(
            "Vielen Dank! Ihr Kommentar wird veröffentlicht, sobald die Geschäftsstelle ihn "
            "geprüft hat."
        )
    return _("Vielen Dank, Ihr Kommentar wurde veröffentlicht.")


@require_POST
@ratelimit(key="ip", rate=_comment_rate, method="POST", block=False)
@ratelimit(key="user_or_ip", rate=_comment_rate, method="POST", block=False)
def round_comment(request, pk):
    consultation_round = get_round_for_user(request.user, pk)
    if not request.user.is_authenticated:
        messages.error(request, _("Bitte melden Sie sich an, um zu kommentieren."))
        return redirect(f"{reverse('account_login')}?next={consultation_round.get_absolute_url()}")
    form = CommentForm(request.POST, version=consultation_round.version)
    if _rate_limited(request, form):
        context = _round_context(request, consultation_round, form=form, can_comment=True)
        return render(request, "leitlinien/round_detail.html", context, status=429)
    if form.is_valid():
        try:
            comment = services.round_comment_create(
                consultation_round=consultation_round,
                actor=request.user,
                body=form.cleaned_data["body"],
                anchor=form.cleaned_data["anchor"],
                parent_id=form.cleaned_data["parent"],
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _published_message(comment))
            return redirect(_comment_url(consultation_round.get_absolute_url(), comment))
    context = _round_context(request, consultation_round, form=form, can_comment=True)
    return render(request, "leitlinien/round_detail.html", context, status=400)


@require_POST
@ratelimit(key="ip", rate=PUBLIC_COMMENT_RATE, method="POST", block=False)
def public_comment(request, pk):
    """A comment without an account in a public round: stored until the e-mail is confirmed."""
    consultation_round = get_round_for_user(request.user, pk)
    form = PublicCommentForm(request.POST, version=consultation_round.version)
    if _rate_limited(request, form):
        context = _round_context(request, consultation_round, form=form, can_comment=False)
        return render(request, "leitlinien/round_detail.html", context, status=429)
    if form.is_valid():
        try:
            pending = services.public_comment_submit(
                consultation_round=consultation_round,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                body=form.cleaned_data["body"],
                anchor=form.cleaned_data["anchor"],
                parent_id=form.cleaned_data["parent"],
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            return render(
                request,
                "leitlinien/public_comment_sent.html",
                {"pending": pending, "round": consultation_round},
            )
    context = _round_context(request, consultation_round, form=form, can_comment=False)
    return render(request, "leitlinien/round_detail.html", context, status=400)


def public_comment_confirm(request, token):
    """GET shows a button (mail scanners that open links publish nothing); POST publishes."""
    if request.method == "POST":
        try:
            comment = services.public_comment_confirm(token=token)
        except DomainError as error:
            status = 404 if error.code == "invalid" else 410
            return render(
                request,
                "leitlinien/public_comment_confirm.html",
                {"error": error.message},
                status=status,
            )
        if comment.held_at:
            messages.success(
                request,
                _(
                    "Danke! Ihre E-Mail-Adresse ist bestätigt. Ihr Kommentar wird veröffentlicht, "
                    "sobald die Geschäftsstelle ihn geprüft hat."
                ),
            )
        else:
            messages.success(
                request,
                _("Danke! Ihre E-Mail-Adresse ist bestätigt und Ihr Kommentar veröffentlicht."),
            )
        return redirect(
            _comment_url(
                reverse("leitlinien:round_detail", kwargs={"pk": comment.target_id}), comment
            )
        )
    return render(request, "leitlinien/public_comment_confirm.html", {})


def invitation(request, token):
    """The page behind a personal link: the round's text and comments, and a form while valid."""
    invitation = (
        RoundInvitation.objects.select_related("round__version__guideline__theme")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        return render(request, "leitlinien/link_invalid.html", status=404)
    consultation_round = invitation.round
    state = services.invitation_state(invitation)
    link_message = services.link_state_message(state, invitation)
    valid = state == services.LinkState.VALID
    form = None
    if request.method == "POST":
        form = CommentForm(
            request.POST, version=consultation_round.version, author_name=invitation.name
        )
        if not valid:
            messages.error(request, link_message)
        elif form.is_valid():
            try:
                comment = services.round_comment_create(
                    consultation_round=consultation_round,
                    invitation=invitation,
                    body=form.cleaned_data["body"],
                    anchor=form.cleaned_data["anchor"],
                    parent_id=form.cleaned_data["parent"],
                    author_name=form.cleaned_data["author_name"],
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(request, _("Vielen Dank, Ihr Kommentar wurde veröffentlicht."))
                return redirect(_comment_url(request.path, comment))
    context = _round_context(
        request,
        consultation_round,
        form=form,
        invitation=invitation,
        link_message=link_message,
        can_comment=valid,
    )
    status = 200 if request.method == "GET" else 400
    if not valid and state != services.LinkState.NOT_STARTED:
        status = 410
    return render(request, "leitlinien/round_detail.html", context, status=status)


@staff_required
def round_invitations(request, pk):
    consultation_round = get_object_or_404(
        ConsultationRound.objects.select_related("version__guideline"), pk=pk
    )
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, skipped = services.round_invite(
                consultation_round=consultation_round,
                recipients=form.cleaned_data["recipients"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s persönlicher Link wurde versandt.",
                    "%(n)s persönliche Links wurden versandt.",
                    len(created),
                )
                % {"n": len(created)}
                + (
                    " " + _("Bereits eingeladen (übersprungen): %(e)s") % {"e": ", ".join(skipped)}
                    if skipped
                    else ""
                ),
            )
            return redirect("leitlinien:round_invitations", pk=consultation_round.pk)
    return render(
        request,
        "leitlinien/round_invitations.html",
        {
            "round": consultation_round,
            "form": form,
            "invitations": consultation_round.invitations.all(),
        },
    )


@staff_required
def round_dispositions(request, pk):
    """Staff answer the comments of a round, 50 per page; `?offen=1` shows the unanswered ones."""
    consultation_round = get_object_or_404(
        ConsultationRound.objects.select_related("version__guideline__theme"), pk=pk
    )
    comments = selectors.round_comments(consultation_round)
    stats = selectors.round_stats(comments)
    only_open = request.GET.get("offen") == "1"
    listed = [c for c in comments if c.needs_answer] if only_open else comments
    page = paginate(request, listed, 50)
    versions = list(consultation_round.version.guideline.versions.order_by("number"))
    for comment in page:
        d = comment.disposition
        comment.form = DispositionForm(
            prefix=f"c{comment.pk}",
            versions=versions,
            initial={
                "decision": d.decision if d else "",
                "reason": d.reason if d else "",
                "taken_up_in": d.taken_up_in_id if d else None,
            },
        )
    return render(
        request,
        "leitlinien/round_dispositions.html",
        {
            "round": consultation_round,
            "page": page,
            "only_open": only_open,
            "stats": stats,
            "is_closed": consultation_round.evaluated_at is not None,
        },
    )


@staff_required
@require_POST
def comment_disposition(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    consultation_round = get_object_or_404(
        ConsultationRound.objects.select_related("version__guideline"), pk=comment.target_id
    )
    versions = list(consultation_round.version.guideline.versions.order_by("number"))
    form = DispositionForm(request.POST, prefix=f"c{comment.pk}", versions=versions)
    back = request.POST.get("next", "")
    back = back if back.startswith("?") and "//" not in back else ""
    target = (
        f"{reverse('leitlinien:round_dispositions', kwargs={'pk': consultation_round.pk})}{back}"
        f"#abwaegung-{comment.pk}"
    )
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(target)
    try:
        services.disposition_set(comment=comment, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Abwägung wurde gespeichert."))
    return redirect(target)


@staff_required
@require_POST
def round_close(request, pk):
    consultation_round = get_object_or_404(ConsultationRound, pk=pk)
    try:
        services.round_close(consultation_round=consultation_round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Runde ist abgewogen und abgeschlossen."))
    return redirect("leitlinien:round_dispositions", pk=consultation_round.pk)


@staff_required
@require_POST
def round_end(request, pk):
    consultation_round = get_object_or_404(ConsultationRound, pk=pk)
    try:
        services.round_end_now(consultation_round=consultation_round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Runde wurde beendet; sie nimmt keine Kommentare mehr an."))
    return redirect(consultation_round)


@staff_required
def comment_hide(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    consultation_round = get_object_or_404(ConsultationRound, pk=comment.target_id)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_comment_hide(
                comment=comment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Der Kommentar wurde ausgeblendet."))
            return redirect(_comment_url(consultation_round.get_absolute_url(), comment))
    return render(
        request,
        "leitlinien/comment_hide.html",
        {"form": form, "comment": comment, "round": consultation_round},
    )


@staff_required
def comment_review(request):
    """Public comments held for review (a link in them, or a new account): release or reject."""
    return render(
        request,
        "leitlinien/comment_review.html",
        {"comments": selectors.held_comments_for_review()},
    )


@staff_required
@require_POST
def comment_review_decide(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "release":
            services.held_comment_release(comment=comment, actor=request.user)
            messages.success(request, _("Der Kommentar ist jetzt veröffentlicht."))
        elif decision == "reject":
            services.held_comment_reject(comment=comment, actor=request.user)
            messages.success(request, _("Der Kommentar wurde abgelehnt und gelöscht."))
        else:
            messages.error(request, _("Bitte wählen Sie „Veröffentlichen“ oder „Ablehnen“."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("leitlinien:comment_review")


SYNC_EXPORT_LIMIT = 300  # larger PDF/DOCX tables are built by the worker, never in a request


def round_export(request, pk, fmt):
    """The Abwägungstabelle as CSV (always at once), PDF or DOCX (at once for small rounds; large
    ones come from a stored background build, see services.disposition_table_export_request)."""
    from .plan import disposition_table_docx, disposition_table_pdf

    consultation_round = get_round_for_user(request.user, pk)
    if not can_view_dispositions(request.user, consultation_round) or fmt not in (
        "csv",
        "pdf",
        "docx",
    ):
        raise Http404
    name = f"abwaegungstabelle-{consultation_round.version.guideline.slug}-f{consultation_round.version.number}-runde{consultation_round.pk}"
    if fmt != "csv":
        stored = (
            PlanExport.objects.filter(round=consultation_round, status=PlanExport.Status.DONE)
            .order_by("-finished_at")
            .first()
        )
        if (
            stored
            and consultation_round.evaluated_at
            and stored.finished_at >= consultation_round.evaluated_at
        ):
            field = stored.pdf if fmt == "pdf" else stored.docx
            return FileResponse(field.open("rb"), as_attachment=True, filename=f"{name}.{fmt}")
        if selectors.comments_visible_count(consultation_round) > SYNC_EXPORT_LIMIT:
            if is_staff(request.user):
                export = services.disposition_table_export_request(
                    consultation_round=consultation_round, actor=request.user
                )
                messages.info(
                    request, _("Die Abwägungstabelle ist groß und wird im Hintergrund erstellt.")
                )
                return redirect(export)
            messages.info(
                request,
                _(
                    "Die Abwägungstabelle wird gerade erstellt. Bitte versuchen Sie es später erneut."
                ),
            )
            return redirect(consultation_round)
    rows = selectors.disposition_rows(
        consultation_round, selectors.round_comments(consultation_round)
    )
    if fmt == "csv":
        content, mimetype = csv_bytes(selectors.DISPOSITION_TABLE_HEADER, rows), CSV
    elif fmt == "docx":
        content, mimetype = disposition_table_docx(consultation_round, rows), DOCX
    else:
        content, mimetype = disposition_table_pdf(consultation_round, rows), PDF
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- measures ---------------------------------------------------------------------------------


def measure_list(request):
    form = MeasureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.measure_list(**filters), 25)
    return render(
        request,
        "leitlinien/measure_list.html",
        {
            "form": form,
            "page": page,
            "is_staff": is_staff(request.user),
        },
    )


def measure_detail(request, pk):
    measure = get_object_or_404(
        Measure.objects.select_related("guideline__theme", "source_version"), pk=pk
    )
    if measure.source_version.state not in ("adopted", "superseded"):
        raise Http404
    return render(
        request,
        "leitlinien/measure_detail.html",
        {"measure": measure, "is_staff": is_staff(request.user)},
    )


@staff_required
def measure_create(request):
    form = MeasureForm(request.POST or None, initial={"guideline": request.GET.get("leitlinie")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        guideline = data.pop("guideline")
        try:
            measure = services.measure_create(guideline=guideline, actor=request.user, **data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Die Maßnahme wurde angelegt."))
            return redirect(measure)
    return render(request, "leitlinien/form.html", {"form": form, "title": _("Neue Maßnahme")})


@staff_required
def measure_edit(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("guideline", None)
        try:
            services.measure_update(measure=measure, actor=request.user, **data)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Die Maßnahme wurde gespeichert."))
            return redirect(measure)
    return render(
        request,
        "leitlinien/form.html",
        {"form": form, "title": _("Maßnahme bearbeiten"), "back": measure},
    )


# --- the plan ---------------------------------------------------------------------------------


def _require_plan_reader(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not is_any_insider(request.user):
        raise PermissionDenied
    return None


def plan_index(request):
    denied = _require_plan_reader(request)
    if denied:
        return denied
    services.plan_exports_expire_stale()
    return render(
        request,
        "leitlinien/plan_index.html",
        {
            "exports": PlanExport.objects.filter(round__isnull=True, report__isnull=True)[:20],
            "is_staff": is_staff(request.user),
        },
    )


@staff_required
@require_POST
def plan_request(request):
    export = services.plan_export_request(actor=request.user)
    messages.success(request, _("Der Sozialraumplan wird im Hintergrund erstellt."))
    return redirect(export)


def _export_for_user(request, pk, **filters) -> PlanExport:
    """The export if the user may see the page it belongs to (can_view_export); else 404, or
    403 for a logged-in non-insider on the plan, as the plan pages answer."""
    export = get_object_or_404(
        PlanExport.objects.select_related("round__version__guideline__theme"), pk=pk, **filters
    )
    if not can_view_export(request.user, export):
        if export.round_id is None and request.user.is_authenticated:
            raise PermissionDenied
        raise Http404
    return export


def plan_detail(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    services.plan_exports_expire_stale()
    export = _export_for_user(request, pk)
    template = "leitlinien/_plan_status.html" if request.htmx else "leitlinien/plan_detail.html"
    return render(request, template, {"export": export})


def plan_download(request, pk, fmt):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    export = _export_for_user(request, pk, status=PlanExport.Status.DONE)
    field = {"pdf": export.pdf, "docx": export.docx}.get(fmt)
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )


# --- editors (Federführung) -------------------------------------------------------------------


@staff_required
def theme_editors(request, slug):
    """Staff: who edits the theme's drafts (grant, list, revoke, history)."""
    theme = get_object_or_404(Theme.objects.select_related("guideline"), slug=slug)
    form = ThemeEditorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.theme_editor_grant(
                actor=request.user, theme=theme, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            if grant.user_id:
                messages.success(
                    request,
                    _("%(who)s hat jetzt die Federführung.") % {"who": grant.holder_display},
                )
            else:
                messages.success(
                    request,
                    _(
                        "%(email)s hat noch kein Konto und wurde eingeladen; die Federführung "
                        "gilt, sobald das Konto angelegt ist."
                    )
                    % {"email": grant.email},
                )
            return redirect("leitlinien:theme_editors", slug=theme.slug)
    return render(
        request,
        "leitlinien/theme_editors.html",
        {
            "theme": theme,
            "form": form,
            "grants": selectors.theme_editors_for(theme),
            "history": selectors.theme_editor_history_for(theme),
        },
    )


@staff_required
@require_POST
def theme_editor_revoke(request, pk):
    grant = get_object_or_404(ThemeEditor.objects.select_related("theme"), pk=pk)
    services.theme_editor_revoke(actor=request.user, grant=grant)
    messages.success(
        request, _("Die Federführung von %(who)s ist widerrufen.") % {"who": grant.holder_display}
    )
    return redirect("leitlinien:theme_editors", slug=grant.theme.slug)
