"""Votes, ballots, statement rounds and statements."""

__all__: list[str] = []
