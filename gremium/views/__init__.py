"""Views of gremium, split by page group (meetings, agenda, papers, committees, minutes)."""
