"""The migration that turns the stored secret ballots into sums per option."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("gremium", "0005_member_kinds_and_function")]
AFTER = [("gremium", "0006_secret_ballots_become_tallies")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Later tests need every table: migrate the whole project forward again, not only to AFTER."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return MigrationExecutor(connection).loader.project_state(target).apps


def test_secret_ballots_of_open_votes_become_sums_and_their_table_goes():
    apps = _migrate(BEFORE)
    try:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Committee = apps.get_model("gremium", "Committee")
        Vote = apps.get_model("gremium", "Vote")
        VoteOption = apps.get_model("gremium", "VoteOption")
        SecretBallot = apps.get_model("gremium", "SecretBallot")
        committee = Committee.objects.create(name="Gremium M", slug="gremium-m", kind="other")
        subject_type = ContentType.objects.get(app_label="gremium", model="committee")

        def vote(kind, labels, status="open"):
            made = Vote.objects.create(
                committee=committee,
                subject_type=subject_type,
                subject_id=str(committee.pk),
                subject_label="Gremium M",
                question=f"{kind}?",
                kind=kind,
                secret=True,
                quorum=1,
                status=status,
                closed_at=None if status == "open" else "2026-01-01T12:00:00Z",
            )
            options = [
                VoteOption.objects.create(vote=made, position=i, label=label)
                for i, label in enumerate(labels, start=1)
            ]
            return made, [o.pk for o in options]

        single, (a, b, c) = vote("single", ["A", "B", "C"])
        for choice in (a, b, b):
            SecretBallot.objects.create(vote=single, choice_id=choice)
        ranked, (x, y, z) = vote("ranked", ["X", "Y", "Z"])
        for ranking in ([x, y, z], [y, x, z], [y, z]):
            SecretBallot.objects.create(vote=ranked, ranking=ranking)
        untouched, _ids = vote("yes_no", ["Ja", "Nein"])
        closed, (d, _e) = vote("single", ["D", "E"], status="closed")
        SecretBallot.objects.create(vote=closed, choice_id=d)
    finally:
        apps = _migrate(AFTER)

    SecretTally = apps.get_model("gremium", "SecretTally")

    def sums(vote):
        rows = SecretTally.objects.filter(vote_id=vote.pk).values_list(
            "option_id", "count", "points"
        )
        return {option_id: (count, points) for option_id, count, points in rows}

    assert sums(single) == {a: (1, 0), b: (2, 0), c: (0, 0)}
    assert sums(ranked) == {x: (1, 3), y: (2, 5), z: (0, 1)}
    assert set(sums(untouched).values()) == {(0, 0)} and len(sums(untouched)) == 2
    assert sums(closed) == {}
    assert "gremium_secretballot" not in connection.introspection.table_names()
