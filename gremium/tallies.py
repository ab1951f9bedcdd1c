"""The arithmetic of a vote's result, without the database.

Input is what the ballots say (chosen option ids, or rankings of option ids) and the vote's
options (any objects with `pk` and `key`); output is the result and the counts. The values are
those of Vote.Kind and Vote.Result (TextChoices compare equal to their plain string values), so
this module imports nothing from Django and is tested on its own.

Rules:
- The quorum is the minimum number of ballots cast (abstentions count); fewer: NO_QUORUM.
- Yes/no: CARRIED when yes > no, else REJECTED (a tie is rejected).
- Single choice: the option with the most votes (DECIDED); two at the top: TIED.
- Ranked: Borda count (n options: first place n-1 points ... last place 0, unranked 0); the
  option with the most points (RANKED); two at the top: TIED. `counts` holds the first places.
- Counts and points are sums over the ballots (`ballot_tally` is one ballot's share), so a secret
  vote keeps running sums instead of ballots. Its result is withheld (TOO_FEW_BALLOTS: no counts,
  no points) while fewer than a minimum number of ballots are in, so that it never shows what a
  single voter chose.
"""

YES_NO = "yes_no"
SINGLE = "single"
RANKED = "ranked"

CARRIED = "carried"
REJECTED = "rejected"
NO_QUORUM = "no_quorum"
DECIDED = "decided"
TIED = "tied"
RANKED_RESULT = "ranked"
TOO_FEW_BALLOTS = "too_few"


def ballot_tally(*, kind: str, options: list, choice=None, ranking=()) -> dict:
    """One ballot's share of the sums: {option id: (count, points)} for every option.

    count is 1 for the chosen option (ranked: the first place); points are the Borda points
    (ranked only, else 0). Ids that are not among the options add nothing.
    """
    share = {str(o.pk): [0, 0] for o in options}
    if kind == RANKED:
        n = len(options)
        for position, option_id in enumerate(ranking or ()):
            if str(option_id) in share:
                share[str(option_id)][1] += n - 1 - position
        if ranking and str(ranking[0]) in share:
            share[str(ranking[0])][0] += 1
    elif choice is not None and str(choice) in share:
        share[str(choice)][0] += 1
    return {option_id: (count, points) for option_id, (count, points) in share.items()}


def compute_result(*, kind: str, quorum: int, options: list, choices: list, rankings: list) -> dict:
    """Return result, counts (option id -> votes), points (ranked), participants.

    choices: the chosen option ids (one per ballot); rankings: lists of option ids (ranked).
    Ids that are not among the options are not counted.
    """
    counts = {str(o.pk): 0 for o in options}
    points = {str(o.pk): 0 for o in options} if kind == RANKED else {}
    if kind == RANKED:
        shares = [ballot_tally(kind=kind, options=options, ranking=r) for r in rankings]
        participants = len(rankings)
    else:
        shares = [ballot_tally(kind=kind, options=options, choice=c) for c in choices]
        participants = len(choices)
    for share in shares:
        for option_id, (count, share_points) in share.items():
            counts[option_id] += count
            if kind == RANKED:
                points[option_id] += share_points
    return decide(kind=kind, quorum=quorum, options=options, counts=counts, points=points) | {
        "counts": counts,
        "points": points,
        "participants": participants,
    }


def secret_result(
    *, kind: str, quorum: int, min_ballots: int, options: list, counts: dict, points: dict
) -> dict:
    """The result of a secret vote from its sums (counts, and points when ranked).

    Fewer ballots than min_ballots: TOO_FEW_BALLOTS, and neither counts nor points.
    """
    counts = {str(o.pk): int(counts.get(str(o.pk), 0)) for o in options}
    points = {str(o.pk): int(points.get(str(o.pk), 0)) for o in options} if kind == RANKED else {}
    participants = sum(counts.values())
    if participants < min_ballots:
        return {
            "result": TOO_FEW_BALLOTS,
            "counts": {},
            "points": {},
            "participants": participants,
        }
    return decide(kind=kind, quorum=quorum, options=options, counts=counts, points=points) | {
        "counts": counts,
        "points": points,
        "participants": participants,
    }


def decide(*, kind, quorum, options, counts, points, participants=None) -> dict:
    """The result from the counts (and points, ranked); participants default to the counts' sum."""
    if participants is None:
        participants = sum(counts.values())
    if participants < quorum:
        return {"result": NO_QUORUM}
    if kind == YES_NO:
        by_key = {o.key: counts.get(str(o.pk), 0) for o in options}
        carried = by_key.get("yes", 0) > by_key.get("no", 0)
        return {"result": CARRIED if carried else REJECTED}
    tally = points if kind == RANKED else counts
    ordered = sorted(tally.values(), reverse=True)
    if len(ordered) > 1 and ordered[0] == ordered[1]:
        return {"result": TIED}
    return {"result": RANKED_RESULT if kind == RANKED else DECIDED}
