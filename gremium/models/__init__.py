from .committees import Committee, Institution, Membership, Person
from .meetings import *  # noqa: F403  (meetings, agenda items, papers, minutes: see meetings.py)
from .votes import *  # noqa: F403  (votes, ballots, statements: see votes.py)

__all__ = ["Committee", "Institution", "Membership", "Person"]
