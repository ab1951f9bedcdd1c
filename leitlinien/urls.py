from django.urls import path

app_name = "leitlinien"

urlpatterns: list = []
