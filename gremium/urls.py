from . import urls_votes

app_name = "gremium"

# Meetings, agendas, papers, members (issue 3) — owned by urls_meetings-style entries below.
urlpatterns: list = []

urlpatterns += urls_votes.urlpatterns
