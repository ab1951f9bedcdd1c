"""seed_demo: idempotent, prints one line per demo login, loads the committees of the seed."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from erfurt_srp.accounts.demo import DEMO_PASSWORD
from erfurt_srp.accounts.models import User
from erfurt_srp.accounts.roles import Role, role_of
from gremium.demo import committees
from gremium.models import Committee, Institution, Membership, Person


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Committee, Institution, Person, Membership)
    }


def test_committee_seed_is_idempotent_and_complete(db):
    logins = committees.seed(StringIO())
    first = _counts()
    assert committees.seed(StringIO()) == logins
    assert _counts() == first

    begleitgremium = Committee.objects.get(slug="begleitgremium")
    assert begleitgremium.kind == Committee.Kind.ACCOMPANYING
    assert begleitgremium.founded_on.isoformat() == "2021-09-28"
    assert begleitgremium.institutions.count() == 18
    kinds = dict(Institution.objects.values_list("name", "kind"))
    assert kinds["Jobcenter"] == Institution.Kind.JOBCENTER
    assert kinds["StadtLiga der freien Wohlfahrtspflege"] == Institution.Kind.PROVIDER
    assert kinds["TAG Wohnen & Service GmbH"] == Institution.Kind.HOUSING
    assert kinds["Wissenschaftliche Begleitung"] == Institution.Kind.SCIENCE
    assert kinds["Jugendamt"] == Institution.Kind.ADMINISTRATION
    for name in (
        "Arbeitskreis Quartiersarbeit/-entwicklung",
        "Jour fixe der Fachplaner",
        "AG der sozialpolitischen Sprecher der Erfurter Stadtratsfraktionen",
    ):
        assert Committee.objects.get(name=name).kind == Committee.Kind.WORKING_GROUP
    assert (
        Committee.objects.get(name="Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung").kind
        == Committee.Kind.COUNCIL
    )
    memberships = Membership.objects.filter(committee=begleitgremium)
    assert memberships.filter(role="member").count() == 18
    assert memberships.filter(role="deputy").count() == 18
    assert all(p.is_demo and p.email.endswith("@demo.erfurt-srp.de") for p in Person.objects.all())
    assert all(m.person.first_name.startswith("Demo-") for m in memberships)
    assert Person.objects.get(email__startswith="mitglied.jugendamt").user.is_demo

    roles = dict((role, email) for role, email, _ in logins)
    member = User.objects.get(email=roles["member"])
    deputy = User.objects.get(email=roles["deputy"])
    assert role_of(member) == Role.MEMBER
    assert role_of(deputy) == Role.MEMBER
    assert Client().login(email=roles["deputy"], password=DEMO_PASSWORD)


def test_seed_demo_command_prints_logins_and_is_idempotent(db):
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    first = _counts()
    lines = [line.split("  ") for line in out.getvalue().splitlines() if line.strip()]
    by_role = {parts[0]: parts for parts in lines}
    for role in ("admin", "staff", "public", "member", "deputy"):
        assert role in by_role, out.getvalue()
        assert by_role[role][2] == DEMO_PASSWORD
    assert by_role["staff"][1] == "geschaeftsstelle@demo.erfurt-srp.de"

    again = StringIO()
    call_command("seed_demo", stdout=again, stderr=StringIO())
    assert _counts() == first
    assert again.getvalue() == out.getvalue()
