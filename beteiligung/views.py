"""Public pages (event, registration, personal link) and the staff back office of events."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from erfurt_srp.accounts.decorators import staff_required
from erfurt_srp.core import versioned_cache
from erfurt_srp.core.errors import DomainError, add_domain_error_to_form
from erfurt_srp.core.pagination import PAGE_PARAM, paginate
from erfurt_srp.exports import CSV, PDF
from erfurt_srp.exports.csv import csv_bytes
from erfurt_srp.exports.pdf import render_pdf

from . import selectors, services, waiting_list
from .forms import (
    ChangeTableForm,
    ConfirmForm,
    EventForm,
    EventMessageForm,
    InvitationCodeForm,
    ProgrammeFormSet,
    RegistrationFilterForm,
    RegistrationForm,
    TableFormSet,
)
from .ics import event_ics
from .models import Event, Registration

# --- helpers --------------------------------------------------------------------------------


def rate_limited(request, scope: str) -> bool:
    """Count one attempt for the client address (REMOTE_ADDR, set by the core middleware behind
    the proxy); True once it exceeds the configured limit."""
    limit = settings.BETEILIGUNG_RATE_LIMIT
    if not limit:
        return False
    return is_ratelimited(
        request,
        group=f"beteiligung:{scope}",
        key="ip",
        rate=f"{limit}/{settings.BETEILIGUNG_RATE_WINDOW_SECONDS}s",
        increment=True,
    )


def _link_invalid(request, message=None, status=404):
    return render(
        request,
        "beteiligung/link_invalid.html",
        {"message": message or _("Dieser Link ist ungültig oder abgelaufen.")},
        status=status,
    )


# --- public ---------------------------------------------------------------------------------


def event_list(request):
    now = timezone.now()
    cache_version = versioned_cache.version(selectors.CACHE_NAMESPACE)
    events = list(selectors.event_list_public(now=now))
    upcoming = [e for e in events if e.ends_at >= now]
    upcoming.reverse()
    past = [e for e in events if e.ends_at < now]
    for event in events:
        event.free = max(0, event.capacity - event.held)
    context = {
        "upcoming": upcoming,
        "past": past,
        # The cards are cached as a template fragment under the version of the public event
        # data and what else they show: free places and which events are over.
        "cache_version": cache_version,
        "list_key": ",".join(f"{e.pk}-{e.free}-{int(e.ends_at < now)}" for e in events),
    }
    return render(request, "beteiligung/event_list.html", context)


def event_detail(request, slug):
    cache_version = versioned_cache.version(selectors.CACHE_NAMESPACE)
    event = selectors.event_get_public_with_details(slug=slug, cache_version=cache_version)
    if event is None:
        raise Http404
    now = timezone.now()
    state = event.registration_state(now)
    status = 200
    if request.method == "POST":
        form = RegistrationForm(
            request.POST,
            event=event,
            tables=[selectors.TableAvailability(t, 0) for t in event.tables.all()],
        )
        if form.is_spam:
            # Look like a success to the bot; nothing is stored, no e-mail is sent.
            return redirect("beteiligung:registration_pending", slug=event.slug)
        if rate_limited(request, "register"):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Zu viele Anmeldeversuche von Ihrer Adresse. Bitte versuchen Sie es in "
                    "einigen Minuten noch einmal."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.registration_create(
                    event_id=event.pk,
                    name=data["name"],
                    email=data["email"],
                    organisation=data["organisation"],
                    kind=data["kind"],
                    table_id=data.get("table"),
                    needs_step_free=data["needs_step_free"],
                    needs_sign_language=data["needs_sign_language"],
                    needs_induction_loop=data["needs_induction_loop"],
                    needs_other=data["needs_other"],
                    join_waiting_list=data["join_waiting_list"],
                    invitation_code=data.get("invitation_code", ""),
                    places=data["places"],
                    consent=data["consent"],
                    client=request.META.get("REMOTE_ADDR", ""),
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
                status = 409 if error.code in ("full", "table_full") else 400
            else:
                url = reverse("beteiligung:registration_pending", kwargs={"slug": event.slug})
                if registration.status == Registration.Status.WAITING:
                    url += "?warteliste=1"
                return redirect(url)
        else:
            status = 400
        # Display only (labels, free counts).
        free, tables = selectors.event_availability(event=event, now=now, cached=True)
        if tables and "table" in form.fields:
            form.set_tables(tables)
    else:
        free, tables = selectors.event_availability(event=event, now=now, cached=True)
        initial = {}
        if request.GET.get("code"):
            initial["invitation_code"] = request.GET["code"][:64]
        form = RegistrationForm(event=event, tables=tables, initial=initial)
    context = {
        "event": event,
        "programme": event.programme_items.all(),
        "tables": tables,
        "free": free,
        "state": state,
        "form": form,
        "waiting_rule": waiting_list.RULE,
        # The page top and the unbound form are cached as template fragments (no CSRF token
        # inside) under the version of the public event data and the free places.
        "cache_version": cache_version,
        "availability_key": f"{free}-" + "-".join(str(t.free) for t in tables),
        "form_cacheable": not form.is_bound and not form.initial,
        "held": selectors.event_held_figures(event=event) if event.is_over else None,
    }
    return render(request, "beteiligung/event_detail.html", context, status=status)


def event_calendar(request, slug):
    event = selectors.event_get_public(slug=slug)
    if event is None:
        raise Http404
    content = event_ics(event, url=request.build_absolute_uri(event.get_absolute_url()))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def registration_pending(request, slug):
    event = selectors.event_get_public(slug=slug)
    if event is None:
        raise Http404
    return render(
        request,
        "beteiligung/registration_pending.html",
        {
            "event": event,
            "waiting": request.GET.get("warteliste") == "1",
            "hold_minutes": settings.BETEILIGUNG_HOLD_MINUTES,
        },
    )


def registration_confirm(request, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return _link_invalid(request)
    if request.method == "POST":
        try:
            registration, changed = services.registration_confirm(registration_id=registration.pk)
        except DomainError as error:
            return _link_invalid(request, error.message, status=410)
        if not changed:
            messages.info(
                request, _("Dieser Link wurde schon benutzt: Ihre Anmeldung ist bereits bestätigt.")
            )
        elif registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request, _("Vielen Dank! Ihre Anmeldung ist bestätigt. Ihr Platz ist sicher.")
            )
        else:
            messages.success(
                request,
                _(
                    "Vielen Dank! Ihre E-Mail-Adresse ist bestätigt. Sie stehen auf der Warteliste "
                    "und rücken automatisch nach, sobald ein Platz frei wird."
                ),
            )
        return redirect("beteiligung:registration_manage", token=token)
    if registration.email_confirmed_at:
        messages.info(
            request, _("Dieser Link wurde schon benutzt: Ihre Anmeldung ist bereits bestätigt.")
        )
        return redirect("beteiligung:registration_manage", token=token)
    return render(
        request,
        "beteiligung/registration_confirm.html",
        {"registration": registration, "token": token},
    )


def _manage_context(registration, token, **extra):
    _free, tables = selectors.event_availability(event=registration.event)
    return {
        "registration": registration,
        "event": registration.event,
        "token": token,
        "table_form": extra.pop("table_form", None)
        or ChangeTableForm(tables=tables, current=registration.table_id),
        "cancel_form": extra.pop("cancel_form", None) or ConfirmForm(prefix="cancel"),
        "delete_form": extra.pop("delete_form", None) or ConfirmForm(prefix="delete"),
        "has_tables": bool(tables),
        "active": registration.status in Registration.ACTIVE_STATUSES,
        "waiting_position": selectors.waiting_position(registration=registration),
        "waiting_rule": waiting_list.RULE,
        **extra,
    }


def registration_manage(request, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return _link_invalid(request)
    return render(
        request, "beteiligung/registration_manage.html", _manage_context(registration, token)
    )


@require_POST
def registration_change_table(request, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return _link_invalid(request)
    _free, tables = selectors.event_availability(event=registration.event)
    form = ChangeTableForm(request.POST, tables=tables, current=registration.table_id)
    if form.is_valid():
        try:
            services.registration_change_table(
                registration_id=registration.pk, table_id=form.cleaned_data["table"]
            )
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Ihr Thementisch wurde geändert."))
            return redirect("beteiligung:registration_manage", token=token)
    return render(
        request,
        "beteiligung/registration_manage.html",
        _manage_context(registration, token, table_form=form),
        status=400,
    )


@require_POST
def registration_cancel(request, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return _link_invalid(request)
    form = ConfirmForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.registration_cancel(registration_id=registration.pk)
        except DomainError as error:
            add_domain_error_to_form(form, error)
        else:
            messages.success(request, _("Sie sind abgemeldet. Ihr Platz wird weitergegeben."))
            return redirect("beteiligung:registration_manage", token=token)
    return render(
        request,
        "beteiligung/registration_manage.html",
        _manage_context(registration, token, cancel_form=form),
        status=400,
    )


@require_POST
def registration_delete(request, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return _link_invalid(request)
    form = ConfirmForm(request.POST, prefix="delete")
    if not form.is_valid():
        return render(
            request,
            "beteiligung/registration_manage.html",
            _manage_context(registration, token, delete_form=form),
            status=400,
        )
    event = registration.event
    services.registration_delete(registration_id=registration.pk)
    messages.success(request, _("Ihre Anmeldung und Ihre personenbezogenen Daten wurden gelöscht."))
    return redirect(event.get_absolute_url())


# --- staff ----------------------------------------------------------------------------------

PAGE_SIZE = 50


def _staff_event(pk) -> Event:
    return get_object_or_404(Event, pk=pk)


@staff_required
def staff_event_list(request):
    page = paginate(request, selectors.event_list_staff(), 25)
    return render(request, "beteiligung/staff/event_list.html", {"page": page})


def _event_edit(request, event: Event | None):
    if request.method == "POST":
        form = EventForm(request.POST, instance=event)
        programme = ProgrammeFormSet(request.POST, instance=event, prefix="programm")
        tables = TableFormSet(request.POST, instance=event, prefix="tische")
        if form.is_valid() and programme.is_valid() and tables.is_valid():
            saved = services.event_save(
                form=form, programme_formset=programme, table_formset=tables
            )
            messages.success(request, _("Die Veranstaltung wurde gespeichert."))
            return redirect("beteiligung:staff_event_detail", pk=saved.pk)
        status = 400
    else:
        form = EventForm(instance=event)
        programme = ProgrammeFormSet(instance=event, prefix="programm")
        tables = TableFormSet(instance=event, prefix="tische")
        status = 200
    return render(
        request,
        "beteiligung/staff/event_form.html",
        {"form": form, "programme": programme, "tables": tables, "event": event},
        status=status,
    )


@staff_required
def staff_event_create(request):
    return _event_edit(request, None)


@staff_required
def staff_event_edit(request, pk):
    return _event_edit(request, _staff_event(pk))


@staff_required
def staff_event_detail(request, pk):
    event = _staff_event(pk)
    sent_messages = event.messages.only("event_id", "created_at", "subject", "recipients")
    return render(
        request,
        "beteiligung/staff/event_detail.html",
        {
            "event": event,
            "counts": selectors.registration_counts(event=event),
            "shred_logs": event.shred_logs.select_related("actor")[:5],
            "sent_messages": sent_messages[:10],
            "retention_days": settings.BETEILIGUNG_RETENTION_DAYS,
            "consultation": services.consultation_link(event),
        },
    )


@staff_required
def staff_registrations(request, pk):
    event = _staff_event(pk)
    counts = selectors.registration_counts(event=event)
    filter_form = RegistrationFilterForm(request.GET or None, event=event, tables=counts["tables"])
    registrations = selectors.registration_list(event=event, **filter_form.filters())
    page = paginate(request, registrations, PAGE_SIZE)
    # The labels of kind and status, translated once per page instead of once per row and field
    # (get_FOO_display hashes every lazy choice on each call).
    kinds = {value: str(label) for value, label in Registration.Kind.choices}
    statuses = {value: str(label) for value, label in Registration.Status.choices}
    cancel_label = _("%(name)s abmelden")
    page.object_list = list(page.object_list)
    for registration in page.object_list:
        registration.kind_label = kinds.get(registration.kind, registration.kind)
        registration.status_label = statuses.get(registration.status, registration.status)
        registration.needs_text = ", ".join(registration.needs_labels)
        if registration.status in Registration.ACTIVE_STATUSES:
            registration.cancel_url = reverse(
                "beteiligung:staff_registration_cancel", args=[event.pk, registration.pk]
            )
            registration.cancel_label = cancel_label % {"name": registration.name}
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    return render(
        request,
        "beteiligung/staff/registrations.html",
        {
            "event": event,
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "counts": counts,
        },
    )


@staff_required
def staff_registrations_csv(request, pk):
    event = _staff_event(pk)
    filter_form = RegistrationFilterForm(request.GET or None, event=event)
    registrations = selectors.registration_list(event=event, **filter_form.filters())
    header = [
        _("Name"),
        _("E-Mail"),
        _("Organisation"),
        _("Teilnahme als"),
        _("Personen"),
        _("Thementisch"),
        _("Status"),
        _("stufenloser Zugang"),
        _("Gebärdensprachdolmetschung"),
        _("Induktionsschleife"),
        _("Sonstiger Bedarf"),
        _("angemeldet am"),
        _("anwesend"),
    ]
    yes, no = _("ja"), _("nein")
    rows = (
        [
            r.name,
            r.email,
            r.organisation,
            r.get_kind_display(),
            r.places,
            r.table.title if r.table else "",
            r.get_status_display(),
            yes if r.needs_step_free else no,
            yes if r.needs_sign_language else no,
            yes if r.needs_induction_loop else no,
            r.needs_other,
            timezone.localtime(r.created_at).strftime("%d.%m.%Y %H:%M"),
            yes if r.checked_in_at else no,
        ]
        for r in registrations.iterator()
    )
    response = HttpResponse(csv_bytes(header, rows), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="anmeldungen-{event.slug}.csv"'
    return response


@staff_required
def staff_checkin_pdf(request, pk):
    event = _staff_event(pk)
    registrations = selectors.registration_list(event=event, status=Registration.Status.CONFIRMED)
    pdf = render_pdf(
        "beteiligung/staff/checkin_pdf.html",
        {"event": event, "registrations": registrations, "printed_at": timezone.now()},
    )
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="einlassliste-{event.slug}.pdf"'
    return response


@staff_required
def staff_checkin(request, pk):
    event = _staff_event(pk)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "event": event,
        "query": query,
        "results": selectors.checkin_search(event=event, query=query),
        "counts": selectors.registration_counts(event=event),
    }
    if request.htmx:
        return render(request, "beteiligung/staff/_checkin_results.html", context)
    return render(request, "beteiligung/staff/checkin.html", context)


@staff_required
@require_POST
def staff_checkin_mark(request, pk, registration_pk):
    event = _staff_event(pk)
    present = request.POST.get("present") == "1"
    try:
        registration = services.registration_check_in(
            registration_id=registration_pk, event_id=event.pk, present=present
        )
    except Registration.DoesNotExist:
        raise Http404
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("beteiligung:staff_checkin", pk=event.pk)
    if request.htmx:
        # The row, and the head count above the search updated out of band.
        context = {
            "event": event,
            "r": registration,
            "counts": selectors.registration_counts(event=event),
        }
        return render(request, "beteiligung/staff/_checkin_marked.html", context)
    if present:
        messages.success(
            request, _("%(name)s ist als anwesend erfasst.") % {"name": registration.name}
        )
    else:
        messages.success(
            request, _("Anwesenheit von %(name)s zurückgenommen.") % {"name": registration.name}
        )
    url = reverse("beteiligung:staff_checkin", kwargs={"pk": event.pk})
    if request.POST.get("q"):
        from urllib.parse import urlencode

        url += "?" + urlencode({"q": request.POST["q"]})
    return redirect(url)


@staff_required
@require_POST
def staff_registration_cancel(request, pk, registration_pk):
    """Cancel on a registrant's behalf (e.g. they phoned); the waiting list moves up."""
    event = _staff_event(pk)
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    try:
        services.registration_cancel(registration_id=registration.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s ist abgemeldet; der Platz geht an die Warteliste.")
            % {"name": registration.name},
        )
    return redirect("beteiligung:staff_registrations", pk=event.pk)


