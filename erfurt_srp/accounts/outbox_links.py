"""Personal links in the outbox (see erfurt_srp.notifications.links)."""

from erfurt_srp.notifications.links import register_link_reissuer

from .services import INVITATION_MAIL_KIND, invitation_link_reissue

register_link_reissuer(INVITATION_MAIL_KIND, invitation_link_reissue)
