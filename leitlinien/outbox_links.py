"""Personal links in the outbox (see erfurt_srp.notifications.links)."""

from erfurt_srp.notifications.links import register_link_reissuer

from .services import (
    COMMENT_CONFIRMATION_MAIL_KIND,
    ROUND_INVITATION_MAIL_KIND,
    comment_confirmation_link_reissue,
    round_invitation_link_reissue,
)

register_link_reissuer(ROUND_INVITATION_MAIL_KIND, round_invitation_link_reissue)
register_link_reissuer(COMMENT_CONFIRMATION_MAIL_KIND, comment_confirmation_link_reissue)
