"""Forms of gremium, one module per seam: committees, meetings, papers, minutes, invitations,
votes, statements."""
