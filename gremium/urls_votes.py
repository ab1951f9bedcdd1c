"""URLs for votes and statements, included in the gremium namespace by gremium/urls.py."""

from django.urls import path

from . import views_votes as views

urlpatterns: list = [
    path("abstimmungen/", views.vote_list, name="vote_list"),
    path("abstimmungen/neu/", views.vote_create, name="vote_create"),
    path("abstimmungen/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("abstimmungen/<int:pk>/stimme/", views.vote_ballot, name="vote_ballot"),
    path("abstimmungen/<int:pk>/abschliessen/", views.vote_close, name="vote_close"),
    path("abstimmungen/<int:pk>/handzeichen/", views.vote_show_of_hands, name="vote_show_of_hands"),
    path("abstimmungen/<int:pk>/erinnern/", views.vote_remind, name="vote_remind"),
    path("abstimmungen/<int:pk>/ergebnis.csv", views.vote_result_csv, name="vote_result_csv"),
    path("abstimmungen/<int:pk>/ergebnis.pdf", views.vote_result_pdf, name="vote_result_pdf"),
    path("stellungnahmen/", views.statement_round_list, name="statement_round_list"),
    path("stellungnahmen/neu/", views.statement_round_create, name="statement_round_create"),
    path("stellungnahmen/<int:pk>/", views.statement_round_detail, name="statement_round_detail"),
    path("stellungnahmen/<int:pk>/meine/", views.statement_edit, name="statement_edit"),
    path(
        "stellungnahmen/<int:pk>/erinnern/",
        views.statement_round_remind,
        name="statement_round_remind",
    ),
    path(
        "stellungnahmen/<int:pk>/abschliessen/",
        views.statement_round_close,
        name="statement_round_close",
    ),
    path(
        "stellungnahmen/<int:pk>/datei/<int:statement_pk>/",
        views.statement_file,
        name="statement_file",
    ),
]
