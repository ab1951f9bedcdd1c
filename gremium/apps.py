from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GremiumConfig(AppConfig):
    name = "gremium"
    verbose_name = _("Gremium")

    def ready(self):
        from erfurt_srp.accounts.roles import register_member_check
        from erfurt_srp.core.registry import DemoSeeder, register_demo_seeder

        from .demo import committees, meetings, votes
        from .permissions import user_has_active_membership

        register_member_check(user_has_active_membership)
        register_demo_seeder(DemoSeeder(key="gremium.committees", seed=committees.seed, order=20))
        register_demo_seeder(DemoSeeder(key="gremium.meetings", seed=meetings.seed, order=30))
        register_demo_seeder(DemoSeeder(key="gremium.votes", seed=votes.seed, order=40))
        __import__(
            "gremium.services_votes", fromlist=["register"]
        ).register()  # votes: nav, panel, rules

        # Invalidate the cached public pages on every save/delete, admin edits included.
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from erfurt_srp.core.registry import (
            DashboardPanel,
            NavItem,
            register_dashboard_panel,
            register_nav,
        )

        from . import models as gremium_models
        from .cache import content_changed
        from .panels import meetings_panel

        for name in (
            "Committee",
            "Meeting",
            "AgendaItem",
            "Paper",
            "Consultation",
            "File",
            "Location",
            "Minutes",
            "MinutesEntry",
        ):
            model = getattr(gremium_models, name)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"gremium-cache-{name}")
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"gremium-cache-d-{name}"
            )

        register_nav(
            NavItem(
                label=_("Sitzungen"),
                url_name="gremium:meeting_list",
                visible=lambda u: True,
                order=10,
            )
        )
        register_nav(
            NavItem(
                label=_("Drucksachen"),
                url_name="gremium:paper_list",
                visible=lambda u: True,
                order=11,
            )
        )
        register_dashboard_panel(
            DashboardPanel(key="gremium.meetings", render=meetings_panel, order=10)
        )
