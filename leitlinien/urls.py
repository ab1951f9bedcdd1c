from django.urls import path

from . import views
from .reports import views as report_views

app_name = "leitlinien"

urlpatterns = [
    path("", views.index, name="index"),
    path("themen/neu/", views.theme_create, name="theme_create"),
    path("themen/<slug:slug>/federfuehrung/", views.theme_editors, name="theme_editors"),
    path(
        "federfuehrung/<int:pk>/widerrufen/",
        views.theme_editor_revoke,
        name="theme_editor_revoke",
    ),
    path("leitlinie/<slug:slug>/", views.guideline_detail, name="guideline_detail"),
    path("leitlinie/<slug:slug>/neue-fassung/", views.version_create, name="version_create"),
    path("leitlinie/<slug:slug>/vergleich/", views.version_compare, name="version_compare"),
    path("fassung/<int:pk>/", views.version_detail, name="version_detail"),
    path("fassung/<int:pk>/bearbeiten/", views.version_edit, name="version_edit"),
    path("fassung/<int:pk>/beschluss/", views.version_adopt, name="version_adopt"),
    path("fassung/<int:pk>/runde/neu/", views.round_create, name="round_create"),
    path("runde/<int:pk>/", views.round_detail, name="round_detail"),
    path("runde/<int:pk>/kommentieren/", views.round_comment, name="round_comment"),
    path("runde/<int:pk>/einladungen/", views.round_invitations, name="round_invitations"),
    path("runde/<int:pk>/abwaegung/", views.round_dispositions, name="round_dispositions"),
    path("runde/<int:pk>/abschliessen/", views.round_close, name="round_close"),
    path("runde/<int:pk>/beenden/", views.round_end, name="round_end"),
    path("runde/<int:pk>/abwaegungstabelle.<str:fmt>", views.round_export, name="round_export"),
    path("runde/<int:pk>/oeffentlich/", views.public_comment, name="public_comment"),
    path(
        "kommentar/bestaetigen/<str:token>/",
        views.public_comment_confirm,
        name="public_comment_confirm",
    ),
    path("kommentar/<int:pk>/ausblenden/", views.comment_hide, name="comment_hide"),
    path("kommentare/pruefung/", views.comment_review, name="comment_review"),
    path("kommentar/<int:pk>/pruefung/", views.comment_review_decide, name="comment_review_decide"),
    path("kommentar/<int:pk>/abwaegung/", views.comment_disposition, name="comment_disposition"),
    path("link/<str:token>/", views.invitation, name="invitation"),
    path("massnahmen/", views.measure_list, name="measure_list"),
    path("massnahmen/neu/", views.measure_create, name="measure_create"),
    path("massnahmen/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("massnahmen/<int:pk>/bearbeiten/", views.measure_edit, name="measure_edit"),
    path("sozialraumplan/", views.plan_index, name="plan_index"),
    path("sozialraumplan/erstellen/", views.plan_request, name="plan_request"),
    path("sozialraumplan/texte/", report_views.plan_texts_edit, name="plan_texts"),
    path("berichte/", report_views.report_index, name="report_index"),
    path("berichte/neu/", report_views.report_draft, name="report_draft"),
    path("berichte/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("berichte/<int:pk>/daten/", report_views.report_refresh, name="report_refresh"),
    path("berichte/<int:pk>/export/", report_views.report_export, name="report_export"),
    path("berichte/<int:pk>/vorlegen/", report_views.report_submit, name="report_submit"),
    path("sozialraumplan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("sozialraumplan/<int:pk>/<str:fmt>/", views.plan_download, name="plan_download"),
]
