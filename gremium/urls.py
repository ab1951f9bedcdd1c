from django.urls import path

from . import urls_invitations, urls_votes
from .views import agenda, committees, meetings, minutes, papers

app_name = "gremium"

# Meetings, agendas, papers, committees and members (issue 3).
urlpatterns: list = [
    path("sitzungen/", meetings.meeting_list, name="meeting_list"),
    path("sitzungen/kalender.ics", meetings.meeting_feed, name="meeting_feed"),
    path("sitzungen/neu/", meetings.meeting_create, name="meeting_create"),
    path("sitzungen/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("sitzungen/<int:pk>/bearbeiten/", meetings.meeting_edit, name="meeting_edit"),
    path("sitzungen/<int:pk>/kalender.ics", meetings.meeting_ics, name="meeting_ics"),
    path(
        "sitzungen/<int:pk>/tagesordnung.pdf",
        meetings.meeting_agenda_pdf,
        name="meeting_agenda_pdf",
    ),
    path("sitzungen/<int:pk>/veroeffentlichen/", meetings.meeting_publish, name="meeting_publish"),
    path("sitzungen/<int:pk>/absagen/", meetings.meeting_cancel, name="meeting_cancel"),
    path("sitzungen/<int:pk>/durchgefuehrt/", meetings.meeting_held, name="meeting_held"),
    path("sitzungen/<int:pk>/versand/", meetings.meeting_outbox, name="meeting_outbox"),
    path("sitzungen/<int:pk>/rueckmeldung/", meetings.meeting_respond, name="meeting_respond"),
    path("sitzungen/<int:pk>/top/neu/", agenda.agenda_item_add, name="agenda_item_add"),
    path("sitzungen/<int:pk>/anwesenheit/", minutes.attendance_edit, name="attendance_edit"),
    path("sitzungen/<int:pk>/niederschrift/", minutes.minutes_detail, name="minutes_detail"),
    path("sitzungen/<int:pk>/niederschrift.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("sitzungen/<int:pk>/niederschrift/bearbeiten/", minutes.minutes_edit, name="minutes_edit"),
    path(
        "sitzungen/<int:pk>/niederschrift/veroeffentlichen/",
        minutes.minutes_publish,
        name="minutes_publish",
    ),
    path(
        "sitzungen/<int:pk>/niederschrift/genehmigen/",
        minutes.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "sitzungen/<int:pk>/niederschrift/kommentare/",
        minutes.minutes_comment_add,
        name="minutes_comment_add",
    ),
    path("top/<int:pk>/bearbeiten/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path("top/<int:pk>/verschieben/", agenda.agenda_item_move, name="agenda_item_move"),
    path("top/<int:pk>/streichen/", agenda.agenda_item_delete, name="agenda_item_delete"),
    path("top/<int:pk>/datei/", agenda.agenda_item_file_add, name="agenda_item_file_add"),
    path("top/<int:pk>/kommentare/", agenda.comment_add, name="comment_add"),
    path("kommentare/<int:pk>/bearbeiten/", agenda.comment_edit_view, name="comment_edit"),
    path("kommentare/<int:pk>/ausblenden/", agenda.comment_hide_view, name="comment_hide"),
    path("dateien/<int:pk>/", agenda.file_download, name="file_download"),
    path("drucksachen/", papers.paper_list, name="paper_list"),
    path("drucksachen/neu/", papers.paper_create, name="paper_create"),
    path("drucksachen/<int:pk>/", papers.paper_detail, name="paper_detail"),
    path("drucksachen/<int:pk>/bearbeiten/", papers.paper_edit, name="paper_edit"),
    path("drucksachen/<int:pk>/datei/", papers.paper_file_add, name="paper_file_add"),
    path("drucksachen/<int:pk>/beratung/", papers.consultation_add, name="consultation_add"),
    path("gremien/", committees.committee_list, name="committee_list"),
    path("gremien/<slug:slug>/", committees.committee_detail, name="committee_detail"),
    path("gremien/<slug:slug>/mitglieder/neu/", committees.membership_add, name="membership_add"),
    path("gremien/<slug:slug>/verlauf/", committees.committee_history, name="committee_history"),
    path("mitgliedschaften/<int:pk>/beenden/", committees.membership_end, name="membership_end"),
    path(
        "mitgliedschaften/<int:pk>/ersetzen/",
        committees.membership_replace,
        name="membership_replace",
    ),
]

urlpatterns += urls_invitations.urlpatterns
urlpatterns += urls_votes.urlpatterns
