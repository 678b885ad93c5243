"""Receivers that feed the security journal."""

import time

from allauth.account import signals as account_signals
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import audit
from .enums import AuthEventKind as Kind
from .models import Membership, User
from .perms import is_funder

# How long a login counts as a fresh proof of identity for allauth's sensitive pages.
LOGIN_IS_FRESH = 300


@receiver(auth_signals.user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(Kind.LOGIN, user=user, request=request, actor=user)
    if request is not None and hasattr(request, "session"):
        # The menu only: what a funder may open is checked by each view (perms.is_funder).
        request.session["menu_funder"] = is_funder(user)
    mark_login_as_fresh(request)


def mark_login_as_fresh(request):
    """allauth counts only explicit re-authentications as recent, so the two-factor setup
    asked for the password again seconds after it was typed at login. The steps of the
    login just completed (password, code) count as such for the usual five minutes."""
    session = getattr(request, "session", None)
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) if session is not None else None
    if not isinstance(records, list):
        return
    now = time.time()
    for record in records:
        if now - record.get("at", 0) < LOGIN_IS_FRESH:
            record["reauthenticated"] = True
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    audit.record(Kind.LOGIN_FAILED, user=user, email=email, request=request)


@receiver(auth_signals.user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(Kind.LOGOUT, user=user, request=request, actor=user)


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    audit.record(Kind.MFA_ADDED, user=user, request=request, detail=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit.record(Kind.MFA_REMOVED, user=user, request=request, detail=authenticator.type)


@receiver(mfa_signals.authenticator_reset)
def on_mfa_reset(sender, request, user, authenticator, **kwargs):
    audit.record(Kind.MFA_RESET, user=user, request=request, detail=authenticator.type)


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(sender, request, user, authenticator=None, **kwargs):
    detail = authenticator.type if authenticator is not None else ""
    audit.record(Kind.MFA_FAILED, user=user, request=request, detail=detail)


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs):
    audit.record(Kind.PASSWORD_CHANGED, user=user, request=request)


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    audit.record(Kind.PASSWORD_RESET, user=user, request=request)


@receiver(account_signals.email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit.record(
        Kind.EMAIL_CHANGED,
        user=user,
        request=request,
        email=to_email_address.email,
        detail=f"ancienne adresse : {from_email_address.email}" if from_email_address else "",
    )


def _previous(instance, *fields):
    if instance.pk is None:
        return None
    return type(instance).objects.filter(pk=instance.pk).values(*fields).first()


@receiver(pre_save, sender=User)
def remember_user_state(sender, instance, raw=False, **kwargs):
    instance._previous = None if raw else _previous(instance, "is_active")


@receiver(post_save, sender=User)
def on_user_saved(sender, instance, created, raw=False, **kwargs):
    previous = getattr(instance, "_previous", None)
    if raw or created or previous is None or previous["is_active"] == instance.is_active:
        return
    kind = Kind.ACCOUNT_REACTIVATED if instance.is_active else Kind.ACCOUNT_DEACTIVATED
    audit.record(kind, user=instance)


@receiver(pre_save, sender=Membership)
def remember_membership_state(sender, instance, raw=False, **kwargs):
    instance._previous = None if raw else _previous(instance, "role", "is_active")


@receiver(post_save, sender=Membership)
def on_membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    previous = getattr(instance, "_previous", None)
    organisation = instance.organisation
    if created or previous is None:
        audit.record(
            Kind.MEMBERSHIP_ADDED,
            user=instance.user,
            organisation=organisation,
            detail=f"rôle : {instance.get_role_display()}",
        )
        return
    if previous["role"] != instance.role:
        old = dict(instance._meta.get_field("role").choices).get(previous["role"], previous["role"])
        audit.record(
            Kind.ROLE_CHANGED,
            user=instance.user,
            organisation=organisation,
            detail=f"{old} → {instance.get_role_display()}",
        )
    if previous["is_active"] != instance.is_active:
        kind = Kind.MEMBERSHIP_REACTIVATED if instance.is_active else Kind.MEMBERSHIP_DEACTIVATED
        audit.record(kind, user=instance.user, organisation=organisation)
