"""Nobody who reads the database, a dump of it or the admin can link a secret ballot to its voter.

Method: the same four voters vote twice, in the same order, on empty tables ("world A" and
"world B"). In world B every voter's choice differs from world A, but the choices as a whole
are the same (world B is world A's choices handed on to the next voter). Each attack reduces the
database to what it looks at (rows sharing a transaction id, physical row order, id order,
times, `pg_dump` order, history, admin pages); ids, which differ between the worlds anyway, are
left out. If the attack's view is the same in both worlds, it cannot tell who chose what.
"""

import json
import re
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gremium.models import Vote
from gremium.services import votes as vote_services
from tests.gremium.factories import AgendaItemFactory, MeetingFactory, add_institutions, open_vote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LABELS = ["Alpha", "Beta", "Gamma"]
CHOICES = {
    Vote.Kind.SINGLE: ["Alpha", "Beta", "Alpha", "Gamma"],
    Vote.Kind.RANKED: [
        ["Alpha", "Beta", "Gamma"],
        ["Beta", "Gamma", "Alpha"],
        ["Gamma", "Alpha", "Beta"],
        ["Alpha", "Gamma", "Beta"],
    ],
}
PARTICIPATION = "gremium_participation"
TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
ID_COLUMNS = {"id", "vote_id", "history_id"}


def _handed_on(choices):
    return choices[1:] + choices[:1]


@pytest.fixture(params=[Vote.Kind.SINGLE, Vote.Kind.RANKED])
def kind(request):
    return request.param


@pytest.fixture
def voters(committee):
    return [m.person.user for m in add_institutions(committee, 4)]


@pytest.fixture
def subject(committee):
    return AgendaItemFactory(meeting=MeetingFactory(committee=committee))


def _open(committee, subject, staff_user, kind) -> Vote:
    return open_vote(
        committee=committee,
        subject=subject,
        actor=staff_user,
        kind=kind,
        options=LABELS,
        secret=True,
        quorum=1,
    )


def _cast(committee, subject, staff_user, voters, kind, choices) -> Vote:
    vote = _open(committee, subject, staff_user, kind)
    ids = {o.label: o.pk for o in vote.options.all()}
    start = timezone.now()
    for user, choice in zip(voters, choices, strict=True):
        if kind == Vote.Kind.RANKED:
            vote_services.ballot_cast(vote=vote, actor=user, ranking=[ids[c] for c in choice])
        else:
            vote_services.ballot_cast(vote=vote, actor=user, choice=ids[choice])
    vote.cast_window = (start, timezone.now())
    return vote


def _empty_vote_tables() -> None:
    """Start world B on empty tables, as world A did (the users and the committee stay)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE gremium_vote CASCADE")


@pytest.fixture
def both_worlds(committee, subject, staff_user, voters, kind):
    """look(vote) in world A and in world B."""

    def run(look) -> tuple:
        choices = CHOICES[kind]
        assert all(a != b for a, b in zip(choices, _handed_on(choices), strict=True))
        world_a = look(_cast(committee, subject, staff_user, voters, kind, choices))
        _empty_vote_tables()
        world_b = look(_cast(committee, subject, staff_user, voters, kind, _handed_on(choices)))
        return world_a, world_b

    return run


def _tables(column: str | None = None) -> list[str]:
    with connection.cursor() as cursor:
        if column is None:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = %s ORDER BY 1",
                [column],
            )
        return [row[0] for row in cursor.fetchall()]


def _vote_tables() -> list[str]:
    """Every table with rows of a vote (by vote_id), the participation list apart."""
    return [t for t in _tables("vote_id") if t != PARTICIPATION]


def _canonical(row: dict, vote: Vote) -> str:
    """A row without its ids and times (they differ between the worlds anyway); option ids
    become their labels."""
    labels = {o.pk: o.label for o in vote.options.all()}
    labels |= {str(pk): label for pk, label in labels.items()}
    out = {}
    for key, value in row.items():
        if key in ID_COLUMNS:
            continue
        if key in ("choice_id", "option_id"):
            value = labels.get(value, value)
        if key == "ranking" and isinstance(value, list):
            value = [labels.get(v, v) for v in value]
        if isinstance(value, str) and TIME.match(value):
            value = "<time>"  # the worlds happen at different times
        out[key] = value
    return json.dumps(out, sort_keys=True, default=str)


def _rows(table: str, vote: Vote, order: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT row_to_json(t)::text FROM "{table}" t WHERE t.vote_id = %s ORDER BY {order}',
            [vote.pk],
        )
        return [_canonical(json.loads(r[0]), vote) for r in cursor.fetchall()]


def _participations(vote: Vote, order: str = "voter_key") -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT voter_key, xmin::text FROM {PARTICIPATION} t WHERE vote_id = %s "
            f"ORDER BY {order}",
            [vote.pk],
        )
        return cursor.fetchall()


def test_the_worlds_have_the_same_voters_and_the_same_result(both_worlds, staff_user):
    def outcome(vote):
        voted = [key for key, _xmin in _participations(vote)]
        vote = vote_services.vote_close(vote=vote, actor=staff_user, notify=False)
        labels = {str(o.pk): o.label for o in vote.options.all()}
        counts = {labels[k]: v for k, v in vote.result_counts.items()}
        points = {labels[k]: v for k, v in vote.result_points.items()}
        return voted, vote.result, counts, points

    world_a, world_b = both_worlds(outcome)
    assert world_a == world_b
    assert len(world_a[0]) == 4 and world_a[2]["Alpha"] in (1, 2)


def test_no_row_shares_a_transaction_id_with_a_participation_that_says_what_was_chosen(both_worlds):
    def same_xmin(vote):
        tables = [t for t in _tables() if t != PARTICIPATION]
        view = []
        for voter_key, xmin in _participations(vote):
            found = []
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(
                        f'SELECT row_to_json(t)::text FROM "{table}" t WHERE t.xmin::text = %s',
                        [xmin],
                    )
                    found += [(table, _canonical(json.loads(r[0]), vote)) for r in cursor]
            view.append((voter_key, sorted(found)))
        return view

    world_a, world_b = both_worlds(same_xmin)
    assert world_a == world_b


def test_the_physical_row_order_says_nothing(both_worlds):
    def physical_order(vote):
        order = [(PARTICIPATION, [k for k, _x in _participations(vote, "ctid")])]
        return order + [(t, _rows(t, vote, "ctid")) for t in _vote_tables()]

    world_a, world_b = both_worlds(physical_order)
    assert world_a == world_b


def test_the_id_order_says_nothing(both_worlds):
    def id_order(vote):
        order = [(PARTICIPATION, [k for k, _x in _participations(vote, "id")])]
        with_ids = set(_tables("id"))
        return order + [(t, _rows(t, vote, "id")) for t in _vote_tables() if t in with_ids]

    world_a, world_b = both_worlds(id_order)
    assert world_a == world_b


def test_no_time_stored_while_the_ballots_came_in_says_anything(both_worlds):
    """Every row of any table with a time inside the casting window, in the order of that time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type LIKE 'timestamp%%' ORDER BY 1, 2"
        )
        columns = cursor.fetchall()

    def timed_rows(vote):
        view = []
        with connection.cursor() as cursor:
            for table, column in columns:
                cursor.execute(
                    f'SELECT row_to_json(t)::text FROM "{table}" t '
                    f'WHERE t."{column}" BETWEEN %s AND %s ORDER BY t."{column}"',
                    list(vote.cast_window),
                )
                times = {c for t, c in columns if t == table}
                rows = [json.loads(r[0]) for r in cursor]
                rows = [{k: v for k, v in r.items() if k not in times} for r in rows]
                view.append((table, column, [_canonical(r, vote) for r in rows]))
        return view

    world_a, world_b = both_worlds(timed_rows)
    assert world_a == world_b


