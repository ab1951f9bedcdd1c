from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _always(user) -> bool:
    return True


class StandorteConfig(AppConfig):
    name = "standorte"
    verbose_name = _("Standorte")

    def ready(self):
        from erfurt_srp.core.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
        )
        from erfurt_srp.notifications.kinds import register_message_kinds

        from . import demo
        from .panels import dashboard_panel

        register_message_kinds(MESSAGE_KINDS)

        register_nav(
            NavItem(
                label=_("Sozialräume"), url_name="standorte:area_list", visible=_always, order=40
            )
        )
        register_nav(
            NavItem(
                label=_("Karte der Ortsteile"),
                url_name="standorte:district_map",
                visible=_always,
                order=42,
            )
        )
        register_nav(
            NavItem(
                label=_("Empfehlungen"),
                url_name="standorte:recommendation_list",
                visible=_always,
                order=45,
            )
        )
        register_demo_seeder(DemoSeeder(key="standorte", seed=demo.seed, order=60))
        register_dashboard_panel(DashboardPanel(key="standorte", render=dashboard_panel, order=50))

        from gremium.permissions import subject_visibility
        from gremium.services.votes import on_vote_closed

        from .models import Deliberation
        from .permissions import can_see_deliberation
        from .services import on_deliberation_vote_closed

        on_vote_closed.register(Deliberation, on_deliberation_vote_closed)

        # Single saves and deletes (admin, shell, factories) give the area data a new version,
        # so cached rankings are rebuilt; bulk writes in services do it themselves.
        from django.db.models.signals import post_delete, post_save

        from .models import District, Indicator, IndicatorValue, SocialArea
        from .services import area_data_changed

        for model in (SocialArea, District, Indicator, IndicatorValue):
            post_save.connect(area_data_changed, sender=model, dispatch_uid=f"area-data-{model}")
            post_delete.connect(area_data_changed, sender=model, dispatch_uid=f"area-del-{model}")
        subject_visibility.register(
            Deliberation,
            can_see_deliberation,
            # what can_see_deliberation reads
            queryset=lambda: Deliberation.objects.select_related("project").only(
                "id", "project_id", "project__committee_id"
            ),
        )

        from erfurt_srp.exports.plan_sections import register_plan_source

        from .plan_sections import PLAN_SOURCE

        register_plan_source(PLAN_SOURCE)


MESSAGE_KINDS = {
    "standorte.export_ready": _("Export fertig"),
}
