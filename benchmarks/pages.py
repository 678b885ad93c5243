"""The pages `make bench` measures, and who opens them (shared by run.py and queries.py)."""

from partners.models import User


def staff_user():
    """The first active staff account, with the TOTP device staff must have."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if not Authenticator.objects.filter(user=user, type="totp").exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def conseiller_user():
    """A conseiller of a partner organisation: the first national one, else a demo one."""
    users = User.objects.filter(is_staff=False, is_active=True, memberships__role="conseiller")
    # One whose inbox has assignments waiting, so that both data sets fill the same page.
    waiting = users.filter(memberships__organisation__assignments__status="quo").distinct()
    return (
        waiting.filter(email__endswith="@national.test").order_by("pk").first()
        or waiting.order_by("pk").first()
        or users.order_by("pk").first()
    )


def pages(staff, conseiller):
    """(name, path, user) of every measured page."""
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.visible_to(conseiller).order_by("pk").first()
    return [
        ("liste des entreprises", "/entreprises/", conseiller),
        ("fiche entreprise", f"/entreprises/{enterprise.pk}/", conseiller),
        ("boîte des partenaires", "/espace/orientations/", conseiller),
        ("mes statistiques", "/statistiques/", conseiller),
        ("pilotage", "/pilotage/", staff),
        ("admin : entreprises", "/admin/enterprises/enterprise/", staff),
        ("admin : activités", "/admin/enterprises/activity/", staff),
        # Public (no login needed): measured with a session, which it ignores.
        ("formulaire public « Rejoindre »", "/rejoindre/", conseiller),
    ]


def count_queries(path, user):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)  # the first visit may fill caches (the dashboard's figures)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)
