from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
