"""Writes of gremium, one module per seam: committees, meetings (incl. agenda), papers, minutes,
invitations, votes, statements. One transaction per service, e-mails through the outbox."""
