"""Reads of gremium, one module per seam: committees, meetings, papers, minutes, votes,
statements."""
