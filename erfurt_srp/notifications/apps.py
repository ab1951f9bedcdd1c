from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "erfurt_srp.notifications"
    label = "notifications"
    verbose_name = _("Nachrichten")

    def ready(self):
        from erfurt_srp.accounts import personal_data
        from erfurt_srp.accounts.roles import is_staff
        from erfurt_srp.core.registry import (
            DashboardPanel,
            NavItem,
            register_dashboard_panel,
            register_nav,
        )

        from . import my_data
        from .panels import outbox_problems

        personal_data.register(
            key="notifications",
            label=_("E-Mails an Ihre Adresse"),
            exporter=my_data.export_messages,
            eraser=my_data.erase_messages,
            order=80,  # after the apps whose erasers may queue or drop messages
        )

        register_dashboard_panel(
            DashboardPanel(key="notifications.problems", render=outbox_problems, order=5)
        )
        register_nav(
            NavItem(
                label=_("Postausgang"),
                url_name="notifications:outbox_list",
                visible=is_staff,
                order=90,
            )
        )
