from django.urls import path

app_name = "beteiligung"

urlpatterns: list = []
