from django.core.management.base import CommandError

from partners.models import User


def user_option(email):
    """The account named by a command's --user option (None when not given)."""
    if not email:
        return None
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"Aucun compte pour {email}.")
    return user
