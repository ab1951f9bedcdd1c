"""URLs for member invitations, included in the gremium namespace by gremium/urls.py."""

from django.urls import path

from . import views_invitations

urlpatterns: list = [
    path("einladungen/", views_invitations.invitation_list, name="invitation_list"),
    path("einladungen/neu/", views_invitations.invitation_create, name="invitation_create"),
    path(
        "einladungen/<int:pk>/erneut-senden/",
        views_invitations.invitation_resend_view,
        name="invitation_resend",
    ),
]
