"""Signal receivers of the accounts app (connected in AccountsConfig.ready)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def remember_no_totp(sender, request, user, **kwargs):
    """At login, note in the session that the account has no TOTP, so the MFA middleware does
    not look it up on every request."""
    from .middleware import remember_totp_state

    if request is not None and hasattr(request, "session"):
        remember_totp_state(request, user)


def record_mfa_on_activation(sender, request, user, authenticator, **kwargs):
    """Activating TOTP proves the second factor (the user entered a code from the new app), so
    this session counts as having passed it, as allauth records for the login step."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