@staff_required
def staff_message(request, pk):
    event = _staff_event(pk)
    if request.method == "POST":
        form = EventMessageForm(request.POST)
        if form.is_valid():
            try:
                message = services.event_message_send(
                    event_id=event.pk,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    audience=form.cleaned_data["audience"],
                    actor=request.user,
                )
            except DomainError as error:
                add_domain_error_to_form(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Die Nachricht geht an %(n)s Empfängerin oder Empfänger.",
                        "Die Nachricht geht an %(n)s Empfängerinnen und Empfänger.",
                        message.recipients,
                    )
                    % {"n": message.recipients},
                )
                return redirect("beteiligung:staff_event_detail", pk=event.pk)
        status = 400
    else:
        form = EventMessageForm()
        status = 200
    return render(
        request,
        "beteiligung/staff/message_form.html",
        {"event": event, "form": form},
        status=status,
    )


@staff_required
def staff_invitations(request, pk):
    event = _staff_event(pk)
    if request.method == "POST":
        form = InvitationCodeForm(request.POST)
        if form.is_valid():
            code = services.invitation_code_create(
                event_id=event.pk,
                label=form.cleaned_data["label"],
                max_uses=form.cleaned_data["max_uses"],
            )
            messages.success(request, _("Einladungscode %(code)s angelegt.") % {"code": code.code})
            return redirect("beteiligung:staff_invitations", pk=event.pk)
        status = 400
    else:
        form = InvitationCodeForm()
        status = 200
    codes = event.invitation_codes.all()
    link = request.build_absolute_uri(event.get_absolute_url())
    return render(
        request,
        "beteiligung/staff/invitations.html",
        {"event": event, "form": form, "codes": codes, "link": link},
        status=status,
    )


@staff_required
@require_POST
def staff_shred(request, pk):
    event = _staff_event(pk)
    form = ConfirmForm(request.POST, prefix="shred")
    if not form.is_valid():
        messages.error(request, _("Bitte bestätigen Sie das Löschen mit dem Häkchen."))
        return redirect("beteiligung:staff_event_detail", pk=event.pk)
    try:
        log = services.registrants_shred(event_id=event.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s Anmeldung wurde anonymisiert; die Zahlen bleiben erhalten.",
                "%(n)s Anmeldungen wurden anonymisiert; die Zahlen bleiben erhalten.",
                log.anonymised,
            )
            % {"n": log.anonymised},
        )
    return redirect("beteiligung:staff_event_detail", pk=event.pk)
