from django.urls import path

app_name = "standorte"

urlpatterns: list = []
