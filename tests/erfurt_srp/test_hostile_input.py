"""Hostile input never answers 500: every role walks the site on the demo data and sends NUL
bytes in every query parameter and every field of every form it finds, and numbers beyond any
column's range in every number field (and every field that holds a number)."""

from collections import deque
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from erfurt_srp.accounts.models import User
from tests.crawl import links_of

NUL = "\x00"
HUGE = "99999999999999999999"
ROLES = {
    "anonymous": None,
    "public": "buergerin@demo.erfurt-srp.de",
    "member": "mitglied.dezernat-05@demo.erfurt-srp.de",
    "staff": "geschaeftsstelle@demo.erfurt-srp.de",
    "admin": "admin@demo.erfurt-srp.de",
}
START = [
    "/",
    "/dashboard/",
    "/leitlinien/",
    "/beteiligung/",
    "/gremium/sitzungen/",
    "/gremium/drucksachen/",
    "/gremium/gremien/",
    "/gremium/abstimmungen/",
    "/standorte/",
    "/outbox/",
    "/konto/loeschen/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/email/",
    "/accounts/password/change/",
]
# Leaving the session, the Django admin (its own forms, not the platform's) and files.
SKIP_PREFIXES = ("/accounts/logout/", "/admin/", "/static/", "/media/")
SKIP_SUFFIXES = (".pdf", ".docx", ".csv", ".ics", ".zip", ".json", ".geojson")
MAX_PAGES_PER_VIEW = 2
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "hidden", ""}
SAMPLE = {
    "email": "hostile@example.org",
    "url": "https://example.org/",
    "date": "2030-01-15",
    "datetime-local": "2030-01-15T10:00",
    "time": "10:00",
    "number": "1",
}


def _view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _skipped(path: str) -> bool:
    plain = urlsplit(path).path
    return plain.startswith(SKIP_PREFIXES) or plain.endswith(SKIP_SUFFIXES)


def _html(response) -> str | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode(response.charset or "utf-8", errors="replace")


