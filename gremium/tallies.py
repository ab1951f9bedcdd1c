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


def compute_result(*, kind: str, quorum: int, options: list, choices: list, rankings: list) -> dict:
    """Return result, counts (option id -> votes), points (ranked), participants.

    choices: the chosen option ids (one per ballot); rankings: lists of option ids (ranked).
    Ids that are not among the options are not counted.
    """
    counts = {str(o.pk): 0 for o in options}
    points = {}
    if kind == RANKED:
        n = len(options)
        points = {str(o.pk): 0 for o in options}
        for ranking in rankings:
            for position, option_id in enumerate(ranking):
                if str(option_id) in points:
                    points[str(option_id)] += n - 1 - position
            if ranking and str(ranking[0]) in counts:
                counts[str(ranking[0])] += 1
        participants = len(rankings)
    else:
        for option_id in choices:
            if str(option_id) in counts:
                counts[str(option_id)] += 1
        participants = len(choices)
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
