from . import guests as _guests
from . import meetings as _meetings
from . import numbering as _numbering
from . import votes as _votes
from .committees import Committee, Institution, Membership, Person
from .guests import *  # noqa: F403  (guest access to non-public papers: see guests.py)
from .meetings import *  # noqa: F403  (meetings, agenda items, papers, minutes: see meetings.py)
from .numbering import *  # noqa: F403  (the Drucksache number sequences)
from .votes import *  # noqa: F403  (votes, ballots, statements: see votes.py)

__all__ = [
    "Committee",
    "Institution",
    "Membership",
    "Person",
    *_guests.__all__,
    *_meetings.__all__,
    *_numbering.__all__,
    *_votes.__all__,
]
