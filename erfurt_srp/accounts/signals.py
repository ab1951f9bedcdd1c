"""Signal receivers of the accounts app (connected in AccountsConfig.ready)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def record_mfa_on_activation(sender, request, user, authenticator, **kwargs):
    """Activating TOTP proves the second factor (the user entered a code from the new app), so
    this session counts as having passed it, as allauth records for the login step."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
