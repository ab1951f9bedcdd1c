from . import urls_invitations, urls_votes

app_name = "gremium"

# Meetings, agendas, papers, committees and members (issue 3).
urlpatterns: list = []

urlpatterns += urls_invitations.urlpatterns
urlpatterns += urls_votes.urlpatterns
