"""Admin for votes, ballots and statements."""
