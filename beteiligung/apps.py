from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeteiligungConfig(AppConfig):
    name = "beteiligung"
    verbose_name = _("Beteiligung")

    def ready(self):
        from erfurt_srp.accounts.roles import is_staff
        from erfurt_srp.core.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
        )

        from . import demo, panels

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
        register_demo_seeder(DemoSeeder(key="beteiligung.events", seed=demo.seed, order=80))
