from django.urls import path

app_name = "gremium"

urlpatterns: list = []
