"""The text of an outbox message as its recipient gets it (personal link filled in)."""

from erfurt_srp.notifications.sending import build_email


def sent_body(message) -> str:
    """Return the e-mail text of a message not yet sent, with its personal link."""
    return build_email(message).body
