from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _always(user) -> bool:
    return True


class StandorteConfig(AppConfig):
    name = "standorte"
    verbose_name = _("Standorte")

    def ready(self):
        from erfurt_srp.core.registry import (
            DemoSeeder,
            NavItem,
            register_demo_seeder,
            register_nav,
        )

        from . import demo

        register_nav(
            NavItem(
                label=_("Sozialräume"), url_name="standorte:area_list", visible=_always, order=40
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
