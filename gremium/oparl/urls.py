"""OParl 1.1 endpoints, mounted at /oparl/v1/ (read-only, public data only)."""

from django.urls import path

from . import views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("body/", views.body_list, name="body_list"),
    path("body/<int:pk>/", views.body, name="body"),
    path("organization/<int:pk>/meeting/", views.organization_meeting, name="organization_meeting"),
    path("file/<int:pk>/download/", views.file_download, name="file_download"),
]

for _kind in views.LISTS:
    urlpatterns += [
        path(f"body/<int:pk>/{_kind}/", views.body_list_view(_kind), name=f"body_{_kind}"),
        path(f"{_kind}/<int:pk>/", views.detail_view(_kind), name=_kind),
    ]
