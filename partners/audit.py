"""Writing the security journal (AuthEvent): who, when, from which IP.

The request being served is kept in a context variable by AuditContextMiddleware, so
that changes made through the admin or the workspace are attributed to their author."""

import contextvars

from allauth.account.adapter import get_adapter

from .models import AuthEvent

current_request = contextvars.ContextVar("current_request", default=None)


def client_ip(request):
    """The client's address, trusting only ALLAUTH_TRUSTED_PROXY_COUNT proxies."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request) or None
    except Exception:  # a malformed X-Forwarded-For must not break the journal
        return request.META.get("REMOTE_ADDR") or None


def record(kind, *, user=None, request=None, actor=None, email="", organisation=None, detail=""):
    """Append one line to the security journal."""
    request = request or current_request.get()
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    return AuthEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        actor=actor,
        email=(email or (user.email if user is not None else ""))[:254],
        ip_address=client_ip(request),
        organisation=organisation,
        detail=detail[:255],
    )
