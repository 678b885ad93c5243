"""The pages `make bench` measures, and who opens them (shared by run.py and queries.py)."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

from partners.models import User


def with_second_factor(session, user):
    """Record in `session` that its staff member typed their TOTP code, as a real login
    does: without it every staff page redirects to « Saisissez le code » (the staff MFA
    middleware), and the bench measured that redirect instead of the page."""
    if user.is_staff:
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "mfa", "type": "totp", "at": time.time(), "reauthenticated": True}
        ]
        session["account_authentication_methods_user"] = str(user.pk)


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


def ensure_requests_and_surveys():
    """Requests to join and surveys, for a database seeded before they existed (or the
    small demo one): one handled request per 10 enterprises, 40 waiting, one survey per
    4 enterprises, as `seed_demo --scale national` writes them."""
    import random

    from django.utils import timezone

    from demo.national import seed_requests_and_surveys
    from enterprises.models import Enterprise, JoinRequest
    from partners.models import Organisation

    if JoinRequest.objects.exists():
        return
    seed_requests_and_surveys(
        random.Random(21),
        timezone.now(),
        list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)),
        list(Organisation.objects.order_by("pk")),
    )


def pages(staff, conseiller):
    """(name, path, user) of every measured page."""
    from enterprises.models import Enterprise, Survey
    from enterprises.surveys import survey_token

    ensure_requests_and_surveys()
    enterprise = Enterprise.objects.visible_to(conseiller).order_by("pk").first()
    survey = Survey.objects.filter(completed_at=None).order_by("pk").first()
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
        ("questionnaire (lien de l'e-mail)", f"/avis/{survey_token(survey)}/", conseiller),
        ("les chiffres du programme", "/chiffres/", conseiller),
        ("demandes à trier", "/espace/demandes/", staff),
    ]


def count_queries(path, user):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    session = client.session
    with_second_factor(session, user)
    session.save()
    client.get(path)  # the first visit may fill caches (the dashboard's figures)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)
