"""Project-level views: the entry page and the health check."""

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from config.celery import broker_folders
from partners.perms import is_funder

logger = logging.getLogger(__name__)


def home(request):
    """Staff land on « Pilotage », the funder on its page, everyone else on « Mon espace »."""
    if request.user.is_staff:
        return redirect("grant:pilotage")
    return redirect("grant:funder" if is_funder(request.user) else "partners:workspace")


@login_not_required
def legal_page(request, template):
    """« Accessibilité », « Mentions légales », « Données personnelles »: public, and
    filled from settings.LEGAL so that another collectivité can publish its own."""
    return render(request, f"legal/{template}.html")


FAVICON = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico by themselves, on every first page (the two-factor
    setup included): answer with the icon, never with a redirect to a page."""
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    for folder in broker_folders():
        if not os.access(folder, os.W_OK):
            raise OSError("filesystem broker folder missing or read-only")
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Public health check for the load balancer: database and broker, as JSON.

    Answers 200 when both are reachable, 503 otherwise; says which part failed but
    never why (no host names or credentials leave the server)."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception:
            logger.exception("Health check failed: %s", name)
            checks[name] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def ping(request):
    """A trivial login-required page: the yardstick of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")
