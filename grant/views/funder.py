"""The funder's own pages: their conventions, the reports sent to them, aggregate figures.
Nothing row-level: no enterprise, no contact, no list of people."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from grant.enums import ReportStatus
from grant.figures_cache import cached_public_figures
from grant.indicators import grant_executions
from grant.models import Convention, Report
from grant.views.reports import send_report_file
from partners.perms import funder_organisations, is_funder


def funder_only(view):
    """Pages of the funder's members (role « financeur »); anyone else gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_funder(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _conventions(user):
    return Convention.objects.filter(funder__in=funder_organisations(user))


def _sent_reports(user):
    """Reports marked « transmis au financeur » for the user's conventions."""
    return Report.objects.filter(
        convention__in=_conventions(user),
        status=ReportStatus.DONE,
        transmitted_at__isnull=False,
    )


@funder_only
def funder_home(request):
    conventions = list(_conventions(request.user).select_related("beneficiary"))
    executions = grant_executions(conventions)
    reports = _sent_reports(request.user).select_related("convention").order_by("-transmitted_at")
    return render(
        request,
        "grant/funder.html",
        {
            "items": list(zip(conventions, executions, strict=True)),
            "reports": reports,
            "figures": cached_public_figures(timezone.localdate()),
        },
    )


@funder_only
def funder_report_file(request, pk, fmt):
    return send_report_file(get_object_or_404(_sent_reports(request.user), pk=pk), fmt)
