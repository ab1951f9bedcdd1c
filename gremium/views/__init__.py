"""Views of gremium, one module per seam: committees, meetings, agenda, papers, minutes,
invitations, votes, statements (statement rounds). Thin: check access, call a service, render."""
