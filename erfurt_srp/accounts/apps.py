from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "erfurt_srp.accounts"
    label = "accounts"
    verbose_name = _("Konten")

    def ready(self):
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from erfurt_srp.core.registry import DemoSeeder, register_demo_seeder
        from erfurt_srp.notifications.kinds import register_message_kinds
        from erfurt_srp.notifications.links import register_link_reissuer

        from . import demo, my_data, personal_data, services, signals

        register_message_kinds(MESSAGE_KINDS)

        authenticator_added.connect(signals.record_mfa_on_activation)
        user_logged_in.connect(signals.remember_no_totp)
        personal_data.register(
            key="accounts",
            label=_("Ihr Konto"),
            exporter=my_data.export_account,
            eraser=my_data.erase_account,
            order=0,
        )

        register_demo_seeder(DemoSeeder(key="accounts", seed=demo.seed, order=10))
        # A failed invitation e-mail sent again carries a new personal link.
        register_link_reissuer(services.INVITATION_MAIL_KIND, services.invitation_link_reissue)


MESSAGE_KINDS = {
    "accounts.invitation": _("Einladung zur Plattform"),
}
