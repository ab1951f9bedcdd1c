"""All URLs of gremium (namespace "gremium"), grouped like the views: meetings, agenda,
minutes, papers, committees, invitations, votes, statement rounds."""

from django.urls import path

from .views import agenda, committees, invitations, meetings, minutes, papers, statements, votes

app_name = "gremium"

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
        "sitzungen/<int:pk>/niederschrift/genehmigung-aufheben/",
        minutes.minutes_approval_revoke,
        name="minutes_approval_revoke",
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
    path("drucksachen/nummernkreise/", papers.paper_numbers, name="paper_numbers"),
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
    path("einladungen/", invitations.invitation_list, name="invitation_list"),
    path("einladungen/neu/", invitations.invitation_create, name="invitation_create"),
    path(
        "einladungen/<int:pk>/erneut-senden/",
        invitations.invitation_resend_view,
        name="invitation_resend",
    ),
    path("abstimmungen/", votes.vote_list, name="vote_list"),
    path("abstimmungen/neu/", votes.vote_create, name="vote_create"),
    path("abstimmungen/<int:pk>/", votes.vote_detail, name="vote_detail"),
    path("abstimmungen/<int:pk>/stimme/", votes.vote_ballot, name="vote_ballot"),
    path("abstimmungen/<int:pk>/abschliessen/", votes.vote_close, name="vote_close"),
    path("abstimmungen/<int:pk>/handzeichen/", votes.vote_show_of_hands, name="vote_show_of_hands"),
    path("abstimmungen/<int:pk>/erinnern/", votes.vote_remind, name="vote_remind"),
    path("abstimmungen/<int:pk>/ergebnis.csv", votes.vote_result_csv, name="vote_result_csv"),
    path("abstimmungen/<int:pk>/ergebnis.pdf", votes.vote_result_pdf, name="vote_result_pdf"),
    path("stellungnahmen/", statements.statement_round_list, name="statement_round_list"),
    path("stellungnahmen/neu/", statements.statement_round_create, name="statement_round_create"),
    path(
        "stellungnahmen/<int:pk>/", statements.statement_round_detail, name="statement_round_detail"
    ),
    path("stellungnahmen/<int:pk>/meine/", statements.statement_edit, name="statement_edit"),
    path(
        "stellungnahmen/<int:pk>/erinnern/",
        statements.statement_round_remind,
        name="statement_round_remind",
    ),
    path(
        "stellungnahmen/<int:pk>/abschliessen/",
        statements.statement_round_close,
        name="statement_round_close",
    ),
    path(
        "stellungnahmen/<int:pk>/datei/<int:statement_pk>/",
        statements.statement_file,
        name="statement_file",
    ),
]
