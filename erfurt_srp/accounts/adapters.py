from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up is open; committee members come in through invitations instead."""

    def is_open_for_signup(self, request):
        return True
