from django.urls import path

from . import views, views_data

app_name = "standorte"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("werte.csv", views.indicator_csv, name="indicator_csv"),
    path("sozialraum/<int:pk>/", views.area_detail, name="area_detail"),
    path("karte/", views.district_map, name="district_map"),
    path("import/", views_data.data_import, name="data_import"),
    path("import/<int:pk>/", views_data.import_preview, name="import_preview"),
    path("indikatoren/", views_data.indicator_list, name="indicator_list"),
    path("indikatoren/neu/", views_data.indicator_edit, name="indicator_create"),
    path("indikatoren/<int:pk>/", views_data.indicator_edit, name="indicator_edit"),
    path("projekte/", views.project_list, name="project_list"),
    path("projekte/neu/", views.project_edit, name="project_create"),
    path("projekte/<slug:slug>/", views.project_detail, name="project_detail"),
    path("projekte/<slug:slug>/bearbeiten/", views.project_edit, name="project_edit"),
    path("projekte/<slug:slug>/vorschlag/", views.proposal_create, name="proposal_create"),
    path("projekte/<slug:slug>/vergleich/", views.proposal_compare, name="proposal_compare"),
    path("projekte/<slug:slug>/beratung/", views.deliberation_start, name="deliberation_start"),
    path("beratung/<int:pk>/", views.deliberation_detail, name="deliberation_detail"),
    path("empfehlungen/", views.recommendation_list, name="recommendation_list"),
    path("empfehlungen/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "empfehlungen/<int:pk>/tagesordnung/",
        views.recommendation_place_on_agenda,
        name="recommendation_place_on_agenda",
    ),
    path("exporte/", views.export_page, name="export"),
    path("exporte/<int:pk>/", views.export_detail, name="export_detail"),
    path("exporte/<int:pk>/download/", views.export_download, name="export_download"),
    path("exporte/<int:pk>/wiederholen/", views.export_retry, name="export_retry"),
]
