from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("einstellungen/", views.account_settings, name="settings"),
    path("meine-daten/", views.my_data, name="my_data"),
    path("meine-daten.json", views.my_data_download, name="my_data_download"),
    path("loeschen/", views.account_delete, name="account_delete"),
]