def _dump(tables: list[str]) -> dict[str, list[dict]]:
    """`pg_dump --data-only` of the tables: {table: [row as dict, in dump order]}."""
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "127.0.0.1"]
    command += ["-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    for table in tables:
        command += ["-t", f"public.{table}"]
    env = {"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [*command, db["NAME"]], capture_output=True, text=True, check=True, env=env, timeout=120
    ).stdout
    dumped: dict[str, list[dict]] = {}
    for header, body in re.findall(
        r"^COPY public\.(\S+ \([^)]*\)) FROM stdin;\n(.*?)^\\\.$", out, re.S | re.M
    ):
        table, columns = header.split(" ", 1)
        names = [c.strip().strip('"') for c in columns.strip("()").split(",")]
        rows = [line.split("\t") for line in body.splitlines()]
        dumped[table.strip('"')] = [dict(zip(names, row, strict=True)) for row in rows]
    return dumped


def test_the_row_order_of_a_database_dump_says_nothing(both_worlds):
    def dump_order(vote):
        dumped = _dump([PARTICIPATION, *_vote_tables()])
        view = []
        for table, rows in sorted(dumped.items()):
            rows = [r for r in rows if r.get("vote_id") == str(vote.pk)]
            for row in rows:
                if row.get("ranking", "").startswith("["):
                    row["ranking"] = json.loads(row["ranking"])
            view.append((table, [_canonical(r, vote) for r in rows]))
        return view

    world_a, world_b = both_worlds(dump_order)
    assert world_a == world_b
    assert any(table == PARTICIPATION and len(rows) == 4 for table, rows in world_a)


def test_the_history_tables_say_nothing(both_worlds):
    def history(vote):
        view = []
        for table in _tables("history_date"):
            column = "id" if table == "gremium_historicalvote" else "vote_id"
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    [table],
                )
                if column not in {r[0] for r in cursor}:
                    continue
                cursor.execute(
                    f'SELECT row_to_json(t)::text FROM "{table}" t WHERE t."{column}" = %s '
                    "ORDER BY t.history_date",
                    [vote.pk],
                )
                rows = [json.loads(r[0]) for r in cursor]
            times = {"history_date", "opened_at", "deadline", "remind_at"}
            rows = [{k: v for k, v in r.items() if k not in times} for r in rows]
            view.append((table, [_canonical(r, vote) for r in rows]))
        return view

    world_a, world_b = both_worlds(history)
    assert world_a == world_b


def test_no_admin_page_shows_a_voter_beside_a_choice(
    committee, subject, staff_user, voters, admin_user
):
    kind = Vote.Kind.SINGLE
    vote = _cast(committee, subject, staff_user, voters, kind, CHOICES[kind])
    names = set()
    for user in voters:
        membership = user.person.memberships.select_related("institution").first()
        names |= {str(user.person), membership.institution.name}
    client = Client()
    client.force_login(admin_user)
    index = client.get(reverse("admin:index"))
    urls = [m["admin_url"] for app in index.context["app_list"] for m in app["models"]]
    pages = list(urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        changelist = response.context.get("cl") if response.context else None
        if changelist is None:
            continue
        for obj in list(changelist.result_list)[:5]:
            name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
            pages += [reverse(f"{name}_change", args=[obj.pk])]
            pages += [reverse(f"{name}_history", args=[obj.pk])]
    checked = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        shown = {n for n in names if n in body}
        if shown:
            checked += 1
            assert not [label for label in LABELS if label in body], (url, shown)
    assert checked >= 2  # the participation list and its entries name the voters
    assert vote.participations.count() == 4
