"""Admin for meetings, agenda items, papers, minutes."""
