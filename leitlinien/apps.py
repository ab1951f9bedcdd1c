from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeitlinienConfig(AppConfig):
    name = "leitlinien"
    verbose_name = _("Leitlinien")

    def ready(self):
        from functools import partial

        from erfurt_srp.accounts import grants, personal_data
        from erfurt_srp.accounts.invitations import InvitationPurpose, register_invitation_purpose
        from erfurt_srp.accounts.roles import is_staff
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

        from . import adoption, demo, models, my_data, panels, services
        from .permissions import is_any_insider

        register_message_kinds(MESSAGE_KINDS)

        register_invitation_purpose(
            InvitationPurpose(
                key=services.EDITOR_PURPOSE,
                accept=services.editor_invitation_accept,
                describe=services.editor_invitation_describe,
                landing_url=services.editor_invitation_landing,
            )
        )
        register_nav(
            NavItem(
                label=_("Leitlinien"), url_name="leitlinien:index", visible=lambda u: True, order=30
            )
        )
        register_nav(
            NavItem(
                label=_("Maßnahmen"),
                url_name="leitlinien:measure_list",
                visible=lambda u: True,
                order=31,
            )
        )
        register_nav(
            NavItem(
                label=_("Kommentare prüfen"),
                url_name="leitlinien:comment_review",
                visible=is_staff,
                order=34,
            )
        )
        register_nav(
            NavItem(
                label=_("Sozialraumplan"),
                url_name="leitlinien:plan_index",
                visible=lambda u: u.is_authenticated and (is_staff(u) or is_any_insider(u)),
                order=32,
            )
        )
        register_nav(
            NavItem(
                label=_("Sachstandsberichte"),
                url_name="leitlinien:report_index",
                visible=is_staff,
                order=33,
                section="staff",
            )
        )
        register_dashboard_panel(
            DashboardPanel(key="leitlinien.rounds", render=panels.rounds_panel, order=30)
        )
        register_home_section(
            HomeSection(key="leitlinien.rounds", render=panels.home_section, order=20)
        )
        personal_data.register(
            key="leitlinien",
            label=_("Beteiligungsrunden: persönliche Links und unbestätigte Kommentare"),
            exporter=my_data.export_links_and_pending,
            eraser=my_data.erase,
            order=20,  # before discussion's eraser: answered comments stay as "deleted account"
        )
        personal_data.register(
            key="leitlinien.editors",
            label=_("Leitlinien: Federführung"),
            exporter=partial(grants.export_grants, models.ThemeEditor, target_label=str),
            eraser=partial(grants.erase_grants, models.ThemeEditor),
            order=20,
        )
        register_demo_seeder(DemoSeeder(key="leitlinien", seed=demo.seed, order=60))
        adoption.register()
        # Failed e-mails with a personal link, sent again, carry a new link.
        register_link_reissuer(
            services.ROUND_INVITATION_MAIL_KIND, services.round_invitation_link_reissue
        )
        register_link_reissuer(
            services.COMMENT_CONFIRMATION_MAIL_KIND, services.comment_confirmation_link_reissue
        )


MESSAGE_KINDS = {
    "leitlinien.round_invitation": _("Einladung zu einer Beteiligungsrunde"),
    "leitlinien.comment_confirmation": _("Bestätigung eines Kommentars"),
    "leitlinien.report_due": _("Sachstandsbericht fällig"),
    "leitlinien.editor": _("Federführung übertragen"),
}
