from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The models whose saves and deletes invalidate the cached public pages (admin edits included).
CACHED_CONTENT_MODELS = (
    "Committee",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "File",
    "Location",
    "Minutes",
    "MinutesEntry",
)


class GremiumConfig(AppConfig):
    """All of gremium's start-up wiring is here; no module registers anything on import."""

    name = "gremium"
    verbose_name = _("Gremium")

    def ready(self):
        from functools import partial

        from django.db.models.signals import post_delete, post_save

        from erfurt_srp.accounts import grants, personal_data
        from erfurt_srp.accounts.invitations import InvitationPurpose, register_invitation_purpose
        from erfurt_srp.accounts.roles import is_committee_member, is_staff, register_member_check
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

        from . import home, models, my_data
        from .cache import content_changed
        from .demo import committees, meetings, votes
        from .panels import meetings_panel, votes_panel
        from .permissions import (
            can_view_agenda_item,
            subject_visibility,
            user_has_active_membership,
        )
        from .services import guests, invitations

        register_message_kinds(MESSAGE_KINDS)

        # The platform role "member" is gremium's membership rule (see gremium.permissions).
        register_member_check(user_has_active_membership)

        register_demo_seeder(DemoSeeder(key="gremium.committees", seed=committees.seed, order=20))
        register_demo_seeder(DemoSeeder(key="gremium.meetings", seed=meetings.seed, order=30))
        register_demo_seeder(DemoSeeder(key="gremium.votes", seed=votes.seed, order=40))

        for name in CACHED_CONTENT_MODELS:
            model = getattr(models, name)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"gremium-cache-{name}")
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"gremium-cache-d-{name}"
            )

        subject_visibility.register(
            models.AgendaItem,
            can_view_agenda_item,
            # what can_view_agenda_item reads, not the items' texts
            queryset=lambda: models.AgendaItem.objects.select_related("meeting__committee").only(
                *("id", "public", "meeting_id", "meeting__state", "meeting__committee_id"),
                "meeting__committee__is_public",
            ),
        )

        register_invitation_purpose(
            InvitationPurpose(
                key=invitations.PURPOSE, accept=invitations.accept, describe=invitations.describe
            )
        )
        register_invitation_purpose(
            InvitationPurpose(
                key=guests.PURPOSE,
                accept=guests.accept,
                describe=guests.describe,
                landing_url=guests.landing_url,
            )
        )

        def member_or_staff(user) -> bool:
            return is_staff(user) or is_committee_member(user)

        for item in (
            NavItem(
                label=_("Sitzungen"), url_name="gremium:meeting_list", visible=_always, order=10
            ),
            NavItem(
                label=_("Drucksachen"), url_name="gremium:paper_list", visible=_always, order=11
            ),
            NavItem(
                label=_("Abstimmungen"),
                url_name="gremium:vote_list",
                visible=member_or_staff,
                order=14,
            ),
            NavItem(
                label=_("Stellungnahmen"),
                url_name="gremium:statement_round_list",
                visible=member_or_staff,
                order=15,
            ),
            NavItem(
                label=_("Einladungen"),
                url_name="gremium:invitation_list",
                visible=is_staff,
                order=80,
                section="staff",
            ),
        ):
            register_nav(item)

        register_dashboard_panel(
            DashboardPanel(key="gremium.meetings", render=meetings_panel, order=10)
        )
        register_dashboard_panel(DashboardPanel(key="gremium.votes", render=votes_panel, order=30))
        register_home_section(
            HomeSection(key="gremium.meetings", render=home.next_meetings, order=30)
        )
        personal_data.register(
            key="gremium.guests",
            label=_("Gremium: Gastzugänge zu nicht öffentlichen Unterlagen"),
            exporter=partial(
                grants.export_grants, models.GuestAccess, target_label=lambda g: str(g.target)
            ),
            eraser=partial(grants.erase_grants, models.GuestAccess),
            order=40,
        )
        personal_data.register(
            key="gremium",
            label=_("Gremium: Person, Mitgliedschaften, Stellungnahmen, Stimmen"),
            exporter=my_data.export_person,
            eraser=my_data.erase_person,
            order=40,
        )


def _always(user) -> bool:
    return True


MESSAGE_KINDS = {
    "gremium.meeting.invitation": _("Einladung zu einer Sitzung"),
    "gremium.meeting.update": _("Änderung einer Sitzung"),
    "gremium.meeting.cancel": _("Absage einer Sitzung"),
    "gremium.meeting.reminder": _("Erinnerung an eine Sitzung"),
    "gremium.meeting.deputy_notice": _("Bitte um Vertretung"),
    "gremium.meeting.deputy_released": _("Vertretung nicht mehr nötig"),
    "gremium.minutes.published": _("Niederschrift zur Kommentierung"),
    "gremium.vote.opened": _("Abstimmung eröffnet"),
    "gremium.vote.reminder": _("Erinnerung an eine Abstimmung"),
    "gremium.vote.result": _("Ergebnis einer Abstimmung"),
    "gremium.statements.opened": _("Bitte um Fachliche Stellungnahme"),
    "gremium.statements.reminder": _("Erinnerung an eine Fachliche Stellungnahme"),
    "gremium.guest_access": _("Gastzugang erteilt"),
}
