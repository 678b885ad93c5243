"""What the base layout needs on every page."""

from django.conf import settings

from common.data_version import versioned

from .models import JoinRequest


def site(request):
    """The legal facts of the footer pages, and for staff the number of requests to
    join waiting for triage (counted only when the menu is drawn, and kept under the
    data's version: a request's arrival or triage moves it, decision 012)."""
    context = {"legal": settings.LEGAL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        context["pending_join_requests"] = lambda: versioned(
            "menu:pending-join-requests", JoinRequest.objects.pending().count
        )
    return context
