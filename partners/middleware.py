"""Account middleware: journal context, deactivated sessions, staff MFA, no-store."""

from urllib.parse import quote

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from . import audit
from .enums import AuthEventKind
from .models import User


class AuditContextMiddleware:
    """Keep the request at hand so journal lines know their author and IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            audit.current_request.reset(token)


class DeactivatedSessionMiddleware:
    """A deactivated account's session ends at its next request, with a French message.

    Django already treats the user as anonymous; this says why, and journals it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_id = request.session.get(SESSION_KEY)
        if user_id and not request.user.is_authenticated:
            user = User.objects.filter(pk=user_id, is_active=False).first()
            request.session.flush()
            if user is not None:
                audit.record(AuthEventKind.SESSION_REFUSED, user=user, request=request)
                messages.error(
                    request,
                    "Votre compte a été désactivé : vous avez été déconnecté. "
                    "Adressez-vous à l'administrateur de votre structure.",
                )
        return self.get_response(request)


# Pages a staff member without MFA may still reach: enrolment, logout, static, health, the
# favicon (browsers fetch it by themselves: redirecting it drew a new TOTP secret).
MFA_ENROLMENT_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "healthz",
    "favicon",
}


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request):
    """Whether THIS session typed a second-factor code (at login, at enrolment or when
    asked again): allauth keeps the session's authentication steps."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class StaffMfaRequiredMiddleware:
    """Staff must enrol TOTP before any other page, the admin included; once enrolled,
    each session must have passed the second factor (a session opened before the
    enrolment, elsewhere, is asked for a code)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        staff = user.is_authenticated and user.is_staff
        if staff and not self._allowed(request):
            if not has_totp(user):
                messages.warning(
                    request,
                    "L'équipe de la Métropole accède à toutes les données : activez la double "
                    "authentification (application TOTP) pour continuer.",
                )
                return redirect("mfa_activate_totp")
            if not session_passed_second_factor(request):
                messages.warning(
                    request,
                    "Saisissez le code de votre application d'authentification pour continuer.",
                )
                return redirect(
                    f"{reverse('mfa_reauthenticate')}?next={quote(request.get_full_path())}"
                )
        return self.get_response(request)

    @staticmethod
    def _allowed(request):
        if request.path_info.startswith("/static/"):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in MFA_ENROLMENT_URL_NAMES


class NoStoreMiddleware:
    """Pages seen by a logged-in user may show personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
