"""Option helpers shared by the management commands of every app."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_option(email):
    """The account named by a command's --user option (None when not given)."""
    if not email:
        return None
    # The user model by setting, not by import: common sits below partners.
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"Aucun compte pour {email}.")
    return user


def date_option(text):
    """A command's date option: AAAA-MM-JJ or JJ/MM/AAAA, refused in French otherwise."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Date « {text} » illisible : AAAA-MM-JJ ou JJ/MM/AAAA attendu.")
