from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only: public sign-up is closed."""

    def is_open_for_signup(self, request):
        return False
