from django.urls import path

from . import views

app_name = "beteiligung"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    # Staff back office (before the slug patterns so "verwaltung" is never taken as a slug).
    path("verwaltung/", views.staff_event_list, name="staff_event_list"),
    path("verwaltung/neu/", views.staff_event_create, name="staff_event_create"),
    path("verwaltung/<int:pk>/", views.staff_event_detail, name="staff_event_detail"),
    path("verwaltung/<int:pk>/bearbeiten/", views.staff_event_edit, name="staff_event_edit"),
    path("verwaltung/<int:pk>/anmeldungen/", views.staff_registrations, name="staff_registrations"),
    path(
        "verwaltung/<int:pk>/anmeldungen.csv",
        views.staff_registrations_csv,
        name="staff_registrations_csv",
    ),
    path("verwaltung/<int:pk>/einlassliste.pdf", views.staff_checkin_pdf, name="staff_checkin_pdf"),
    path("verwaltung/<int:pk>/einlass/", views.staff_checkin, name="staff_checkin"),
    path(
        "verwaltung/<int:pk>/einlass/<int:registration_pk>/",
        views.staff_checkin_mark,
        name="staff_checkin_mark",
    ),
    path(
        "verwaltung/<int:pk>/anmeldungen/<int:registration_pk>/abmelden/",
        views.staff_registration_cancel,
        name="staff_registration_cancel",
    ),
    path("verwaltung/<int:pk>/nachricht/", views.staff_message, name="staff_message"),
    path("verwaltung/<int:pk>/einladungen/", views.staff_invitations, name="staff_invitations"),
    path("verwaltung/<int:pk>/loeschen/", views.staff_shred, name="staff_shred"),
    # Personal links of registrants.
    path("anmeldung/<str:token>/", views.registration_manage, name="registration_manage"),
    path(
        "anmeldung/<str:token>/bestaetigen/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "anmeldung/<str:token>/tisch/",
        views.registration_change_table,
        name="registration_change_table",
    ),
    path("anmeldung/<str:token>/abmelden/", views.registration_cancel, name="registration_cancel"),
    path("anmeldung/<str:token>/loeschen/", views.registration_delete, name="registration_delete"),
    # Public event pages.
    path("<slug:slug>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/kalender.ics", views.event_calendar, name="event_calendar"),
    path("<slug:slug>/angemeldet/", views.registration_pending, name="registration_pending"),
]
