from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox_list, name="outbox_list"),
    path("<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("<int:pk>/erneut-senden/", views.outbox_resend, name="outbox_resend"),
]
