"""The vote arithmetic on its own: no database, no Django models."""

from typing import NamedTuple

import pytest

from gremium import tallies


class Option(NamedTuple):
    pk: int
    key: str = ""


YES, NO, ABSTAIN = Option(1, "yes"), Option(2, "no"), Option(3, "abstain")
YES_NO_OPTIONS = [YES, NO, ABSTAIN]
A, B, C = Option(11), Option(12), Option(13)


def yes_no(choices, quorum=1):
    return tallies.compute_result(
        kind=tallies.YES_NO, quorum=quorum, options=YES_NO_OPTIONS, choices=choices, rankings=[]
    )


def single(choices, quorum=1):
    return tallies.compute_result(
        kind=tallies.SINGLE, quorum=quorum, options=[A, B, C], choices=choices, rankings=[]
    )


def ranked(rankings, quorum=1, options=(A, B, C)):
    return tallies.compute_result(
        kind=tallies.RANKED, quorum=quorum, options=list(options), choices=[], rankings=rankings
    )


def test_the_values_are_those_of_the_vote_model():
    from gremium.models import Vote

    assert {tallies.YES_NO, tallies.SINGLE, tallies.RANKED} == set(Vote.Kind.values)
    assert {
        tallies.CARRIED,
        tallies.REJECTED,
        tallies.NO_QUORUM,
        tallies.DECIDED,
        tallies.TIED,
        tallies.RANKED_RESULT,
        tallies.TOO_FEW_BALLOTS,
    } == set(Vote.Result.values)