def _fields(form):
    """(name, type, value, options) of every field a browser would send, with the first
    named submit button."""
    fields = []
    button = None
    for element in form.iter("input", "select", "textarea", "button"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "button" or element.get("type") in ("submit", "image"):
            if button is None:
                button = (name, "submit", element.get("value", ""), None)
            continue
        if element.tag == "select":
            options = [o.get("value", o.text_content()) for o in element.iter("option")]
            chosen = [
                o.get("value", o.text_content())
                for o in element.iter("option")
                if o.get("selected") is not None
            ]
            fields.append((name, "select", chosen[0] if chosen else "", options))
        elif element.tag == "textarea":
            fields.append((name, "textarea", element.text or "", None))
        else:
            kind = (element.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                if element.get("checked") is None:
                    continue
            if kind == "file":
                continue
            fields.append((name, kind, element.get("value", ""), None))
    if button:
        fields.append(button)
    return fields


def _fields_data(form):
    return [(name, value) for name, _kind, value, _options in _fields(form)]


def _variants(fields):
    """Two submissions of one form: NUL appended to every value; plausible text with a huge
    number in every number field and in every field that holds a number."""
    with_nul, with_huge = [], []
    for name, kind, value, options in fields:
        if name == "csrfmiddlewaretoken" or kind == "submit":
            with_nul.append((name, value))
            with_huge.append((name, value))
            continue
        if kind == "select" and not value:
            value = next((o for o in options if o), "")
        with_nul.append((name, (value or SAMPLE.get(kind, "Prüfung")) + NUL))
        if kind == "number" or (value.isdigit() and kind not in ("select", "checkbox", "radio")):
            with_huge.append((name, HUGE))
        elif kind in TEXT_TYPES - {"hidden"} or kind == "textarea":
            with_huge.append((name, value or SAMPLE.get(kind, "Prüfung")))
        else:
            with_huge.append((name, value or SAMPLE.get(kind, "")))
    return {"nul": with_nul, "huge": with_huge}


def _hostile_queries(path: str) -> list[str]:
    """The page's own query string with NUL appended to every value, and with every value a
    huge number."""
    parts = urlsplit(path)
    if not parts.query:
        return []
    params = parse_qsl(parts.query, keep_blank_values=True)
    return [
        f"{parts.path}?{urlencode([(key, value + NUL) for key, value in params])}",
        f"{parts.path}?{urlencode([(key, HUGE) for key, _value in params])}",
    ]


def _with_nul_in_path(path: str) -> str:
    plain = urlsplit(path).path.rstrip("/")
    return f"{plain}%00/"


class Walk:
    """Walk the site as one client; record every request that answered 500."""

    def __init__(self, client, role):
        self.client = client
        self.role = role
        self.failures: list[str] = []
        self.requests = 0
        self.forms_sent = 0
        self.views: set[str] = set()

    def _check(self, method, path, response, note=""):
        self.requests += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = f"{exc[0].__name__}: {str(exc[1])[:120]}" if exc else ""
            self.failures.append(f"{self.role} {method} {path} {note} -> 500 {reason}".strip())

    def get(self, path, note=""):
        response = self.client.get(path)
        self._check("GET", path, response, note)
        return response

    def send_form(self, page, form):
        method = (form.get("method") or "get").lower()
        action = urljoin(page, form.get("action") or page)
        parts = urlsplit(action)
        if parts.netloc not in ("", "testserver") or _skipped(parts.path):
            return
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for variant, data in _variants(_fields(form)).items():
            self.forms_sent += 1
            if method == "post":
                response = self.client.post(target, _multi(data))
                self._check("POST", target, response, f"[{variant}: {_names(data)}]")
            else:
                query = urlencode(data)
                url = f"{parts.path}?{query}" if query else parts.path
                self._check("GET", url, self.client.get(url), f"[{variant} form]")

    def run(self, start, depth=3):
        pages_per_view: dict[str, int] = {}
        forms_seen: set = set()
        seen = set(start)
        queue = deque((path, 0) for path in start)
        while queue:
            path, level = queue.popleft()
            view = _view_name(path)
            if view is None:
                continue
            if pages_per_view.get(view, 0) >= MAX_PAGES_PER_VIEW:
                continue
            pages_per_view[view] = pages_per_view.get(view, 0) + 1
            self.views.add(view)
            response = self.get(path)
            for hostile_query in _hostile_queries(path):
                self.get(hostile_query, "[hostile query]")
            self.get(_with_nul_in_path(path), "[NUL in path]")
            html = _html(response)
            if html is None:
                continue
            document = lxml.html.fromstring(html)
            for form in document.forms:
                names = tuple(sorted({f[0] for f in _fields(form)}))
                action = urljoin(path, form.get("action") or path)
                key = (_view_name(action), (form.get("method") or "get").lower(), names)
                if key in forms_seen:
                    continue
                forms_seen.add(key)
                self.send_form(path, form)
            if level >= depth:
                continue
            for link in links_of(html, path):
                if link not in seen and not _skipped(link):
                    seen.add(link)
                    queue.append((link, level + 1))


def _multi(data) -> dict:
    """[(name, value), ...] as the test client posts repeated names: {name: [values]}."""
    result: dict[str, list] = {}
    for name, value in data:
        result.setdefault(name, []).append(value)
    return result


def _names(data):
    return ",".join(sorted({name for name, _value in data if name != "csrfmiddlewaretoken"}))


@pytest.fixture
def demo(transactional_db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.RATELIMIT_ENABLE = False
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def _personal_links() -> list[str]:
    """Pages reached only through a personal link in an e-mail: a registration's page and its
    confirmation, a round invitation, an invitation to a committee (made here, with tokens the
    test knows)."""
    import hashlib
    import secrets

    from django.urls import reverse
    from django.utils import timezone

    from beteiligung.models import Event
    from erfurt_srp.accounts.models import Invitation
    from gremium.models import Committee, Membership
    from gremium.services.invitations import membership_invitation_create
    from leitlinien import services as leitlinien_services
    from leitlinien.models import ConsultationRound, RoundInvitation, hash_token
    from tests.beteiligung.factories import RegistrationFactory

    staff = User.objects.get(email=ROLES["staff"])
    registration = RegistrationFactory(
        event=Event.objects.filter(ends_at__gt=timezone.now()).first(),
        email="persoenlich@example.org",
    )
    open_round = next(r for r in ConsultationRound.objects.all() if r.is_open())
    leitlinien_services.round_invite(
        consultation_round=open_round,
        recipients=[{"name": "Paula Person", "email": "paula@example.org", "group": "Träger"}],
        actor=staff,
    )
    membership = Membership.objects.active().select_related("committee", "institution").first()
    membership_invitation_create(
        email="neues.mitglied@example.org",
        committee=Committee.objects.get(pk=membership.committee_id),
        institution=membership.institution,
        role="deputy",
        actor=staff,
    )
    links = [
        urlsplit(registration.get_manage_url()).path,
        urlsplit(registration.get_confirm_url()).path,
    ]
    for model, hashed, url_name in (
        (RoundInvitation, hash_token, "leitlinien:invitation"),
        (
            Invitation,
            lambda t: hashlib.sha256(t.encode()).hexdigest(),
            "accounts:invitation_accept",
        ),
    ):
        token = secrets.token_urlsafe(32)
        model.objects.filter(pk=model.objects.latest("pk").pk).update(token_hash=hashed(token))
        links.append(reverse(url_name, args=[token]))
    return links


@pytest.mark.parametrize("role", list(ROLES))
def test_no_hostile_input_answers_500_for_any_role(demo, role):
    client = Client(raise_request_exception=False)
    email = ROLES[role]
    if email:
        client.force_login(User.objects.get(email=email))
    start = [p for p in START if email or p not in ("/dashboard/", "/outbox/")]
    if not email:
        links = _personal_links()
        assert len(links) == 4, links
        start += links
    walk = Walk(client, role)
    walk.run(start)
    assert not walk.failures, "\n".join(walk.failures)
    # the walk reached the site, not only its front door
    assert len(walk.views) >= 30 and walk.forms_sent >= 25, (len(walk.views), walk.forms_sent)
    if not email:
        personal = {
            "beteiligung:registration_manage",
            "leitlinien:invitation",
            "accounts:invitation_accept",
        }
        assert personal <= walk.views, personal - walk.views


# --- the shared guards, one by one --------------------------------------------------------


def _project_forms():
    """Every form class defined in the platform's apps."""
    import importlib
    import pkgutil

    from django import forms

    for package in ("erfurt_srp", "gremium", "leitlinien", "standorte", "beteiligung"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if "forms" in module.name and ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in (
            "erfurt_srp",
            "gremium",
            "leitlinien",
            "standorte",
            "beteiligung",
        ):
            found.append(cls)
    return found


def test_every_form_of_the_platform_has_the_shared_guards():
    from erfurt_srp.core.forms import SafeInputMixin

    forms = _project_forms()
    assert len(forms) >= 40
    unguarded = [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, SafeInputMixin)]
    assert not unguarded, unguarded


def test_a_nul_byte_in_the_query_string_is_a_clear_400(client, db):
    response = client.get("/gremium/drucksachen/?q=Haushalt%00")
    assert response.status_code == 400
    assert "unzulässiges Steuerzeichen (Nullzeichen)" in response.content.decode()
    response = client.get("/gremium/sitzungen/?gremium=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "forbidden control character (a null character)" in response.content.decode()
    # a personal link with a broken token keeps its own "not valid" page
    assert client.get("/beteiligung/anmeldung/abc%00def/").status_code == 404


def test_a_nul_byte_in_any_kind_of_field_is_refused_next_to_it():
    from django import forms

    from erfurt_srp.core.forms import NUL_MESSAGE, Form

    class Every(Form):
        text = forms.CharField()
        choice = forms.ChoiceField(choices=[("a", "A")])
        number = forms.IntegerField()
        day = forms.DateField()
        many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])

        def clean_choice(self):
            raise AssertionError("a refused value must not reach the form's own checks")

    data = {"text": "a\x00", "choice": "a\x00", "number": "1\x00", "day": "2030-01-01\x00"}
    form = Every({**data, "many": ["a", "b\x00"]})
    assert not form.is_valid()
    assert set(form.errors) == {"text", "choice", "number", "day", "many"}
    assert all(errors == [str(NUL_MESSAGE)] for errors in form.errors.values())
    assert 'value="a' in str(form["text"])  # what was typed is shown again


def test_number_fields_carry_the_bounds_of_their_column():
    from leitlinien.forms import ThemeForm

    position = ThemeForm().fields["position"]
    assert (position.min_value, position.max_value) == (0, 32767)  # PositiveSmallIntegerField
    assert 'max="32767"' in str(ThemeForm()["position"])


def test_a_number_without_a_known_column_gets_the_integer_range():
    from django import forms

    from erfurt_srp.core.forms import Form

    class Loose(Form):
        count = forms.IntegerField()

    form = Loose({"count": "99999999999999999999"})
    assert not form.is_valid() and "count" in form.errors
    assert Loose().fields["count"].max_value == 2147483647


def test_a_theme_order_beyond_its_column_is_a_message_next_to_the_field(
    client, admin_user, committee
):
    from leitlinien.models import Theme

    client.force_login(admin_user)
    data = {"title": "Wohnen im Quartier", "committee": committee.pk, "position": "40000"}
    response = client.post("/leitlinien/themen/neu/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_position_error"' in page and "32767" in page
    assert 'value="Wohnen im Quartier"' in page and 'value="40000"' in page
    assert not Theme.objects.exists()


def _past_meeting(committee):
    from datetime import timedelta

    from django.utils import timezone

    from tests.gremium.factories import AgendaItemFactory, MeetingFactory

    meeting = MeetingFactory(committee=committee, start=timezone.now() - timedelta(days=2))
    meeting.end = meeting.start + timedelta(hours=1)
    meeting.state = "published"
    meeting.save()
    return meeting, AgendaItemFactory(meeting=meeting, name="Punkt A")


def test_minutes_with_a_nul_byte_keep_the_text_and_say_where(client, staff_user, committee):
    from gremium.models import Minutes

    meeting, item = _past_meeting(committee)
    client.force_login(staff_user)
    response = client.post(
        f"/gremium/sitzungen/{meeting.pk}/niederschrift/bearbeiten/",
        {
            "introduction": "Begrüßung durch die Vorsitzende",
            f"text_{item.pk}": "Aussprache\x00",
            f"result_{item.pk}": "angenommen",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="text_{item.pk}_error"' in page and "Nullzeichen" in page
    assert "Begrüßung durch die Vorsitzende" in page and "angenommen" in page
    assert not Minutes.objects.exists()


def test_an_attendance_guest_with_a_nul_byte_is_refused_next_to_the_field(
    client, staff_user, committee
):
    meeting, _item = _past_meeting(committee)
    client.force_login(staff_user)
    response = client.post(
        f"/gremium/sitzungen/{meeting.pk}/anwesenheit/",
        {"guest_name": ["Gast Eins", "Gast\x00Zwei"], "guest_organisation": ["BAG", "Verein"]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="guest-name-2_error"' in page and "Nullzeichen" in page
    assert 'value="Gast Eins"' in page and 'value="Verein"' in page
    assert not meeting.attendances.exists()


def test_a_forged_form_count_builds_no_more_forms_than_the_bound(client, staff_user):
    from tests.beteiligung.factories import EventFactory

    event = EventFactory(capacity=10)
    client.force_login(staff_user)
    page = client.get(f"/beteiligung/verwaltung/{event.pk}/bearbeiten/")
    document = lxml.html.fromstring(page.content.decode())
    form = next(f for f in document.forms if "tische-TOTAL_FORMS" in _multi(_fields_data(f)))
    data = _multi(_variants(_fields(form))["huge"])
    response = client.post(f"/beteiligung/verwaltung/{event.pk}/bearbeiten/", data)
    assert response.status_code == 400
    assert len(response.context["tables"].forms) <= 50
    assert len(response.context["programme"].forms) <= 50
    assert "höchstens 50" in response.content.decode() or "at most 50" in response.content.decode()


def test_what_slips_past_a_form_is_a_400_not_a_500(rf, db):
    """The last line: a view that reads request.POST itself and hands a NUL byte or a huge
    number to the database gets the 400 page."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import DataError
    from psycopg import errors

    from erfurt_srp.core.middleware import HostileInputMiddleware

    middleware = HostileInputMiddleware(lambda request: None)
    request = rf.post("/irgendwo/", {"name": "a\x00b"})
    request.user = AnonymousUser()
    nul = DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    assert middleware.process_exception(request, nul).status_code == 400
    in_path = rf.get("/link/ab%00cd/")
    in_path.user = AnonymousUser()
    assert middleware.process_exception(in_path, nul).status_code == 400
    huge = DataError("smallint out of range")
    huge.__cause__ = errors.NumericValueOutOfRange("smallint out of range")
    plain = rf.post("/irgendwo/", {"name": "ab"})
    plain.user = AnonymousUser()
    assert middleware.process_exception(plain, huge).status_code == 400
    assert middleware.process_exception(plain, DataError("other")) is None
