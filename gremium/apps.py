from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GremiumConfig(AppConfig):
    name = "gremium"
    verbose_name = _("Gremium")

    def ready(self):
        from erfurt_srp.accounts.roles import register_member_check

        from .permissions import user_has_active_membership

        register_member_check(user_has_active_membership)