def test_the_module_imports_nothing_from_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(tallies.__file__).read_text())
    modules = [
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [m for m in modules if m.startswith(("django", "gremium", "erfurt_srp"))]


def test_yes_no_carried_when_more_yes_than_no():
    result = yes_no([YES.pk, YES.pk, NO.pk, ABSTAIN.pk])
    assert result["result"] == tallies.CARRIED
    assert result["counts"] == {"1": 2, "2": 1, "3": 1}
    assert result["participants"] == 4
    assert result["points"] == {}


@pytest.mark.parametrize(
    "choices",
    [[NO.pk, NO.pk, YES.pk], [YES.pk, NO.pk], [ABSTAIN.pk, ABSTAIN.pk]],
    ids=["more-no", "tie", "only-abstentions"],
)
def test_yes_no_rejected_unless_yes_outnumbers_no(choices):
    assert yes_no(choices)["result"] == tallies.REJECTED


def test_abstentions_count_towards_the_quorum():
    assert yes_no([YES.pk, ABSTAIN.pk, ABSTAIN.pk], quorum=3)["result"] == tallies.CARRIED
    assert yes_no([YES.pk, ABSTAIN.pk], quorum=3)["result"] == tallies.NO_QUORUM


def test_no_quorum_wins_over_every_other_outcome():
    assert yes_no([], quorum=1)["result"] == tallies.NO_QUORUM
    assert single([A.pk], quorum=2)["result"] == tallies.NO_QUORUM
    assert ranked([[A.pk, B.pk]], quorum=2)["result"] == tallies.NO_QUORUM


def test_a_quorum_of_zero_decides_even_without_ballots():
    assert yes_no([], quorum=0)["result"] == tallies.REJECTED


def test_unknown_option_ids_are_not_counted():
    result = yes_no([YES.pk, 999], quorum=2)
    assert result["counts"] == {"1": 1, "2": 0, "3": 0}
    assert result["participants"] == 2
    assert result["result"] == tallies.NO_QUORUM  # the quorum counts the valid ballots


def test_ids_may_come_as_strings():
    assert yes_no(["1", "1", "2"])["counts"] == {"1": 2, "2": 1, "3": 0}


def test_single_choice_decided_by_the_most_votes():
    result = single([A.pk, B.pk, B.pk])
    assert result["result"] == tallies.DECIDED
    assert result["counts"] == {"11": 1, "12": 2, "13": 0}


def test_single_choice_tied_at_the_top():
    assert single([A.pk, B.pk, C.pk, A.pk, B.pk])["result"] == tallies.TIED


def test_single_choice_tie_below_the_top_still_decides():
    assert single([A.pk, A.pk, A.pk, B.pk, C.pk])["result"] == tallies.DECIDED


def test_ranked_borda_points_first_n_minus_one_unranked_zero():
    result = ranked([[A.pk, B.pk, C.pk], [B.pk, A.pk, C.pk], [B.pk, C.pk]])
    assert result["points"] == {"11": 3, "12": 5, "13": 1}
    assert result["counts"] == {"11": 1, "12": 2, "13": 0}  # first places
    assert result["participants"] == 3
    assert result["result"] == tallies.RANKED_RESULT


def test_ranked_tied_on_points():
    result = ranked([[A.pk, B.pk], [B.pk, A.pk]], options=(A, B))
    assert result["points"] == {"11": 1, "12": 1}
    assert result["result"] == tallies.TIED


def test_ranked_empty_ranking_counts_as_participant_but_not_for_the_quorum():
    result = ranked([[], [A.pk, B.pk]], quorum=2)
    assert result["participants"] == 2
    assert result["result"] == tallies.NO_QUORUM


def test_decide_from_show_of_hands_counts():
    counts = {"1": 5, "2": 4, "3": 0}
    result = tallies.decide(
        kind=tallies.YES_NO, quorum=9, options=YES_NO_OPTIONS, counts=counts, points={}
    )
    assert result == {"result": tallies.CARRIED}
    assert (
        tallies.decide(
            kind=tallies.YES_NO, quorum=10, options=YES_NO_OPTIONS, counts=counts, points={}
        )["result"]
        == tallies.NO_QUORUM
    )


def test_a_single_option_cannot_tie():
    result = tallies.decide(kind=tallies.SINGLE, quorum=0, options=[A], counts={"11": 0}, points={})
    assert result["result"] == tallies.DECIDED


def test_a_ballots_share_names_every_option():
    share = tallies.ballot_tally(kind=tallies.YES_NO, options=YES_NO_OPTIONS, choice=NO.pk)
    assert share == {"1": (0, 0), "2": (1, 0), "3": (0, 0)}
    share = tallies.ballot_tally(kind=tallies.RANKED, options=[A, B, C], ranking=[C.pk, A.pk])
    assert share == {"11": (0, 1), "12": (0, 0), "13": (1, 2)}
    assert tallies.ballot_tally(kind=tallies.SINGLE, options=[A, B], choice=999) == {
        "11": (0, 0),
        "12": (0, 0),
    }


def test_sums_of_shares_give_the_same_result_as_the_ballots():
    rankings = [[A.pk, B.pk, C.pk], [B.pk, A.pk, C.pk], [B.pk, C.pk]]
    counts, points = {"11": 0, "12": 0, "13": 0}, {"11": 0, "12": 0, "13": 0}
    for ranking in rankings:
        share = tallies.ballot_tally(kind=tallies.RANKED, options=[A, B, C], ranking=ranking)
        for option_id, (count, share_points) in share.items():
            counts[option_id] += count
            points[option_id] += share_points
    from_sums = tallies.secret_result(
        kind=tallies.RANKED,
        quorum=1,
        min_ballots=3,
        options=[A, B, C],
        counts=counts,
        points=points,
    )
    assert from_sums == ranked(rankings)


def secret(counts, min_ballots=3, quorum=1):
    return tallies.secret_result(
        kind=tallies.YES_NO,
        quorum=quorum,
        min_ballots=min_ballots,
        options=YES_NO_OPTIONS,
        counts=counts,
        points={},
    )


def test_a_secret_result_needs_the_minimum_number_of_ballots():
    result = secret({"1": 1, "2": 1})
    assert result == {
        "result": tallies.TOO_FEW_BALLOTS,
        "counts": {},
        "points": {},
        "participants": 2,
    }
    assert secret({"1": 2, "2": 1}) == {
        "result": tallies.CARRIED,
        "counts": {"1": 2, "2": 1, "3": 0},
        "points": {},
        "participants": 3,
    }
    assert secret({"1": 1, "2": 1}, min_ballots=2)["result"] == tallies.REJECTED


def test_too_few_secret_ballots_win_over_no_quorum():
    assert secret({"1": 1}, quorum=3)["result"] == tallies.TOO_FEW_BALLOTS
    assert secret({"1": 3}, quorum=4)["result"] == tallies.NO_QUORUM
