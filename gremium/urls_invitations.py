"""URLs for member invitations, included in the gremium namespace by gremium/urls.py."""

urlpatterns: list = []
