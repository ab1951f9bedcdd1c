"""Secret votes keep sums per option instead of a row per ballot.

The ballots of open secret votes are added up into SecretTally rows (votes per option and, for
ranked votes, Borda points); closed secret votes keep their result on the vote and get none.
Then the per-ballot table and the participation time go. Going back recreates the empty table:
the ballots cannot be restored from their sums, which is the point.
"""

import django.db.models.deletion
from django.db import migrations, models


def ballots_to_tallies(apps, schema_editor):
    Vote = apps.get_model("gremium", "Vote")
    VoteOption = apps.get_model("gremium", "VoteOption")
    SecretBallot = apps.get_model("gremium", "SecretBallot")
    SecretTally = apps.get_model("gremium", "SecretTally")
    for vote in Vote.objects.filter(secret=True, status="open").order_by("pk"):
        options = list(VoteOption.objects.filter(vote=vote).order_by("position"))
        sums = {o.pk: [0, 0] for o in options}
        for choice_id, ranking in SecretBallot.objects.filter(vote=vote).values_list(
            "choice_id", "ranking"
        ):
            if vote.kind == "ranked":
                for position, option_id in enumerate(ranking or []):
                    if int(option_id) in sums:
                        sums[int(option_id)][1] += len(options) - 1 - position
                if ranking and int(ranking[0]) in sums:
                    sums[int(ranking[0])][0] += 1
            elif choice_id in sums:
                sums[choice_id][0] += 1
        SecretTally.objects.bulk_create(
            SecretTally(vote=vote, option=o, count=sums[o.pk][0], points=sums[o.pk][1])
            for o in options
        )


class Migration(migrations.Migration):

    dependencies = [
        ("gremium", "0005_member_kinds_and_function"),
    ]

    operations = [
        migrations.CreateModel(
            name="SecretTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="Stimmen")),
                ("points", models.PositiveIntegerField(default=0, verbose_name="Punkte (Borda)")),
                ("option", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="gremium.voteoption", verbose_name="Option")),
                ("vote", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="secret_tallies", to="gremium.vote", verbose_name="Abstimmung")),
            ],
            options={
                "verbose_name": "Zwischensumme einer geheimen Abstimmung",
                "verbose_name_plural": "Zwischensummen geheimer Abstimmungen",
                "ordering": ["vote", "option"],
            },
        ),
        migrations.RunPython(ballots_to_tallies, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="SecretBallot",
        ),
        migrations.AlterModelOptions(
            name="participation",
            options={"ordering": ["vote", "voter_key"], "verbose_name": "Teilnahme an geheimer Abstimmung", "verbose_name_plural": "Teilnahmen an geheimen Abstimmungen"},
        ),
        migrations.RemoveField(
            model_name="participation",
            name="cast_at",
        ),
        migrations.AlterField(
            model_name="historicalvote",
            name="result",
            field=models.CharField(blank=True, choices=[("carried", "angenommen"), ("rejected", "abgelehnt"), ("no_quorum", "nicht beschlussfähig"), ("decided", "entschieden"), ("tied", "Stimmengleichheit"), ("ranked", "Rangfolge ermittelt"), ("too_few", "kein Ergebnis: zu wenige geheime Stimmen")], max_length=12, verbose_name="Ergebnis"),
        ),
        migrations.AlterField(
            model_name="vote",
            name="result",
            field=models.CharField(blank=True, choices=[("carried", "angenommen"), ("rejected", "abgelehnt"), ("no_quorum", "nicht beschlussfähig"), ("decided", "entschieden"), ("tied", "Stimmengleichheit"), ("ranked", "Rangfolge ermittelt"), ("too_few", "kein Ergebnis: zu wenige geheime Stimmen")], max_length=12, verbose_name="Ergebnis"),
        ),
    ]
