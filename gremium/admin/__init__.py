"""The admin of gremium, split like the models: committees, meetings (agenda, papers, minutes),
votes (ballots, statement rounds)."""

from . import committees, meetings, votes

__all__ = ["committees", "meetings", "votes"]
