"""URLs for votes and statements, included in the gremium namespace by gremium/urls.py."""

urlpatterns: list = []
