from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up is open; committee members come in through invitations instead."""

    def is_open_for_signup(self, request):
        return True

    def save_user(self, request, user, form, commit=True):
        """A new account reads e-mails in the language of the page it signed up on."""
        from .languages import current

        user.language = current()
        return super().save_user(request, user, form, commit=commit)
