from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeteiligungConfig(AppConfig):
    name = "beteiligung"
    verbose_name = _("Beteiligung")

    def ready(self):
        from functools import partial

        from django.db.models.signals import post_delete, post_save

        from erfurt_srp.accounts import personal_data
        from erfurt_srp.accounts.roles import is_staff
        from erfurt_srp.core import versioned_cache
        from erfurt_srp.core.registry import (
            DashboardPanel,
            DemoSeeder,
            HomeSection,
            NavItem,
            register_dashboard_panel,
            register_demo_seeder,
            register_home_section,
            register_nav,
        )
        from erfurt_srp.notifications.kinds import register_message_kinds
        from erfurt_srp.notifications.links import register_link_reissuer

        from . import demo, models, my_data, outbox_links, panels, selectors

        register_message_kinds(MESSAGE_KINDS)

        # The public pages' cached parts show events, tables and programmes: every saved or
        # deleted one makes them stale once its transaction commits.
        self._stale = partial(versioned_cache.bump, selectors.CACHE_NAMESPACE)
        for model in (models.Event, models.EventTable, models.ProgrammeItem):
            post_save.connect(self._stale, sender=model, dispatch_uid=f"bstale-{model}")
            post_delete.connect(self._stale, sender=model, dispatch_uid=f"bstaled-{model}")

        register_nav(
            NavItem(
                label=_("Veranstaltungen"),
                url_name="beteiligung:event_list",
                visible=lambda user: True,
                order=50,
            )
        )
        register_nav(
            NavItem(
                label=_("Veranstaltungen verwalten"),
                url_name="beteiligung:staff_event_list",
                visible=is_staff,
                order=150,
                section="staff",
            )
        )
        register_dashboard_panel(
            DashboardPanel(key="beteiligung.upcoming", render=panels.upcoming_events, order=60)
        )
        register_home_section(
            HomeSection(key="beteiligung.next", render=panels.next_events, order=10)
        )
        personal_data.register(
            key="beteiligung",
            label=_("Anmeldungen zu Veranstaltungen"),
            exporter=my_data.export_registrations,
            eraser=my_data.erase_registrations,
            order=30,
        )
        register_demo_seeder(DemoSeeder(key="beteiligung.events", seed=demo.seed, order=80))
        for kind in outbox_links.REGISTRATION_MAIL_KINDS:
            register_link_reissuer(kind, outbox_links.registration_link_reissue)


MESSAGE_KINDS = {
    "beteiligung.opt_in": _("Anmeldung bestätigen"),
    "beteiligung.confirmation": _("Anmeldebestätigung"),
    "beteiligung.waiting": _("Platz auf der Warteliste"),
    "beteiligung.promoted": _("Von der Warteliste nachgerückt"),
    "beteiligung.cancellation": _("Abmeldung"),
    "beteiligung.table_changed": _("Thementisch geändert"),
    "beteiligung.reminder": _("Erinnerung an eine Veranstaltung"),
    "beteiligung.followup": _("Nach der Veranstaltung"),
    "beteiligung.message": _("Nachricht an Angemeldete"),
    "beteiligung.already_registered": _("Hinweis: bereits angemeldet"),
}
